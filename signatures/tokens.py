"""Signed tokens: the links in confirmation e-mails and the sign form's start time."""

import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "signatures.confirm"
WITHDRAW_SALT = "signatures.withdraw"
FILL_SALT = "signatures.form-started"
# A form left open longer is shown again, to be sent once more.
FORM_TOKEN_MAX_AGE = 24 * 3600


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


def form_started_token(served_at: float | None = None) -> str:
    """When the form was served, signed, with a nonce: each served form is one of a kind."""
    started = int(time.time() if served_at is None else served_at)
    return signing.dumps([started, secrets.token_urlsafe(6)], salt=FILL_SALT)


def form_age(token: str) -> float | None:
    """Seconds since the form was served, or None when its token is forged or too old."""
    try:
        started = signing.loads(token, salt=FILL_SALT, max_age=FORM_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    match started:
        case [int(served_at), str()] if time.time() - served_at <= FORM_TOKEN_MAX_AGE:
            return time.time() - served_at
    return None
