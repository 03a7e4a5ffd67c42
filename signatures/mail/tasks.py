"""Mail tasks: take primary keys, call the mail modules."""

import logging

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from signatures.mail import emails, updates
from signatures.mail import outbox as mailing
from signatures.models import Signature

logger = logging.getLogger(__name__)


@task()
def send_confirmation(signature_id: int, attempt: int = 1) -> str:
    """Mail queued as a task before signatures became their own outbox (migration 0023)."""
    mailing.ask_for_mail(signature_id)
    return "left to the outbox"


@task()
def send_withdraw_link(signature_id: int, attempt: int = 1) -> str:
    """A fresh withdraw link its signer asked for; tried again later if the server fails."""
    signature = Signature.objects.select_related("campaign").filter(pk=signature_id).first()
    if signature is None:
        return "withdrawn already"
    try:
        emails.mail_withdraw_link(signature)
    except OSError as exc:  # smtplib.SMTPException is an OSError
        if attempt >= settings.MAIL_RETRY_LIMIT or mailing.permanent_refusal(exc):
            logger.error("Withdraw link for signature %s not delivered: %s", signature_id, exc)
            return "not delivered"
        later = timezone.now() + mailing.retry_delay(attempt)
        send_withdraw_link.using(run_after=later).enqueue(signature_id, attempt + 1)
        return f"retry after {exc}"
    return "sent"


@task()
def queue_update(update_id: int) -> str:
    """Queue an update's mails, one per signer who asked for news, off the admin's request."""
    return f"{updates.queue_mails(update_id)} queued"
