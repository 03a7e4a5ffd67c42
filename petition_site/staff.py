"""The admin site staff sign in to: throttled login, lockout, optional TOTP."""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.cache import BaseCache, cache, caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm

from petition_site.cache import CacheUnavailable
from signatures.network import client_ip


class OptionalOTPAuthenticationForm(OTPAdminAuthenticationForm):  # type: ignore[misc]
    """Asks for a one-time code only from staff who have set up a TOTP device."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super(OTPAdminAuthenticationForm, self).clean()
        self.cleaned_data = cleaned
        user = self.get_user()
        if user is None:  # a field was missing: its own error says so
            return cleaned
        if settings.STAFF_REQUIRE_2FA or user_has_device(user):
            self.clean_otp(user)
        return cleaned


def _failure_keys(request: HttpRequest) -> list[tuple[str, int]]:
    username = str(request.POST.get("username", "")).strip().lower()[:150]
    user_key = hashlib.sha256(username.encode()).hexdigest()[:32]
    limit = settings.LOGIN_FAILURE_LIMIT
    # One account, and one client trying many accounts.
    return [
        (f"login-fail:user:{user_key}", limit),
        (f"login-fail:ip:{client_ip(request)}", limit * 4),
    ]


def _counters() -> BaseCache:
    """Failures are counted in the shared cache; while it is down, in this process."""
    try:
        cache.has_key("login-fail:probe")
    except CacheUnavailable:
        return caches["local"]
    return cache


class StaffAdminSite(admin.AdminSite):
    site_header = "Petition staff"
    site_title = "Petition staff"
    login_form = OptionalOTPAuthenticationForm
    login_template = "otp/admin111/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        user = request.user
        if settings.STAFF_REQUIRE_2FA or user_has_device(user):
            # OTPMiddleware gives every request's user is_verified().
            return bool(user.is_verified())  # type: ignore[union-attr]
        return True

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method != "POST":
            return super().login(request, extra_context)
        keys = _failure_keys(request)
        counters = _counters()
        if any((counters.get(key) or 0) >= limit for key, limit in keys):
            ctx = {"minutes": settings.LOGIN_LOCKOUT_MINUTES}
            return render(request, "admin/locked_out.html", ctx, status=429)
        response = super().login(request, extra_context)
        if request.user.is_authenticated:
            counters.delete(keys[0][0])
        else:
            timeout = settings.LOGIN_LOCKOUT_MINUTES * 60
            for key, _limit in keys:
                counters.add(key, 0, timeout)
                counters.incr(key)
        return response
