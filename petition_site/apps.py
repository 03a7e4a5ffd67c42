from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """The admin, on the site in petition_site.staff (login throttling, TOTP)."""

    default_site = "petition_site.staff.StaffAdminSite"
