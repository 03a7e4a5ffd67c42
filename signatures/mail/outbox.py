"""Delivering confirmation mail: once per mail owed, many per claim, bounces recorded.

The signature row is the outbox. A signature owes its signer a mail while
``emails_delivered`` is behind ``emails_sent`` (signing asks for the first, a
resend for another), and a worker may take it once ``mail_due_at`` has passed.
A worker claims a batch of due rows at once (``FOR UPDATE SKIP LOCKED``) and
moves their ``mail_due_at`` past a lease, so no other worker takes them; it
sends them over one kept SMTP connection and records each delivery as it
happens. Before each mail it checks that the lease still has time for one
whole send, and renews it for the rows it still holds when not (``Lease``):
a slow server makes a batch slow, never sent twice. A worker that dies leaves
at most the mail it was sending to be sent again (with the same Message-ID)
once the lease is over.
"""

import logging
import smtplib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from signatures.mail import emails
from signatures.models import Campaign, Signature, due_now

logger = logging.getLogger(__name__)


class Delivery(StrEnum):
    SENT = "sent"
    NOT_OWED = "not owed"  # confirmed, withdrawn, bounced, or delivered already
    BOUNCED = "bounced"  # refused for good (5xx), or given up after MAIL_RETRY_LIMIT tries
    RETRY = "retry"  # the server could not take it now: due again after a back-off
    DEFERRED = "deferred"  # not tried: the server failed on an earlier mail of the batch
    LOST_LEASE = "lost lease"  # not tried: another worker holds it now


def recipient_only(exc: Exception) -> bool:
    """Whether the server refused this one address for now (greylisting), not every mail."""
    return isinstance(exc, smtplib.SMTPRecipientsRefused) and not any(
        code == 421 for code, _message in exc.recipients.values()
    )


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


def given_up(exc: Exception, attempts: int) -> str | None:
    """Why a mail that failed on its ``attempts``-th try is given up, or None to retry it."""
    reason = permanent_refusal(exc)
    if reason is None and attempts >= settings.MAIL_RETRY_LIMIT:
        reason = f"Not delivered after {attempts} attempts: {exc}"
    return reason


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4, ... minutes (MAIL_RETRY_SECONDS doubled) after each failure, at most an hour."""
    return timedelta(seconds=min(settings.MAIL_RETRY_SECONDS * 2 ** (attempt - 1), 3600))


def ask_for_mail(signature_id: int) -> None:
    """Make the signature's owed mail due now (unless a worker holds it or it waits to retry)."""
    Signature.objects.filter(pk=signature_id).update(mail_due_at=due_now(timezone.now()))


class Lease:
    """The mails a worker holds, until ``end``: each row's due time (``field``) is ``end``.

    ``end`` is the worker's token: no other claim of the same row can end at
    the same microsecond, because it can only begin after this one ended.
    """

    def __init__(
        self,
        ids: list[int],
        end: datetime,
        rows: QuerySet[Any] | None = None,
        field: str = "mail_due_at",
    ) -> None:
        self.held = set(ids)
        self.end = end
        self.rows = rows if rows is not None else Signature.objects.all()
        self.field = field

    def holds(self, pk: int) -> bool:
        """Whether this worker may send ``pk``'s mail now; renews the lease if it runs short.

        The lease must outlast the send that may follow: ``MAIL_SEND_SECONDS``,
        the longest one mail can take before the SMTP timeout ends it.
        """
        now = timezone.now()
        if self.end - now < timedelta(seconds=settings.MAIL_SEND_SECONDS):
            end = now + timedelta(seconds=settings.MAIL_LEASE_SECONDS)
            mine = self.rows.filter(pk__in=self.held, **{self.field: self.end})
            mine.update(**{self.field: end})
            self.held = set(
                self.rows.filter(pk__in=self.held, **{self.field: end}).values_list("pk", flat=True)
            )
            self.end = end
        return pk in self.held

    def release(self, pk: int) -> None:
        """``pk``'s row is recorded: its due time is no longer the lease's."""
        self.held.discard(pk)


def claim_mail(limit: int, now: datetime | None = None) -> Lease:
    """Take up to ``limit`` due mails for this worker, for ``MAIL_LEASE_SECONDS``."""
    now = now or timezone.now()
    lease_end = now + timedelta(seconds=settings.MAIL_LEASE_SECONDS)
    with transaction.atomic():
        due = (
            Signature.objects.mail_due(now)
            .order_by("mail_due_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        ids = list(due)
        if ids:
            Signature.objects.filter(pk__in=ids).update(mail_due_at=lease_end)
    return Lease(ids, lease_end)


def deliver_due(limit: int | None = None) -> Counter[Delivery]:
    """Claim a batch of due mails and send them over one connection; what became of each."""
    lease = claim_mail(limit or settings.MAIL_BATCH_SIZE)
    ids = sorted(lease.held)
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
        deliver_each(signatures, lease, outcomes, deliver)
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


def deliver_each[Row: Model](
    rows: Sequence[Row],
    lease: Lease,
    outcomes: Counter[Delivery],
    send: Callable[[Row], tuple[Delivery, bool]],
) -> None:
    """Send the mail of each row the lease still holds, over one connection; once the
    server itself fails, the rest of the batch waits a moment without losing an attempt."""
    server_failed = False
    for row in rows:
        if not lease.holds(row.pk):
            outcomes[Delivery.LOST_LEASE] += 1
            continue
        lease.release(row.pk)
        if server_failed:
            due = timezone.now() + retry_delay(1)
            lease.rows.filter(pk=row.pk).update(**{lease.field: due})
            outcomes[Delivery.DEFERRED] += 1
            continue
        outcome, server_failed = send(row)
        outcomes[outcome] += 1


def deliver(signature: Signature) -> tuple[Delivery, bool]:
    """Send the mail ``signature`` is owed and record what came of it.

    Also says whether the server itself failed (so the rest of a batch waits),
    rather than refusing this one address for now, as greylisting does.
    """
    owed = signature.emails_sent
    if signature.emails_delivered >= owed:
        return Delivery.NOT_OWED, False
    try:
        emails.mail_confirmation(signature)
    except OSError as exc:  # smtplib.SMTPException is an OSError
        outcome = _failed(signature, exc)
        return outcome, outcome is Delivery.RETRY and not recipient_only(exc)
    # Only up to the number sent: a resend asked for meanwhile stays owed, and due.
    Signature.objects.filter(pk=signature.pk, emails_delivered__lt=owed).update(
        emails_delivered=owed, mail_attempts=0, mail_due_at=timezone.now()
    )
    return Delivery.SENT, False


def _failed(signature: Signature, exc: OSError) -> Delivery:
    attempts = signature.mail_attempts + 1
    reason = given_up(exc, attempts)
    if reason is None:
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
    # Given up after every attempt (not refused by the server) is the operators' concern.
    level = logging.WARNING if permanent_refusal(exc) else logging.ERROR
    logger.log(level, "Confirmation for signature %s not delivered: %s", signature.pk, reason)
    Signature.objects.filter(pk=signature.pk).update(
        bounced_at=timezone.now(), bounce_reason=reason[:300], mail_attempts=attempts
    )
    return Delivery.BOUNCED
