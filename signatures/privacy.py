"""What we keep about signers, for how long, and a person's right to see and erase it."""

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import TypedDict

from django.contrib.admin.models import DELETION, LogEntry
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from signatures import counts
from signatures.models import Campaign, Signature, SignatureQuerySet
from signatures.signing import consent

logger = logging.getLogger(__name__)

ERASED = "erased-"


def purge_unconfirmed(days: int) -> int:
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Signature.objects.awaiting_confirmation().filter(created_at__lt=cutoff).delete()
    return deleted


def anonymize_closed(days: int) -> int:
    """Erase names and addresses of campaigns closed more than ``days`` ago.

    Country, state and times stay, so the counts and per-country figures hold.
    Signers who asked to be kept informed keep theirs until they leave the news.
    """
    cutoff = timezone.now() - timedelta(days=days)
    erased = 0
    for campaign in Campaign.objects.filter(closes_at__lt=cutoff):
        # The canonical address stays unique per campaign: the row id is unique.
        # A paper signature may have no address, so what is erased already is
        # told by its key.
        erased += (
            Signature.objects.filter(campaign=campaign)
            .exclude(email_canonical__startswith=ERASED)
            .exclude(contact_opt_in=True, unsubscribed_at__isnull=True)
            .update(
                first_name="",
                last_name="",
                email="",
                email_canonical=Concat(Value(ERASED), Cast("pk", CharField())),
                network_hash="",
            )
        )
    return erased


def signatures_of(address: str) -> SignatureQuerySet:
    """Every signature of one person's address, in every campaign."""
    return Signature.objects.of_address(address).select_related("campaign")


class PersonalData(TypedDict):
    campaign: str
    first_name: str
    last_name: str
    email: str
    country: str
    consent: str
    consent_version: str
    contact_opt_in: bool
    language: str
    state: str
    signed_at: str
    confirmed_at: str | None
    network_hash: str


def personal_data(signatures: Iterable[Signature]) -> list[PersonalData]:
    """What we hold about each signature, for a data-subject access request."""
    return [
        {
            "campaign": s.campaign.title,
            "first_name": s.first_name,
            "last_name": s.last_name,
            "email": s.email,
            "country": s.country.code,
            "consent": str(consent.HAND_IN.get(s.consent_version, "")),
            "consent_version": s.consent_version,
            "contact_opt_in": s.contact_opt_in,
            "language": s.language,
            "state": s.state,
            "signed_at": s.created_at.isoformat(),
            "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
            "network_hash": s.network_hash,
        }
        for s in signatures
    ]


def erase(signature_ids: Iterable[int], user_id: int, reason: str) -> int:
    """Delete signatures for a data-subject request; counts and the audit log follow."""
    with transaction.atomic():
        doomed = list(Signature.objects.select_for_update().filter(pk__in=list(signature_ids)))
        for signature in doomed:
            if signature.state == Signature.State.CONFIRMED:
                counts.record({(signature.campaign_id, signature.country.code): -1})
        LogEntry.objects.log_actions(user_id, doomed, DELETION, change_message=reason)
        Signature.objects.filter(pk__in=[s.pk for s in doomed]).delete()
    logger.info("Erased %d signatures: %s", len(doomed), reason)
    return len(doomed)
