"""Signed tokens: the links in confirmation e-mails and the sign form's start time.

A link names its signature by the random ``public_id``, never the sequential
one, and is bound to its campaign and its purpose (a withdraw link does not
confirm); each purpose has a lifetime.
"""

import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core import signing

from signatures.models import Campaign, Signature

FILL_SALT = "signatures.form-started"
# A form left open longer is shown again, to be sent once more.
FORM_TOKEN_MAX_AGE = 24 * 3600


class Purpose(StrEnum):
    CONFIRM = "signatures.confirm"
    WITHDRAW = "signatures.withdraw"
    UNSUBSCRIBE = "signatures.unsubscribe"


# A news mail may be read long after it was sent; its unsubscribe link still works.
UNSUBSCRIBE_LINK_MAX_AGE_DAYS = 2 * 365


def max_age(purpose: Purpose) -> timedelta:
    days = {
        Purpose.CONFIRM: settings.CONFIRMATION_LINK_MAX_AGE_DAYS,
        Purpose.WITHDRAW: settings.WITHDRAW_LINK_MAX_AGE_DAYS,
        Purpose.UNSUBSCRIBE: UNSUBSCRIBE_LINK_MAX_AGE_DAYS,
    }[purpose]
    return timedelta(days=days)


def link_token(signature: Signature, purpose: Purpose) -> str:
    return token_for(signature.public_id, signature.campaign_id, purpose)


def token_for(public_id: uuid.UUID, campaign_id: int, purpose: Purpose) -> str:
    return signing.dumps([public_id.hex, campaign_id], salt=purpose)


@dataclass(frozen=True)
class Link:
    """A genuine, unexpired link of this campaign; its signature may be gone since."""

    signature_id: int | None


def read_link(token: str, purpose: Purpose, campaign: Campaign) -> Link | None:
    """What a link names, or None when it is forged, expired or not this campaign's."""
    try:
        value = signing.loads(token, salt=purpose, max_age=max_age(purpose))
    except signing.BadSignature:
        return None
    signatures = Signature.objects.filter(campaign=campaign)
    match value:
        case [str(public_id), int(campaign_id)] if campaign_id == campaign.pk:
            try:
                signatures = signatures.filter(public_id=uuid.UUID(hex=public_id))
            except ValueError:
                return None
        case int(legacy_id):
            # Mailed before links carried public ids; these expire by their lifetime.
            signatures = signatures.filter(pk=legacy_id)
        case _:
            return None
    return Link(signatures.values_list("pk", flat=True).first())


def form_started_token(served_at: float | None = None) -> str:
    """When this person began the form, signed, with a nonce: each is one of a kind."""
    started = int(time.time() if served_at is None else served_at)
    return signing.dumps([started, secrets.token_urlsafe(6)], salt=FILL_SALT)


def page_started_token(served_at: float | None = None) -> str:
    """When a shared copy of the page was made: the same for all its readers, no nonce.

    It bounds the fill time from below (the page is at least as old as the
    form in it), so a cached page never makes a person look too fast.
    """
    started = int(time.time() if served_at is None else served_at)
    return signing.dumps([started], salt=FILL_SALT)


def is_personal(token: str) -> bool:
    """A token given to one person (it has a nonce), not one baked into a shared page."""
    try:
        return len(signing.loads(token, salt=FILL_SALT)) == 2
    except (signing.BadSignature, TypeError):
        return False


def form_age(token: str) -> float | None:
    """Seconds since the form was started, or None when its token is forged or too old."""
    try:
        started = signing.loads(token, salt=FILL_SALT, max_age=FORM_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    match started:
        case [int(served_at)] | [int(served_at), str()] if (
            time.time() - served_at <= FORM_TOKEN_MAX_AGE
        ):
            return time.time() - served_at
    return None
