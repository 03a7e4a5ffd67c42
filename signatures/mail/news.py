"""Delivering mail beyond confirmations (``Message`` rows): after them, never before.

The same claim, lease, retry and bounce rules as the confirmation outbox
(``signatures.mail.outbox``): a worker claims a batch of due messages
(``FOR UPDATE SKIP LOCKED``), sends them over its kept connection, and records
each as it goes. The workers take news only when no confirmation is due.
"""

import logging
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from signatures.mail import emails
from signatures.mail.outbox import (
    Delivery,
    Lease,
    deliver_each,
    given_up,
    permanent_refusal,
    recipient_only,
    records_not_awaited,
    retry_delay,
)
from signatures.models import Campaign, HandIn, Message, Signature, Update

logger = logging.getLogger(__name__)

SENDERS: dict[str, Callable[[Message, Any], None]] = {
    Message.Kind.PAPER_NOTICE: emails.mail_paper_notice,
    Message.Kind.HAND_IN: emails.mail_hand_in,
    Message.Kind.UPDATE: emails.mail_update,
    Message.Kind.REMINDER: emails.mail_reminder,
}


def claim(limit: int) -> Lease:
    """Take up to ``limit`` due messages for this worker, for ``MAIL_LEASE_SECONDS``."""
    now = timezone.now()
    lease_end = now + timedelta(seconds=settings.MAIL_LEASE_SECONDS)
    stopped = Update.objects.filter(state=Update.State.STOPPED).values("pk")
    with transaction.atomic():
        ids = list(
            Message.objects.filter(due_at__lte=now)
            .exclude(kind=Message.Kind.UPDATE, ref__in=stopped)
            .order_by("due_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Message.objects.filter(pk__in=ids).update(due_at=lease_end)
    return Lease(ids, lease_end, Message.objects.all(), "due_at")


def deliver_news(limit: int | None = None) -> Counter[Delivery]:
    """Claim a batch of due messages and send them; what became of each."""
    lease = claim(limit or settings.MAIL_BATCH_SIZE)
    outcomes: Counter[Delivery] = Counter()
    if not lease.held:
        return outcomes
    messages = list(
        Message.objects.filter(pk__in=lease.held).select_related("signature__batch").order_by("pk")
    )
    campaigns = Campaign.objects.prefetch_related("translations").in_bulk(
        {message.signature.campaign_id for message in messages}
    )
    # What the batch's updates and hand-ins say, loaded once for all their mails.
    updates = Update.objects.in_bulk({m.ref for m in messages if m.kind == Message.Kind.UPDATE})
    hand_ins = HandIn.objects.in_bulk({m.ref for m in messages if m.kind == Message.Kind.HAND_IN})
    about: dict[tuple[str, int], Any] = {}
    for pk, update in updates.items():
        update.campaign = campaigns[update.campaign_id]
        about[Message.Kind.UPDATE, pk] = update
    for pk, hand_in in hand_ins.items():
        hand_in.campaign = campaigns[hand_in.campaign_id]
        about[Message.Kind.HAND_IN, pk] = hand_in
    # Updates stopped since the claim: their mails go back, due, for after a resume.
    stopped = {pk for pk, update in updates.items() if update.state == Update.State.STOPPED}
    to_send = []
    for message in messages:
        message.signature.campaign = campaigns[message.signature.campaign_id]
        if message.kind == Message.Kind.UPDATE and message.ref in stopped:
            Message.objects.filter(pk=message.pk, due_at=lease.end).update(due_at=timezone.now())
            lease.release(message.pk)
            outcomes[Delivery.DEFERRED] += 1
        else:
            to_send.append(message)
    with records_not_awaited():
        deliver_each(
            to_send, lease, outcomes, lambda m: send_message(m, about.get((m.kind, m.ref)))
        )
    return outcomes


def send_message(message: Message, about: Any = None) -> tuple[Delivery, bool]:
    """Send one message and record what came of it; also whether the server itself failed."""
    if message.kind in Message.NEWS and message.signature.unsubscribed_at is not None:
        Message.objects.filter(pk=message.pk).update(due_at=None, failed="Left the news")
        return Delivery.NOT_OWED, False
    if message.kind == Message.Kind.REMINDER and message.signature.state != Signature.State.PENDING:
        Message.objects.filter(pk=message.pk).update(due_at=None, failed="Confirmed or moved")
        return Delivery.NOT_OWED, False
    try:
        SENDERS[message.kind](message, about)
    except OSError as exc:  # smtplib.SMTPException is an OSError
        outcome = _failed(message, exc)
        return outcome, outcome is Delivery.RETRY and not recipient_only(exc)
    Message.objects.filter(pk=message.pk).update(sent_at=timezone.now(), due_at=None)
    return Delivery.SENT, False


def _failed(message: Message, exc: OSError) -> Delivery:
    attempts = message.attempts + 1
    reason = given_up(exc, attempts)
    if reason is None:
        delay = retry_delay(attempts)
        Message.objects.filter(pk=message.pk).update(
            attempts=attempts, due_at=timezone.now() + delay
        )
        logger.warning("%s failed (%s); retry in %s", message, exc, delay)
        return Delivery.RETRY
    level = logging.WARNING if permanent_refusal(exc) else logging.ERROR
    logger.log(level, "%s not delivered: %s", message, reason)
    Message.objects.filter(pk=message.pk).update(
        attempts=attempts, due_at=None, failed=reason[:300]
    )
    return Delivery.BOUNCED


def leave_news(signature_id: int) -> bool:
    """The signer leaves all news; the signature stays counted. Their news not yet sent goes."""
    now = timezone.now()
    with transaction.atomic():
        left = Signature.objects.filter(pk=signature_id, unsubscribed_at__isnull=True).update(
            unsubscribed_at=now, contact_opt_in=False
        )
        Message.objects.filter(
            signature_id=signature_id, kind__in=Message.NEWS, sent_at__isnull=True
        ).update(due_at=None, failed="Left the news")
    if left:
        logger.info("Signature %s left the news", signature_id)
    return bool(left)


def queue_reminders(days: int) -> int:
    """One reminder, never a second, to each signer still pending ``days`` after signing.

    Only to addresses the first mail reached and that have not bounced, and
    only while the signature is younger than ``PURGE_UNCONFIRMED_DAYS``.
    """
    now = timezone.now()
    due = (
        Signature.objects.filter(
            state=Signature.State.PENDING,
            confirmed_at__isnull=True,
            bounced_at__isnull=True,
            emails_delivered__gte=1,
            created_at__lt=now - timedelta(days=days),
            created_at__gte=now - timedelta(days=settings.PURGE_UNCONFIRMED_DAYS),
        )
        .exclude(messages__kind=Message.Kind.REMINDER)
        .values_list("pk", flat=True)
    )
    queued = Message.objects.queue(Message.Kind.REMINDER, due.iterator(chunk_size=5000))
    if queued:
        logger.info("Queued %d reminders to confirm", queued)
    return queued
