"""Delivering confirmation mail: once per mail owed, many per claim, bounces recorded.

The signature row is the outbox. A signature owes its signer a mail while
``emails_delivered`` is behind ``emails_sent`` (signing asks for the first, a
resend for another), and a worker may take it once ``mail_due_at`` has passed.
A worker claims a batch of due rows at once (``FOR UPDATE SKIP LOCKED``) and
moves their ``mail_due_at`` past a lease, so no other worker takes them; it
sends them over one kept SMTP connection and records each delivery as it
happens. A worker that dies leaves at most the mail it was sending to be sent
again (with the same Message-ID) once the lease is over.
"""

import logging
import smtplib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from signatures import emails
from signatures.models import Campaign, Signature, due_now

logger = logging.getLogger(__name__)


class Delivery(StrEnum):
    SENT = "sent"
    NOT_OWED = "not owed"  # confirmed, withdrawn, bounced, or delivered already
    BOUNCED = "bounced"  # refused for good (5xx), or given up after MAIL_RETRY_LIMIT tries
    RETRY = "retry"  # the server could not take it now: due again after a back-off
    DEFERRED = "deferred"  # not tried: the server failed on an earlier mail of the batch


def permanent_refusal(exc: Exception) -> str | None:
    """What the server said when it refused the address or the mail for good (a 5xx)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        if answers and all(code >= 500 for code, _message in answers):
            code, message = answers[0]
            return f"{code} {message.decode(errors='replace')}"
    if isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500:
        error = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {text}"
    # A refused sender or login is our configuration, not the signer's address.
    return None


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4, ... minutes (MAIL_RETRY_SECONDS doubled) after each failure, at most an hour."""
    return timedelta(seconds=min(settings.MAIL_RETRY_SECONDS * 2 ** (attempt - 1), 3600))


def ask_for_mail(signature_id: int) -> None:
    """Make the signature's owed mail due now (unless a worker holds it or it waits to retry)."""
    Signature.objects.filter(pk=signature_id).update(mail_due_at=due_now(timezone.now()))


def claim(limit: int, now: datetime | None = None) -> list[int]:
    """Take up to ``limit`` due mails for this worker, for ``MAIL_LEASE_SECONDS``."""
    now = now or timezone.now()
    with transaction.atomic():
        due = (
            Signature.objects.mail_due(now)
            .order_by("mail_due_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        ids = list(due)
        if ids:
            lease_end = now + timedelta(seconds=settings.MAIL_LEASE_SECONDS)
            Signature.objects.filter(pk__in=ids).update(mail_due_at=lease_end)
    return ids


def deliver_due(limit: int | None = None) -> Counter[Delivery]:
    """Claim a batch of due mails and send them over one connection; what became of each."""
    ids = claim(limit or settings.MAIL_BATCH_SIZE)
    outcomes: Counter[Delivery] = Counter()
    if not ids:
        return outcomes
    signatures = list(Signature.objects.filter(pk__in=ids).order_by("pk"))
    # One copy of each campaign and its translations for the batch, not one per row.
    campaigns = Campaign.objects.prefetch_related("translations").in_bulk(
        {signature.campaign_id for signature in signatures}
    )
    for signature in signatures:
        signature.campaign = campaigns[signature.campaign_id]
    with records_not_awaited():
        _deliver_batch(signatures, outcomes)
    return outcomes


@contextmanager
def records_not_awaited() -> Iterator[None]:
    """Commit delivery records without waiting for PostgreSQL's WAL flush.

    A record lost to a crash of the database server (its last few hundred
    milliseconds, ``wal_writer_delay`` thrice at most) means that mail goes out
    again, with the same Message-ID. Signatures, and everything else, keep
    the synchronous commit.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _deliver_batch(signatures: list[Signature], outcomes: Counter[Delivery]) -> None:
    server_failed = False
    for signature in signatures:
        if server_failed:
            # Give the server a moment; these tried nothing, so they lose no attempt.
            due = timezone.now() + retry_delay(1)
            Signature.objects.filter(pk=signature.pk).update(mail_due_at=due)
            outcomes[Delivery.DEFERRED] += 1
            continue
        outcome = deliver(signature)
        outcomes[outcome] += 1
        server_failed = outcome is Delivery.RETRY


def deliver(signature: Signature) -> Delivery:
    """Send the mail ``signature`` is owed and record what came of it."""
    owed = signature.emails_sent
    if signature.emails_delivered >= owed:
        return Delivery.NOT_OWED
    try:
        emails.send_confirmation(signature)
    except OSError as exc:  # smtplib.SMTPException is an OSError
        return _failed(signature, exc)
    # Only up to the number sent: a resend asked for meanwhile stays owed, and due.
    Signature.objects.filter(pk=signature.pk, emails_delivered__lt=owed).update(
        emails_delivered=owed, mail_attempts=0, mail_due_at=timezone.now()
    )
    return Delivery.SENT


def _failed(signature: Signature, exc: OSError) -> Delivery:
    reason = permanent_refusal(exc)
    attempts = signature.mail_attempts + 1
    if reason is None and attempts < settings.MAIL_RETRY_LIMIT:
        delay = retry_delay(attempts)
        Signature.objects.filter(pk=signature.pk).update(
            mail_attempts=attempts, mail_due_at=timezone.now() + delay
        )
        logger.warning(
            "Confirmation for signature %s failed (%s); retry in %s",
            signature.pk,
            str(exc) or type(exc).__name__,
            delay,
        )
        return Delivery.RETRY
    if reason is None:
        reason = f"Not delivered after {attempts} attempts: {exc}"
        logger.error("Confirmation for signature %s failed for good: %s", signature.pk, exc)
    else:
        logger.warning("Confirmation for signature %s bounced; not retried", signature.pk)
    Signature.objects.filter(pk=signature.pk).update(
        bounced_at=timezone.now(), bounce_reason=reason[:300], mail_attempts=attempts
    )
    return Delivery.BOUNCED
