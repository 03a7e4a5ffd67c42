"""Locking out wrong passwords, in a way that cannot be turned against staff.

Lockout is counted three ways, so it cannot be turned against staff:

- per account *and* client network: ``LOGIN_FAILURE_LIMIT`` wrong passwords
  lock that pair for ``LOGIN_LOCKOUT_MINUTES``; the account stays open from
  everywhere else;
- per client network: four times that, over any accounts;
- per account from everywhere: ``LOGIN_ACCOUNT_LIMIT`` failures lock the
  account to every browser that has not signed in to it before. A browser
  that has gets a signed cookie and keeps its way in, so an attacker with
  many addresses slows an account down but cannot lock its owner out.
"""

import hashlib

from django.conf import settings
from django.core import signing
from django.core.cache import BaseCache, cache, caches
from django.http import HttpRequest

from petition_site.lib.cache import CacheUnavailable
from petition_site.lib.network import client_ip, client_network

DEVICE_COOKIE = "staff_device"
DEVICE_SALT = "petition_site.staff.device"  # as issued: changing it signs every browser out
DEVICE_MAX_AGE = 365 * 24 * 3600


def hashed(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def failure_keys(request: HttpRequest, account: str, trusted: bool) -> list[tuple[str, int]]:
    network = client_network(client_ip(request)) or "unknown"
    limit = settings.LOGIN_FAILURE_LIMIT
    keys = [
        (f"login-fail:pair:{hashed(account + '|' + network)}", limit),
        (f"login-fail:client:{hashed(network)}", limit * 4),
    ]
    if not trusted:
        keys.append((f"login-fail:account:{hashed(account)}", settings.LOGIN_ACCOUNT_LIMIT))
    return keys


def counters() -> BaseCache:
    """Failures are counted in the shared cache; while it is down, in this process."""
    try:
        cache.has_key("login-fail:probe")
    except CacheUnavailable:
        return caches["local"]
    return cache


def trusted_browser(request: HttpRequest, account: str) -> bool:
    """This browser signed in to this account before (its signed cookie says so)."""
    try:
        value = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
        )
    except signing.BadSignature:
        return False
    return bool(value == hashed(account))
