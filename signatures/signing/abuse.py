"""Rate limits, fill time, one signature per form, proof of work: what a flood or a bot gets.

Nothing here drops a submission: each check says why a signature should be
held for a moderator (``Signature.HoldReason``), or raises ``RateLimited``.
"""

import base64
import hashlib
import json
from datetime import timedelta
from typing import Any

from altcha import v1 as altcha
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_ratelimit.core import is_ratelimited

from petition_site.lib.cache import CacheUnavailable
from petition_site.lib.network import client_ip, client_network, hash_network
from signatures.models import Signature
from signatures.tokens import FORM_TOKEN_MAX_AGE, is_personal

HoldReason = Signature.HoldReason


class RateLimited(Exception):
    """Past a hard limit: the client gets 429 and nothing is stored."""


def _tiers(request: HttpRequest, name: str, key: str, soft: str, hard: str | None) -> HoldReason:
    def value(group: str, request: HttpRequest) -> str:
        return key

    def over(tier: str, rate: str | None) -> bool:
        if rate is None:
            return False
        group = f"sign-{name}-{tier}"
        return bool(is_ratelimited(request, group, key=value, rate=rate, increment=True))

    try:
        # Both tiers count every attempt; the hard one is checked first.
        over_hard, over_soft = over("hard", hard), over("soft", soft)
    except CacheUnavailable:
        return HoldReason.UNCHECKED  # stored, never counted unchecked
    if over_hard:
        raise RateLimited(name)
    return HoldReason.RATE_LIMIT if over_soft else HoldReason.NONE


class Screen:
    """One signing request's abuse screen: the client's network worked out once, each
    check in turn as the request gets to it, and the hold reason they add up to.

    Nothing here drops a submission: a check adds a reason to hold the
    signature for a moderator, or raises ``RateLimited`` (a 429, nothing stored).
    """

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.network = client_network(client_ip(request))
        self.network_hash = hash_network(self.network)
        self.reasons: list[HoldReason] = []

    def check_client(self) -> None:
        """Limits per client network; RateLimited past the hard one."""
        if settings.RATELIMIT_ENABLE:
            soft, hard = settings.SIGN_RATE_IP_SOFT, settings.SIGN_RATE_IP_HARD
            self.reasons.append(_tiers(self.request, "ip", self.network or "unknown", soft, hard))

    def check_address(self, canonical_email: str) -> None:
        """A limit per e-mail address that holds, never refuses.

        Anyone can type an address, so a 429 here would let a stranger lock its
        owner out; mail to the address is limited by the resend rules instead.
        """
        if settings.RATELIMIT_ENABLE:
            rate = settings.SIGN_RATE_EMAIL_SOFT
            self.reasons.append(_tiers(self.request, "email", canonical_email, rate, hard=None))

    def check_form(self, seconds: float | None, token: str) -> None:
        """How fast the form came back, and whether its token was used before.

        A form without a start token (a partner's own page) could not be timed:
        it is held as unchecked, for a moderator to look at.
        """
        self.reasons.append(HoldReason.UNCHECKED if seconds is None else check_fill_time(seconds))
        self.reasons.append(spend_form_token(token))

    def hold_reason(self) -> HoldReason:
        """Why the signature is held, or NONE when nothing says it should be."""
        return hold_reason(*self.reasons)


def mail_requests_limited(request: HttpRequest, canonical_email: str) -> bool:
    """Past the limits on mails asked for from a page (a withdraw link, a confirmation
    sent again or to a corrected address), per client network and per address.

    Each asks the worker for a mail to an address: the limits keep anyone from
    turning the page into a way to fill a stranger's mailbox. Without the
    cache the request goes through: a signer may always withdraw.
    """
    network = client_network(client_ip(request)) or "unknown"
    return _past(
        request,
        "withdraw-link",
        [
            (network, settings.WITHDRAW_LINK_RATE_IP),
            (canonical_email, settings.WITHDRAW_LINK_RATE_EMAIL),
        ],
    )


def _past(request: HttpRequest, group: str, limits: list[tuple[str, str]]) -> bool:
    """Whether any (key, rate) of ``limits`` is exceeded, counting this request in each.
    Without the cache, or with rate limits off, none is."""
    if not settings.RATELIMIT_ENABLE:
        return False
    try:
        return any(
            is_ratelimited(
                request,
                f"{group}-{n}",
                key=lambda _group, _request, key=key: key,
                rate=rate,
                increment=True,
            )
            for n, (key, rate) in enumerate(limits)
        )
    except CacheUnavailable:
        return False


# Each sheet is a PDF drawn on request: enough for a section printing for its
# volunteers, not for a script that wants to keep the site busy.
SHEETS_PER_HOUR = "30/h"


def sheets_limited(request: HttpRequest) -> bool:
    """Past the limit on collection sheets per client network."""
    network = client_network(client_ip(request)) or "unknown"
    return _past(request, "collection-sheet", [(network, SHEETS_PER_HOUR)])


def check_fill_time(seconds: float) -> HoldReason:
    """Autofill makes a person fast, but faster than this is held for a look."""
    return HoldReason.FAST if seconds < settings.SIGN_MIN_FILL_SECONDS else HoldReason.NONE


def spend_form_token(token: str) -> HoldReason:
    """A person's form token is good for one signature: a second one with it is held.

    A shared page's token is not spent: everyone who read that copy has it.
    """
    if not is_personal(token):
        return HoldReason.NONE
    key = "form-used:" + hashlib.sha256(token.encode()).hexdigest()
    try:
        first = cache.add(key, True, FORM_TOKEN_MAX_AGE + 3600)
    except CacheUnavailable:
        return HoldReason.UNCHECKED
    return HoldReason.NONE if first else HoldReason.REPLAYED


# When several apply, the one a moderator most needs to know.
PRECEDENCE = [
    HoldReason.RATE_LIMIT,
    HoldReason.REPLAYED,
    HoldReason.FAST,
    HoldReason.UNCHECKED,
]


def hold_reason(*reasons: HoldReason) -> HoldReason:
    """Why the signature is held, or NONE when nothing says it should be."""
    return next((r for r in PRECEDENCE if r in reasons), HoldReason.NONE)


def _altcha_key() -> str:
    return salted_hmac("signatures.altcha", "key", algorithm="sha256").hexdigest()


def new_puzzle() -> dict[str, Any]:
    """A proof-of-work puzzle for the browser, valid for ten minutes."""
    options = altcha.ChallengeOptions(
        hmac_key=_altcha_key(),
        max_number=settings.ALTCHA_MAX_NUMBER,
        expires=timezone.now() + timedelta(minutes=10),
    )
    challenge: dict[str, Any] = altcha.create_challenge(options).to_dict()
    return challenge


# A solution's fields and their types: anything else is refused before the
# altcha library reads it (it expects these and fails on others).
ALTCHA_FIELDS = {"algorithm": str, "challenge": str, "number": int, "salt": str, "signature": str}


def _solution(payload: str) -> dict[str, Any] | None:
    """The browser's solution, decoded, if it has the shape of one."""
    try:
        solution = json.loads(base64.b64decode(payload, validate=True))
    except ValueError:  # binascii.Error and JSONDecodeError (and bad UTF-8) are ValueErrors
        return None
    if not isinstance(solution, dict) or not all(
        type(solution.get(name)) is kind for name, kind in ALTCHA_FIELDS.items()
    ):
        return None
    return solution


def _puzzle(payload: str) -> str:
    solution = _solution(payload)
    return hashlib.sha256(solution["salt"].encode()).hexdigest() if solution else ""


def altcha_solved(payload: str) -> bool:
    """The puzzle is solved, unexpired, and its solution not used before."""
    if not payload or len(payload) > 2000 or _solution(payload) is None:
        return False
    try:
        ok, _error = altcha.verify_solution(payload, _altcha_key(), check_expires=True)
    except (ValueError, TypeError, KeyError):
        return False
    if not ok:
        return False
    # A solution is good for one signature: remember its puzzle until it
    # expires. The key is the puzzle's salt as decoded, never the payload's
    # text, which can be varied with characters base64 ignores.
    puzzle = _puzzle(payload)
    if not puzzle:
        return False
    try:
        return bool(cache.add(f"altcha-used:{puzzle}", True, 15 * 60))
    except CacheUnavailable:
        return True  # the rate limits are unchecked too, so the signature is held
