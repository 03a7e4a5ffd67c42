"""The admin site staff sign in to: normalised usernames, lockout, TOTP they enrol themselves.

Lockout is counted three ways, so it cannot be turned against staff:

- per account *and* client network: ``LOGIN_FAILURE_LIMIT`` wrong passwords
  lock that pair for ``LOGIN_LOCKOUT_MINUTES``; the account stays open from
  everywhere else;
- per client network: four times that, over any accounts;
- per account from everywhere: ``LOGIN_ACCOUNT_LIMIT`` failures lock the
  account to every browser that has not signed in to it before. A browser
  that has gets a signed cookie and keeps its way in, so an attacker with
  many addresses slows an account down but cannot lock its owner out.

Usernames are compared in one form (NFKC, case-folded), so spelling variants
such as fullwidth letters count as the same account.
"""

import base64
import hashlib
import unicodedata
from typing import Any

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core import signing
from django.core.cache import BaseCache, cache, caches
from django.db.models.signals import pre_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from petition_site.cache import CacheUnavailable
from signatures.network import client_ip, client_network

DEVICE_COOKIE = "staff_device"
DEVICE_SALT = "petition_site.staff.device"
DEVICE_MAX_AGE = 365 * 24 * 3600


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username).casefold().strip()


class NormalisedUsernameBackend(ModelBackend):
    """Signs in with the username in its one stored form, however it was typed."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is not None:
            username = normalise_username(username)
        return super().authenticate(request, username=username, password=password, **kwargs)


def normalise_on_save(sender: type, instance: Any, **kwargs: Any) -> None:
    """pre_save of the user model: usernames are stored normalised, at creation too."""
    instance.username = normalise_username(instance.username)


pre_save.connect(normalise_on_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="normalise")


def is_verified(user: Any) -> bool:
    """OTPMiddleware gives each request's user is_verified(): signed in with a code."""
    return bool(getattr(user, "is_verified", lambda: False)())


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


def _hashed(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _failure_keys(request: HttpRequest, account: str, trusted: bool) -> list[tuple[str, int]]:
    network = client_network(client_ip(request)) or "unknown"
    limit = settings.LOGIN_FAILURE_LIMIT
    keys = [
        (f"login-fail:pair:{_hashed(account + '|' + network)}", limit),
        (f"login-fail:client:{_hashed(network)}", limit * 4),
    ]
    if not trusted:
        keys.append((f"login-fail:account:{_hashed(account)}", settings.LOGIN_ACCOUNT_LIMIT))
    return keys


def _counters() -> BaseCache:
    """Failures are counted in the shared cache; while it is down, in this process."""
    try:
        cache.has_key("login-fail:probe")
    except CacheUnavailable:
        return caches["local"]
    return cache


def _trusted_browser(request: HttpRequest, account: str) -> bool:
    """This browser signed in to this account before (its signed cookie says so)."""
    try:
        value = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
        )
    except signing.BadSignature:
        return False
    return bool(value == _hashed(account))


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
        keys = _failure_keys(request, account, _trusted_browser(request, account))
        counters = _counters()
        if any((counters.get(key) or 0) >= limit for key, limit in keys):
            ctx = {"minutes": settings.LOGIN_LOCKOUT_MINUTES}
            return render(request, "admin/locked_out.html", ctx, status=429)
        response = super().login(request, extra_context)
        if request.user.is_authenticated:
            counters.delete(keys[0][0])
            response.set_cookie(
                DEVICE_COOKIE,
                signing.dumps(_hashed(account), salt=DEVICE_SALT),
                max_age=DEVICE_MAX_AGE,
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
