"""What signing, confirming and withdrawing do, independent of HTTP."""

import ipaddress
import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q
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


def sign(campaign: Campaign, data: dict, *, language: str, ip: str) -> SignResult:
    """Store a signature once per address; a repeat may resend the confirmation.

    The unique index decides what is a repeat, so concurrent submissions of
    one address leave exactly one row.
    """
    from signatures.tasks import send_confirmation

    now = timezone.now()
    confirmed = not campaign.requires_confirmation
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
        state=Signature.State.CONFIRMED if confirmed else Signature.State.PENDING,
        created_at=now,
        confirmed_at=now if confirmed else None,
        emails_sent=0 if confirmed else 1,
        last_email_at=None if confirmed else now,
    )
    try:
        with transaction.atomic():
            signature.save(force_insert=True)
            if confirmed:
                counts.record(campaign.pk, signature.country.code, +1)
            else:
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
                state=Signature.State.PENDING,
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
        .only("state", "country", "campaign__closes_at", "campaign__opens_at")
        .filter(pk=signature_id)
        .first()
    )
    if signature is None:
        return ConfirmOutcome.GONE
    if signature.state != Signature.State.PENDING:
        return ConfirmOutcome.ALREADY
    if not signature.campaign.accepts_confirmations():
        return ConfirmOutcome.CLOSED
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
        state=Signature.State.PENDING, created_at__lt=cutoff
    ).delete()
    return deleted
