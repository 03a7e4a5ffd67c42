"""What signing, confirming and withdrawing do, independent of HTTP."""

import logging
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import NotRequired, TypedDict

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from petition_site.lib.addresses import canonical_email
from signatures import counts
from signatures.mail import tasks
from signatures.models import Campaign, Signature, SignatureQuerySet, due_now
from signatures.signing import consent

logger = logging.getLogger(__name__)


# How long after signing the thanks page may still send the mail again or correct its address.
CORRECTION_SECONDS = 24 * 3600


class SignatureData(TypedDict):
    """What a signer gave, as the sign form cleans it."""

    first_name: str
    last_name: str
    email: str
    country: str
    consent: bool
    contact_opt_in: NotRequired[bool]
    source: NotRequired[str]


class Details(TypedDict):
    """Who signed and where, as the mailbox's owner confirms them."""

    first_name: str
    last_name: str
    country: str


@dataclass(frozen=True)
class SignResult:
    signature_id: int
    created: bool
    # Names the new signature on the thanks page; a repeat's is random, so the
    # page cannot tell whether an address had signed.
    reference: str


def sign(
    campaign: Campaign,
    data: SignatureData,
    *,
    language: str,
    network: str,
    hold: Signature.HoldReason = Signature.HoldReason.NONE,
) -> SignResult:
    """Store a signature once per address; a repeat may resend the confirmation.

    ``network`` is the keyed hash of the signer's network (abuse.Screen works it
    out). The unique index decides what is a repeat, so concurrent submissions of
    one address leave exactly one row. A held signature (``hold`` says why)
    goes through the same steps but counts only once a moderator releases it.
    """
    held = bool(hold)
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
        network_hash=network,
        source=data.get("source", ""),
        state=state,
        hold_reason=hold,
        created_at=now,
        # Without e-mail confirmation a held signature needs only a moderator.
        confirmed_at=None if needs_mail else now,
        emails_sent=1 if needs_mail else 0,
        last_email_at=now if needs_mail else None,
        # The row is the mail's outbox: one INSERT, and a worker sends it.
        mail_due_at=now if needs_mail else None,
    )
    try:
        if confirmed:
            with transaction.atomic():
                signature.save(force_insert=True)
                counts.record({(campaign.pk, signature.country.code): +1})
        else:
            # One INSERT (the row carries its mail), committed on its own: no
            # transaction around it, two round trips fewer on the hot path. In
            # a caller's transaction a savepoint keeps it usable after a repeat.
            in_transaction = connection.in_atomic_block
            with transaction.atomic() if in_transaction else nullcontext():
                signature.save(force_insert=True)
    except IntegrityError:
        existing = Signature.objects.filter(
            campaign=campaign, email_canonical=signature.email_canonical
        ).first()
        if existing is None:
            raise
        resend_confirmation_mail(existing.pk)
        return SignResult(existing.pk, created=False, reference=str(uuid.uuid4()))
    return SignResult(signature.pk, created=True, reference=str(signature.public_id))


def resend_confirmation_mail(signature_id: int) -> bool:
    """Mail the link again if the signature is pending and its mail budget allows."""
    now = timezone.now()
    cutoff = now - timedelta(minutes=settings.CONFIRMATION_RESEND_MINUTES)
    with transaction.atomic():
        updated = (
            Signature.objects.awaiting_confirmation()
            .filter(pk=signature_id, emails_sent__lt=settings.CONFIRMATION_MAX_EMAILS)
            .filter(Q(last_email_at__isnull=True) | Q(last_email_at__lt=cutoff))
            .update(
                emails_sent=F("emails_sent") + 1,
                last_email_at=now,
                # Due now, unless a worker holds it or it waits to be retried.
                mail_due_at=due_now(now),
            )
        )
    return bool(updated)


def resend_confirmations(signatures: QuerySet[Signature], user_id: int) -> int:
    """Staff resend links to the pending among ``signatures``; each send is logged.

    Staff decide to try an address again: one marked bouncing (refused, or
    given up after ``MAIL_RETRY_LIMIT`` attempts) is tried afresh.
    """
    pending = signatures.filter(state=Signature.State.PENDING).values_list("pk", flat=True)
    Signature.objects.filter(pk__in=pending, bounced_at__isnull=False).update(
        bounced_at=None, bounce_reason="", mail_attempts=0
    )
    sent = [pk for pk in pending if resend_confirmation_mail(pk)]
    LogEntry.objects.log_actions(
        user_id,
        Signature.objects.filter(pk__in=sent),
        CHANGE,
        change_message="Confirmation e-mail sent again",
    )
    return len(sent)


def _just_signed(campaign: Campaign, reference: str) -> SignatureQuerySet:
    """The signature a thanks page names, while it waits for its first confirmation."""
    try:
        public_id = uuid.UUID(reference)
    except ValueError:
        return Signature.objects.none()
    return Signature.objects.awaiting_confirmation().filter(
        campaign=campaign,
        public_id=public_id,
        created_at__gte=timezone.now() - timedelta(seconds=CORRECTION_SECONDS),
    )


def send_again(campaign: Campaign, reference: str) -> bool:
    """The signer on the thanks page asks for the mail again, within its limits."""
    pk = _just_signed(campaign, reference).values_list("pk", flat=True).first()
    return pk is not None and resend_confirmation_mail(pk)


def correct_address(campaign: Campaign, reference: str, address: str) -> bool:
    """The signer on the thanks page mistyped their address: the mail goes to the right one.

    Within the signature's mail budget, like a mail sent again. Should the
    right address have signed already, that signature stands (and is sent its
    link again) and the mistyped one goes.
    """
    canonical = canonical_email(address)
    now = timezone.now()
    with transaction.atomic():
        signature = (
            _just_signed(campaign, reference)
            .select_for_update()
            .filter(emails_sent__lt=settings.CONFIRMATION_MAX_EMAILS)
            .first()
        )
        if signature is None:
            return False
        existing = (
            Signature.objects.filter(campaign=campaign, email_canonical=canonical)
            .exclude(pk=signature.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if existing is not None:
            signature.delete()  # never counted: it waited for a mail to the wrong address
            logger.info("Signature %s: address corrected to one that had signed", signature.pk)
            return resend_confirmation_mail(existing)
        Signature.objects.filter(pk=signature.pk).update(
            email=address,
            email_canonical=canonical,
            emails_sent=F("emails_sent") + 1,
            last_email_at=now,
            # Due now, unless a worker holds it: it sends to the new address next.
            mail_due_at=due_now(now),
            bounced_at=None,
            bounce_reason="",
            mail_attempts=0,
        )
    logger.info("Signature %s: address corrected by its signer", signature.pk)
    return True


class ConfirmOutcome(StrEnum):
    CONFIRMED = "confirmed"
    HELD = "held"  # the address is proven; the count waits for a moderator
    ALREADY = "already"
    GONE = "gone"
    CLOSED = "closed"


def awaiting_confirmation(signature_id: int) -> Signature | None:
    """The signature its link names, while its signer has yet to confirm it."""
    return (
        Signature.objects.awaiting_confirmation()
        .only("first_name", "last_name", "country")
        .filter(pk=signature_id)
        .first()
    )


def confirm_signature(signature_id: int, details: Details | None = None) -> ConfirmOutcome:
    """Confirm from the e-mail link, with the details its owner corrected, if any.

    Whoever typed the address first, only the mailbox's owner gets here: what
    they confirm is the name and country they see and may correct.
    """
    if details is not None:
        corrected = (
            Signature.objects.awaiting_confirmation().filter(pk=signature_id).update(**details)
        )
        if corrected:
            logger.info("Signature %s: details corrected by its signer", signature_id)
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
        Signature.objects.filter(
            pk=signature_id, state=Signature.State.HELD, confirmed_at__isnull=True
        ).update(confirmed_at=timezone.now())
        return ConfirmOutcome.HELD
    with transaction.atomic():
        # The state in the WHERE clause makes a double click count once.
        moved = Signature.objects.filter(pk=signature_id, state=Signature.State.PENDING).update(
            state=Signature.State.CONFIRMED, confirmed_at=timezone.now()
        )
        if moved:
            counts.record({(signature.campaign_id, signature.country.code): +1})
    return ConfirmOutcome.CONFIRMED if moved else ConfirmOutcome.ALREADY


def used_link_outcome(signature_id: int) -> ConfirmOutcome:
    """What a confirmation link says once its signer has used it."""
    row = Signature.objects.filter(pk=signature_id).values_list("state", "confirmed_at").first()
    if row is None or row[1] is None:  # gone, or set aside by staff before it was confirmed
        return ConfirmOutcome.GONE
    return ConfirmOutcome.HELD if row[0] == Signature.State.HELD else ConfirmOutcome.ALREADY


def ask_for_withdraw_link(campaign: Campaign, address: str) -> int:
    """Mail a fresh withdraw link to ``address`` for each signature it gave ``campaign``.

    The withdraw link in the confirmation mail expires; this keeps the promise
    that a signer can withdraw at any time. Only the address's own mailbox
    gets the link, and the caller says the same whether or not it signed.
    """
    ids = list(
        Signature.objects.filter(
            campaign=campaign, email_canonical=canonical_email(address)
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        tasks.send_withdraw_link.enqueue(pk)
    if ids:
        logger.info("Withdraw link asked for, for signatures %s", ids)
    return len(ids)


def withdraw_signature(signature_id: int) -> bool:
    """Delete a signature at its signer's request; the count drops with it."""
    with transaction.atomic():
        signature = Signature.objects.select_for_update().filter(pk=signature_id).first()
        if signature is None:
            return False
        if signature.state == Signature.State.CONFIRMED:
            counts.record({(signature.campaign_id, signature.country.code): -1})
        signature.delete()
    logger.info("Signature %s withdrawn by its signer", signature_id)
    return True
