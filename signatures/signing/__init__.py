"""Signing: the form, the abuse screen, the services the public pages call, links."""
