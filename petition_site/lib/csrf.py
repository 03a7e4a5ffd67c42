"""Cross-site request forgery protection by the browser's own headers, not a token.

``Sec-Fetch-Site`` (or, from older browsers, ``Origin``) says where a request
comes from, so public pages carry nothing per visitor and any cache may keep
them. django-modern-csrf implements the check the way Go's
``CrossOriginProtection`` does; this adds one thing: a view marked with
:func:`partner_form` also takes posts from the sites in ``PARTNER_ORIGINS``,
and every other view refuses them, the admin included.

The staff area (``ADMIN_URL``: the admin, its 2FA step and hand-in downloads)
keeps Django's token as well: a browser that sends neither header (an old
one, or a plugin's request) would otherwise pass with the staff session
cookie alone. ``StaffTokenMiddleware`` checks it on every staff URL.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseForbidden
from django.middleware.csrf import CsrfViewMiddleware
from modern_csrf.middleware import ModernCsrfViewMiddleware


def partner_form[View: Callable[..., HttpResponseBase]](view: View) -> View:
    """Partner sites (``PARTNER_ORIGINS``) may post to this view from their own pages."""
    view.accepts_partner_origins = True  # type: ignore[attr-defined]
    return view


def partner_origin(request: HttpRequest) -> str:
    """The partner site a request came from, or "" when it is none of them."""
    origin = request.headers.get("Origin", "")
    return origin if origin in settings.PARTNER_ORIGINS else ""


class OriginCsrfMiddleware(ModernCsrfViewMiddleware):  # type: ignore[misc]
    def process_view(
        self,
        request: HttpRequest,
        callback: Callable[..., Any],
        callback_args: tuple[Any, ...],
        callback_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if (
            request.method == "POST"
            and getattr(callback, "accepts_partner_origins", False)
            and partner_origin(request)
        ):
            request.csrf_processing_done = True  # type: ignore[attr-defined]
            return None
        verdict: HttpResponseBase | None = super().process_view(
            request, callback, callback_args, callback_kwargs
        )
        if verdict is None and is_staff_url(request):
            request.csrf_processing_done = False  # type: ignore[attr-defined]
        return verdict


def is_staff_url(request: HttpRequest) -> bool:
    return request.path_info.startswith("/" + settings.ADMIN_URL)


class StaffTokenMiddleware(CsrfViewMiddleware):
    """Django's token check on every staff URL, after ``OriginCsrfMiddleware``'s rule."""

    def process_request(self, request: HttpRequest) -> None:
        if is_staff_url(request):
            super().process_request(request)

    def process_view(
        self,
        request: HttpRequest,
        callback: Callable[..., Any],
        callback_args: tuple[Any, ...],
        callback_kwargs: dict[str, Any],
    ) -> HttpResponseForbidden | None:
        if not is_staff_url(request):
            return None
        return super().process_view(request, callback, callback_args, callback_kwargs)

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not is_staff_url(request):
            return response
        result: HttpResponseBase = super().process_response(request, response)
        return result
