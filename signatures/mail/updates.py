"""Updates from the organisers: who gets one, queued once per signer, stopped and resumed.

An update's mails are ``Message`` rows (kind ``update``, ref the update), sent by
the workers from the news outbox at the pace they send confirmations, and only
when no confirmation is due. The unique constraint on (signature, kind, ref)
means a signer gets each update at most once, however often it is queued.
"""

import logging
from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from signatures.models import Message, Signature, SignatureQuerySet, Update

logger = logging.getLogger(__name__)


def informed(campaign_id: int) -> SignatureQuerySet:
    """Confirmed signers of a campaign who asked for news and have not left it."""
    return (
        Signature.objects.confirmed()
        .filter(campaign_id=campaign_id, contact_opt_in=True, unsubscribed_at__isnull=True)
        .exclude(email="")
    )


def recipients(update: Update) -> SignatureQuerySet:
    chosen = informed(update.campaign_id)
    return chosen.filter(country__in=update.countries) if update.countries else chosen


def start_sending(update_id: int, user_id: int) -> bool:
    """Staff send the update: it is marked sending; a task queues its mails."""
    with transaction.atomic():
        moved = Update.objects.filter(pk=update_id, state=Update.State.DRAFT).update(
            state=Update.State.SENDING, sent_at=timezone.now()
        )
        if moved:
            LogEntry.objects.log_actions(
                user_id, Update.objects.filter(pk=update_id), CHANGE, change_message="Sent"
            )
    return bool(moved)


def queue_mails(update_id: int) -> int:
    """One mail per recipient, never a second (the task may run again after a crash)."""
    update = Update.objects.select_related("campaign").get(pk=update_id)
    if update.state != Update.State.SENDING:
        return 0
    ids = recipients(update).order_by("pk").values_list("pk", flat=True)
    queued = Message.objects.queue(Message.Kind.UPDATE, ids.iterator(chunk_size=5000), update.pk)
    logger.info("Update %s: %d mails queued", update.pk, queued)
    return queued


def _unsent(update_id: int) -> QuerySet[Message]:
    """The update's mails still to go: not sent, not given up (bounced, or left the news)."""
    return Message.objects.filter(
        kind=Message.Kind.UPDATE, ref=update_id, sent_at__isnull=True, failed=""
    )


def stop(update_id: int, user_id: int) -> int:
    """Hold the mails not yet sent until ``resume``; how many wait.

    The waiting rows leave the workers' queue (``due_at`` cleared), so a long
    stop costs no claim anything. Rows a worker holds at that moment keep their
    lease: it hands them back, due, at its next look (``news.deliver_news``),
    and the claim passes over a stopped update's rows, so at most the mail being
    sent at that moment goes out after the stop.
    """
    with transaction.atomic():
        if not _switch(update_id, Update.State.SENDING, Update.State.STOPPED, "Stopped", user_id):
            return 0
        # Only rows no worker holds: a held row's due time is its lease's end, ahead.
        _unsent(update_id).filter(due_at__lte=timezone.now()).update(due_at=None)
    return _unsent(update_id).count()


def resume(update_id: int, user_id: int) -> int:
    """Send the held mails; those sent already are never sent again. How many go."""
    with transaction.atomic():
        if not _switch(update_id, Update.State.STOPPED, Update.State.SENDING, "Resumed", user_id):
            return 0
        _unsent(update_id).filter(due_at__isnull=True).update(due_at=timezone.now())
    return _unsent(update_id).count()


def _switch(update_id: int, old: str, new: str, message: str, user_id: int) -> bool:
    if not Update.objects.filter(pk=update_id, state=old).update(state=new):
        return False
    LogEntry.objects.log_actions(
        user_id, Update.objects.filter(pk=update_id), CHANGE, change_message=message
    )
    return True


@dataclass(frozen=True)
class Progress:
    queued: int
    sent: int
    failed: int

    @property
    def waiting(self) -> int:
        return self.queued - self.sent - self.failed


def progress(update: Update) -> Progress:
    messages = Message.objects.filter(kind=Message.Kind.UPDATE, ref=update.pk)
    return Progress(
        queued=messages.count(),
        sent=messages.filter(sent_at__isnull=False).count(),
        failed=messages.exclude(failed="").count(),
    )
