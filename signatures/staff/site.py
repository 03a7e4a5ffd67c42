"""The admin site staff sign in to: lockout (signatures.staff.lockout), and TOTP devices
they enrol and remove themselves."""

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from signatures.staff import home, lockout
from signatures.staff.accounts import is_verified
from signatures.staff.usernames import normalise_username


class OptionalOTPAuthenticationForm(OTPAdminAuthenticationForm):  # type: ignore[misc]
    """Asks for a one-time code from staff who have a TOTP device.

    With ``STAFF_REQUIRE_2FA`` staff without one sign in with their password
    and go straight to setting one up; nothing else is open to them.
    """

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super(OTPAdminAuthenticationForm, self).clean()
        self.cleaned_data = cleaned
        user = self.get_user()
        if user is None:  # a field was missing: its own error says so
            return cleaned
        if user_has_device(user):
            self.clean_otp(user)
        return cleaned


def needs_enrolment(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        settings.STAFF_REQUIRE_2FA
        and user.is_authenticated
        and user.is_staff
        and not user_has_device(user)
    )


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
            return is_verified(user)
        return True

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        """The home page opens with what waits, per campaign."""
        return super().index(request, {**(extra_context or {}), "queue": home.queue(request)})

    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [path("two-factor/", self.two_factor, name="two_factor"), *super().get_urls()]

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if needs_enrolment(request):
            return HttpResponseRedirect(reverse("admin:two_factor"))
        if request.method != "POST":
            return super().login(request, extra_context)
        account = normalise_username(str(request.POST.get("username", "")))[:150]
        keys = lockout.failure_keys(request, account, lockout.trusted_browser(request, account))
        counters = lockout.counters()
        if any((counters.get(key) or 0) >= limit for key, limit in keys):
            ctx = {"minutes": settings.LOGIN_LOCKOUT_MINUTES}
            return render(request, "admin/locked_out.html", ctx, status=429)
        response = super().login(request, extra_context)
        if request.user.is_authenticated:
            counters.delete(keys[0][0])
            response.set_cookie(
                lockout.DEVICE_COOKIE,
                signing.dumps(lockout.hashed(account), salt=lockout.DEVICE_SALT),
                max_age=lockout.DEVICE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            if needs_enrolment(request):
                return HttpResponseRedirect(reverse("admin:two_factor"))
        else:
            timeout = settings.LOGIN_LOCKOUT_MINUTES * 60
            for key, _limit in keys:
                counters.add(key, 0, timeout)
                counters.incr(key)
        return response

    @method_decorator(never_cache)
    def two_factor(self, request: HttpRequest) -> HttpResponseBase:
        """Every staff member sets up, or removes, their own authenticator app."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return HttpResponseRedirect(reverse("admin:login") + f"?next={request.path}")
        devices = TOTPDevice.objects.filter(user=user)
        pending = devices.filter(confirmed=False).first()
        confirmed = list(devices.filter(confirmed=True))
        verified = is_verified(user)
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "start" and (verified or not confirmed):
                devices.filter(confirmed=False).delete()
                TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
            elif action == "confirm" and pending is not None:
                if pending.verify_token(str(request.POST.get("token", "")).strip()):
                    pending.confirmed = True
                    pending.save(update_fields=["confirmed"])
                    otp_login(request, pending)
                    messages.success(request, _("Two-factor sign-in is set up."))
                    return HttpResponseRedirect(reverse("admin:index"))
                messages.error(request, _("That code did not match. Try the current one."))
            elif action == "remove" and verified:
                device = str(request.POST.get("device", ""))
                removed = device.isdigit() and devices.filter(pk=int(device)).delete()[0]
                if removed:
                    messages.success(request, _("The authenticator app was removed."))
                else:
                    messages.error(request, _("That authenticator app is not yours or is gone."))
            return HttpResponseRedirect(request.path)
        qr = segno.make(pending.config_url, error="m").svg_inline(scale=4) if pending else ""
        key = base64.b32encode(pending.bin_key).decode() if pending else ""
        ctx = {
            **self.each_context(request),
            "title": _("Two-factor sign-in"),
            "devices": confirmed,
            "pending": pending,
            "qr": qr,
            "key": key,
            "verified": verified,
            "required": settings.STAFF_REQUIRE_2FA,
        }
        return render(request, "admin/two_factor.html", ctx)
