"""Background work: tasks take primary keys and call the domain modules."""

import logging

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from signatures import batch_files, emails, mailing, moderation
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
        emails.send_withdraw_link(signature)
    except OSError as exc:  # smtplib.SMTPException is an OSError
        if attempt >= settings.MAIL_RETRY_LIMIT or mailing.permanent_refusal(exc):
            logger.error("Withdraw link for signature %s not delivered: %s", signature_id, exc)
            return "not delivered"
        later = timezone.now() + mailing.retry_delay(attempt)
        send_withdraw_link.using(run_after=later).enqueue(signature_id, attempt + 1)
        return f"retry after {exc}"
    return "sent"


@task()
def run_invalidation(invalidation_id: int) -> str:
    """One batch per task run, so a cancel takes effect between batches."""
    if moderation.run_invalidation_batch(invalidation_id):
        run_invalidation.enqueue(invalidation_id)
        return "more"
    return "finished"


# Hand-in files have a queue of their own: a worker can be kept for them,
# and a rush of mail does not delay them (nor they the mail).
@task(queue_name="batches")
def claim_batch(batch_id: int) -> str:
    """Fill a batch just made, then queue its files, a task a part."""
    volumes = batch_files.claim(batch_id)
    if volumes:
        for volume in range(1, volumes + 1):
            prepare_batch_pdf.enqueue(batch_id, 1, volume)
        prepare_batch_csv.enqueue(batch_id, 1)
    return f"{volumes} volumes"


@task(queue_name="batches")
def prepare_batch_csv(batch_id: int, version: int) -> str:
    try:
        batch_files.write_csv(batch_id, version)
    except Exception as exc:
        batch_files.fail(batch_id, version, f"CSV: {exc}")
        raise
    return "csv"


@task(queue_name="batches")
def prepare_batch_pdf(batch_id: int, version: int, volume: int) -> str:
    try:
        batch_files.write_pdf(batch_id, version, volume)
    except Exception as exc:
        batch_files.fail(batch_id, version, f"PDF volume {volume}: {exc}")
        raise
    return f"pdf {volume}"
