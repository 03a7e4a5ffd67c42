"""Rate limits, honeypot and fill time: what a flood or a bot gets."""

from datetime import timedelta
from enum import Enum
from typing import Any

from altcha import v1 as altcha
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_ratelimit.core import is_ratelimited

from signatures.network import client_ip


class Verdict(Enum):
    ACCEPT = "accept"
    HOLD = "hold"  # stored, but counts only once a moderator releases it
    BLOCK = "block"  # 429, nothing stored


def _tiers(request: HttpRequest, name: str, key: str, soft: str, hard: str) -> Verdict:
    def value(group: str, request: HttpRequest) -> str:
        return key

    # Both tiers count every attempt; the hard one is checked first.
    over_hard = is_ratelimited(request, f"sign-{name}-hard", key=value, rate=hard, increment=True)
    over_soft = is_ratelimited(request, f"sign-{name}-soft", key=value, rate=soft, increment=True)
    if over_hard:
        return Verdict.BLOCK
    return Verdict.HOLD if over_soft else Verdict.ACCEPT


def check_client(request: HttpRequest) -> Verdict:
    if not settings.RATELIMIT_ENABLE:
        return Verdict.ACCEPT
    ip = client_ip(request)
    return _tiers(request, "ip", ip, settings.SIGN_RATE_IP_SOFT, settings.SIGN_RATE_IP_HARD)


def check_address(request: HttpRequest, canonical_email: str) -> Verdict:
    if not settings.RATELIMIT_ENABLE:
        return Verdict.ACCEPT
    return _tiers(
        request,
        "email",
        canonical_email,
        settings.SIGN_RATE_EMAIL_SOFT,
        settings.SIGN_RATE_EMAIL_HARD,
    )


def worst(*verdicts: Verdict) -> Verdict:
    order = [Verdict.ACCEPT, Verdict.HOLD, Verdict.BLOCK]
    return max(verdicts, key=order.index)


def _altcha_key() -> str:
    return salted_hmac("signatures.altcha", "key", algorithm="sha256").hexdigest()


def altcha_challenge() -> dict[str, Any]:
    """A proof-of-work puzzle for the browser, valid for ten minutes."""
    options = altcha.ChallengeOptions(
        hmac_key=_altcha_key(),
        max_number=settings.ALTCHA_MAX_NUMBER,
        expires=timezone.now() + timedelta(minutes=10),
    )
    challenge: dict[str, Any] = altcha.create_challenge(options).to_dict()
    return challenge


def altcha_solved(payload: str) -> bool:
    """The puzzle is solved, unexpired, and its solution not used before."""
    if not payload or len(payload) > 2000:
        return False
    try:
        ok, _error = altcha.verify_solution(payload, _altcha_key(), check_expires=True)
    except (ValueError, TypeError, KeyError):
        return False
    # A solution is good for one signature: remember it until it expires.
    return ok and cache.add(f"altcha-used:{payload[-64:]}", True, 15 * 60)
