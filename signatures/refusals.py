"""Refusals (400, 403, 404): inside the staff pages they keep the admin's look and a way back."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _in_admin(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # unset when refused before authentication
    return request.path.startswith("/" + settings.ADMIN_URL) and bool(user and user.is_staff)


def _admin_refusal(request: HttpRequest, status: int, title: str, explanation: str) -> HttpResponse:
    """A refusal inside the staff pages keeps their look and a way back."""
    ctx = {**admin.site.each_context(request), "title": title, "explanation": explanation}
    return render(request, "admin/refused.html", ctx, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _in_admin(request):
        explanation = _("The address or the form sent could not be read. Go back and try again.")
        return _admin_refusal(request, 400, _("Bad request"), explanation)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _in_admin(request):
        explanation = _(
            "Your role does not include this page. If you need it, ask the person "
            "who manages staff accounts."
        )
        return _admin_refusal(request, 403, _("Not part of your role"), explanation)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _in_admin(request):
        explanation = _("Nothing is at this address. It may have been removed or mistyped.")
        return _admin_refusal(request, 404, _("Page not found"), explanation)
    return render(request, "404.html", status=404)
