"""What organisers do with batches: make them, have their files made, make them again, hand in.

Each step that needs files queues the worker's tasks in the same transaction,
so a batch never exists without its files on the way.
"""

import logging
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from signatures.handins import batches
from signatures.handins import files as batch_files
from signatures.handins.batches import Staff
from signatures.handins.tasks import claim_batch, prepare_batch_csv, prepare_batch_pdf
from signatures.models import Batch, BatchFile, Campaign, HandIn

logger = logging.getLogger(__name__)


class SenderMissing(ValueError):
    """The campaign's letter would go out with placeholder sender details."""


def check_sender(campaign: Campaign) -> None:
    if problems := campaign.sender_problems():
        raise SenderMissing(" ".join(problems))


def queue_files(batch: Batch) -> None:
    """Queue every part of the batch's current version; parts stored already are kept."""
    for volume in range(1, batches.volumes(batch.signature_count) + 1):
        prepare_batch_pdf.enqueue(batch.pk, batch.files_version, volume)
    prepare_batch_csv.enqueue(batch.pk, batch.files_version)


def make(
    campaign: Campaign,
    country: str,
    user: Staff,
    hand_in_on: date | None = None,
    *,
    fill: bool = False,
) -> list[Batch]:
    """The one way a batch is made: for one country or "all", from the signatures waiting.

    An organiser's request only adds the batch rows and their first task, in
    one transaction, so it answers at once however big the country is; the
    worker fills them and makes their files. With ``fill`` (the export
    command, which prepares files itself) they are filled here instead, and
    a batch that finds nothing waiting is left out.
    """
    if not country:
        raise ValueError("A batch is for one country: give its code")
    check_sender(campaign)
    codes = batches.pool_countries(campaign) if country == "all" else [country]
    made = []
    with transaction.atomic():
        for code in codes:
            batch = Batch.objects.create(
                campaign=campaign,
                country=code,
                created_by_id=getattr(user, "pk", None),
                hand_in_on=hand_in_on,
            )
            if not fill:
                claim_batch.enqueue(batch.pk)
                made.append(batch)
            elif batches.take_pool(batch):
                made.append(batch)
            else:  # another organiser was quicker, or nothing waits: no batch at all
                batch.delete()
    return made


def retry(batch: Batch) -> bool:
    """After a failure: make the missing parts of the same version again."""
    check_sender(batch.campaign)
    with transaction.atomic():
        again = Batch.objects.filter(pk=batch.pk, files=Batch.Files.FAILED).update(
            files=Batch.Files.QUEUED, files_error=""
        )
        if again:
            batch.refresh_from_db()
            queue_files(batch)
    return bool(again)


def prepare_again(batch: Batch) -> int | None:
    """A new version from the batch's members now; the earlier stay, unchanged."""
    check_sender(batch.campaign)
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.state != Batch.State.PREPARED or locked.files == Batch.Files.PREPARING:
            return None
        count = batches.members(locked).count()
        Batch.objects.filter(pk=locked.pk).update(
            files_version=F("files_version") + 1,
            files=Batch.Files.QUEUED,
            files_done=0,
            files_total=count,
            files_error="",
            signature_count=count,
        )
        locked.refresh_from_db()
        queue_files(locked)
    logger.info("%s: files version %d queued", locked, locked.files_version)
    return locked.files_version


def mark_handed_in(batch: Batch, where: str, hand_in: HandIn | None = None) -> bool:
    """Handed in (with ``hand_in``, the public record of it): which version of the files
    went to the embassy is recorded."""
    return bool(
        Batch.objects.prepared()
        .filter(pk=batch.pk, files=Batch.Files.READY)
        .update(
            state=Batch.State.HANDED_IN,
            handed_in_at=timezone.now(),
            handed_in_where=where,
            handed_in_version=F("files_version"),
            hand_in=hand_in,
        )
    )


def prepared_files(campaign: Campaign) -> list[BatchFile]:
    """The current files of every prepared batch of the campaign, for one ZIP."""
    ready = Batch.objects.prepared().filter(campaign=campaign, files=Batch.Files.READY)
    return [
        file
        for batch in ready.order_by("country", "pk").select_related("campaign")
        for file in batch_files.current(batch)
    ]
