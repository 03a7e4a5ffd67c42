"""What signing, confirming and withdrawing do, independent of HTTP."""

import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.admin.models import DELETION, LogEntry
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from signatures import consent, counts
from signatures.forms import canonical_email
from signatures.models import Campaign, Signature

logger = logging.getLogger(__name__)

CONFIRM_SALT = "signatures.confirm"
WITHDRAW_SALT = "signatures.withdraw"


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only behind known proxies."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def network_hash(ip: str) -> str:
    """A keyed hash of the client's network (IPv4 /24, IPv6 /48), never the address."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return salted_hmac("signatures.network", str(network), algorithm="sha256").hexdigest()[:32]


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


@dataclass(frozen=True)
class SignResult:
    signature_id: int
    created: bool


def sign(
    campaign: Campaign, data: dict, *, language: str, ip: str, held: bool = False
) -> SignResult:
    """Store a signature once per address; a repeat may resend the confirmation.

    The unique index decides what is a repeat, so concurrent submissions of
    one address leave exactly one row. A held signature (past a soft rate
    limit) goes through the same steps but counts only once a moderator
    releases it.
    """
    from signatures.tasks import send_confirmation

    now = timezone.now()
    needs_mail = campaign.requires_confirmation
    confirmed = not needs_mail and not held
    if held:
        state = Signature.State.HELD
    else:
        state = Signature.State.CONFIRMED if confirmed else Signature.State.PENDING
    signature = Signature(
        campaign=campaign,
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        email_canonical=canonical_email(data["email"]),
        country=data["country"],
        consent=data["consent"],
        contact_opt_in=data.get("contact_opt_in", False),
        consent_version=consent.CURRENT_VERSION,
        language=language,
        network_hash=network_hash(ip),
        state=state,
        created_at=now,
        # Without e-mail confirmation a held signature needs only a moderator.
        confirmed_at=None if needs_mail else now,
        emails_sent=1 if needs_mail else 0,
        last_email_at=now if needs_mail else None,
    )
    try:
        with transaction.atomic():
            signature.save(force_insert=True)
            if confirmed:
                counts.record(campaign.pk, signature.country.code, +1)
            elif needs_mail:
                # Same transaction: no signature without its mail, and no mail
                # for a signature that was rolled back.
                send_confirmation.enqueue(signature.pk)
    except IntegrityError:
        existing = Signature.objects.filter(
            campaign=campaign, email_canonical=signature.email_canonical
        ).first()
        if existing is None:
            raise
        resend_confirmation(existing.pk)
        return SignResult(existing.pk, created=False)
    return SignResult(signature.pk, created=True)


def resend_confirmation(signature_id: int) -> bool:
    """Mail the link again if the signature is pending and its mail budget allows."""
    from signatures.tasks import send_confirmation

    now = timezone.now()
    cutoff = now - timedelta(minutes=settings.CONFIRMATION_RESEND_MINUTES)
    with transaction.atomic():
        updated = (
            Signature.objects.filter(
                pk=signature_id,
                state__in=[Signature.State.PENDING, Signature.State.HELD],
                confirmed_at__isnull=True,
                emails_sent__lt=settings.CONFIRMATION_MAX_EMAILS,
            )
            .filter(Q(last_email_at__isnull=True) | Q(last_email_at__lt=cutoff))
            .update(emails_sent=F("emails_sent") + 1, last_email_at=now)
        )
        if updated:
            send_confirmation.enqueue(signature_id)
    return bool(updated)


class ConfirmOutcome(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY = "already"
    GONE = "gone"
    CLOSED = "closed"


def confirm(signature_id: int) -> ConfirmOutcome:
    signature = (
        Signature.objects.select_related("campaign")
        .only("state", "country", "confirmed_at", "campaign__closes_at", "campaign__opens_at")
        .filter(pk=signature_id)
        .first()
    )
    if signature is None:
        return ConfirmOutcome.GONE
    if signature.state not in {Signature.State.PENDING, Signature.State.HELD}:
        return ConfirmOutcome.ALREADY
    if not signature.campaign.accepts_confirmations():
        return ConfirmOutcome.CLOSED
    if signature.state == Signature.State.HELD:
        # Proof of the address is kept; the count waits for a moderator.
        moved = Signature.objects.filter(
            pk=signature_id, state=Signature.State.HELD, confirmed_at__isnull=True
        ).update(confirmed_at=timezone.now())
        return ConfirmOutcome.CONFIRMED if moved else ConfirmOutcome.ALREADY
    with transaction.atomic():
        # The state in the WHERE clause makes a double click count once.
        moved = Signature.objects.filter(pk=signature_id, state=Signature.State.PENDING).update(
            state=Signature.State.CONFIRMED, confirmed_at=timezone.now()
        )
        if moved:
            counts.record(signature.campaign_id, signature.country.code, +1)
    return ConfirmOutcome.CONFIRMED if moved else ConfirmOutcome.ALREADY


def withdraw(signature_id: int) -> bool:
    """Delete a signature at its signer's request; the count drops with it."""
    with transaction.atomic():
        signature = Signature.objects.select_for_update().filter(pk=signature_id).first()
        if signature is None:
            return False
        if signature.state == Signature.State.CONFIRMED:
            counts.record(signature.campaign_id, signature.country.code, -1)
        signature.delete()
    logger.info("Signature %s withdrawn by its signer", signature_id)
    return True


def purge_unconfirmed(days: int) -> int:
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Signature.objects.filter(
        state__in=[Signature.State.PENDING, Signature.State.HELD],
        confirmed_at__isnull=True,
        created_at__lt=cutoff,
    ).delete()
    return deleted


def anonymize_closed(days: int) -> int:
    """Erase names and addresses of campaigns closed more than ``days`` ago.

    Country, state and times stay, so the counts and per-country figures hold.
    """
    cutoff = timezone.now() - timedelta(days=days)
    erased = 0
    for campaign in Campaign.objects.filter(closes_at__lt=cutoff):
        # The canonical address stays unique per campaign: the row id is unique.
        erased += (
            Signature.objects.filter(campaign=campaign)
            .exclude(email="")
            .update(
                first_name="",
                last_name="",
                email="",
                email_canonical=Concat(Value("erased-"), Cast("pk", CharField())),
                network_hash="",
            )
        )
    return erased


def signatures_of(address: str) -> QuerySet[Signature]:
    """Every signature of one person's address, in every campaign."""
    return Signature.objects.filter(email_canonical=canonical_email(address)).select_related(
        "campaign"
    )


def personal_data(signatures: Iterable[Signature]) -> list[dict]:
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
                counts.record(signature.campaign_id, signature.country.code, -1)
        LogEntry.objects.log_actions(user_id, doomed, DELETION, change_message=reason)
        Signature.objects.filter(pk__in=[s.pk for s in doomed]).delete()
    logger.info("Erased %d signatures: %s", len(doomed), reason)
    return len(doomed)
