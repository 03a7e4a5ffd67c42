"""Rate limits, honeypot and fill time: what a flood or a bot gets."""

from enum import Enum

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from signatures.services import client_ip


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
