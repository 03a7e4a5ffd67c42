"""Delivering confirmation mail: once per mail owed, bounces recorded, the rest retried.

A signature owes its signer a mail while ``emails_delivered`` is behind
``emails_sent`` (signing queues the first, a resend another). Delivery holds
the signature's row while it talks to the mail server and records the
delivery in the same transaction, so a task that runs again (its worker died,
or a resend caught up with it) sends nothing twice.
"""

import smtplib
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from signatures import emails
from signatures.models import Signature


class Delivery(StrEnum):
    SENT = "sent"
    NOT_OWED = "not owed"  # confirmed, withdrawn, bounced, or delivered already
    BOUNCED = "bounced"


class TemporaryFailure(Exception):
    """The mail server could not take the mail now; try again later."""


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


def deliver_confirmation(signature_id: int) -> Delivery:
    """Send the confirmation mail the signature is owed, if any.

    Raises TemporaryFailure when the server is unreachable or answers 4xx.
    """
    with transaction.atomic():
        signature = (
            Signature.objects.awaiting_confirmation()
            .filter(pk=signature_id, bounced_at__isnull=True)
            .select_related("campaign")
            .select_for_update(of=("self",))
            .first()
        )
        if signature is None or signature.emails_delivered >= signature.emails_sent:
            return Delivery.NOT_OWED
        try:
            emails.send_confirmation(signature)
        except OSError as exc:  # smtplib.SMTPException is an OSError
            if (reason := permanent_refusal(exc)) is None:
                raise TemporaryFailure(str(exc) or type(exc).__name__) from exc
            signature.bounced_at = timezone.now()
            signature.bounce_reason = reason[:300]
            signature.save(update_fields=["bounced_at", "bounce_reason"])
            return Delivery.BOUNCED
        signature.emails_delivered = signature.emails_sent
        signature.save(update_fields=["emails_delivered"])
    return Delivery.SENT
