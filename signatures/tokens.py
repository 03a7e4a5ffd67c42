"""Signed tokens: the links in confirmation e-mails and the sign form's start time."""

import time
from datetime import timedelta

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "signatures.confirm"
WITHDRAW_SALT = "signatures.withdraw"
FILL_SALT = "signatures.form-started"


def make_token(signature_id: int, salt: str) -> str:
    return signing.dumps(signature_id, salt=salt)


def read_token(token: str, salt: str, max_age: timedelta | None = None) -> int | None:
    """The signature id in a link token, or None when forged, tampered or expired."""
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def confirmation_max_age() -> timedelta:
    return timedelta(days=settings.CONFIRMATION_LINK_MAX_AGE_DAYS)


def form_started_token() -> str:
    return signing.dumps(int(time.time()), salt=FILL_SALT)


def filled_by_a_person(token: str) -> bool:
    """The form's signed start time is genuine, under a day old and not too recent."""
    try:
        started = signing.loads(token, salt=FILL_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return False
    return isinstance(started, int) and time.time() - started >= settings.SIGN_MIN_FILL_SECONDS
