"""A batch's hand-in files: made by the worker part by part, stored once, never changed.

A version of a batch's files is one CSV (every name, written a chunk at a
time) and the PDF in volumes of ``BATCH_NAMES_PER_VOLUME`` names. Each part
is its own task, so no task runs long and workers share a big batch. A part
already stored is not made again, so a task that runs twice does no harm.
Preparing again makes a new version; earlier versions stay, with checksums.
"""

import hashlib
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from petition_site.lib.spreadsheet import csv_stream
from signatures.handins import batches
from signatures.models import Batch, BatchFile, Signature

logger = logging.getLogger(__name__)


def storage() -> Storage:
    return storages["batches"]


def parts(batch: Batch) -> int:
    """Files in one version: the CSV and each PDF volume."""
    return 1 + batches.volumes(batch.signature_count)


def _store(batch: Batch, version: int, kind: str, volume: int, content: File[bytes]) -> str:
    folder = f"{batch.campaign.slug}/{batch.country.code}/batch-{batch.pk}/v{version}"
    return storage().save(f"{folder}/{kind}-{volume}.{kind}", content)


def _record(batch: Batch, version: int, **fields: object) -> BatchFile:
    with transaction.atomic():
        made = BatchFile.objects.create(batch=batch, version=version, **fields)
        total_names = {"csv": 0, "pdf": made.last_number - made.first_number + 1}[made.kind]
        this_version = Batch.objects.filter(pk=batch.pk, files_version=version)
        this_version.update(files_done=F("files_done") + total_names)
        # A failure stays shown until an organiser retries.
        this_version.filter(files=Batch.Files.QUEUED).update(files=Batch.Files.PREPARING)
        if made.kind == BatchFile.Kind.CSV:
            this_version.update(checksum=made.sha256)
        done = BatchFile.objects.filter(batch=batch, version=version).count()
        if done == parts(batch):
            this_version.exclude(files=Batch.Files.FAILED).update(files=Batch.Files.READY)
    return made


def _already(batch: Batch, version: int, kind: str, volume: int) -> bool:
    return BatchFile.objects.filter(batch=batch, version=version, kind=kind, volume=volume).exists()


def write_csv(batch_id: int, version: int) -> None:
    """The CSV of every name, spooled to disk a chunk at a time, then stored."""
    batch = Batch.objects.select_related("campaign").get(pk=batch_id)
    if _already(batch, version, "csv", 1):
        return
    digest, size, last = hashlib.sha256(), 0, 0

    def numbered() -> Iterator[tuple[int, str, str, str, str]]:
        nonlocal last
        for row in batches.rows(batch):
            last = row[0]
            yield row

    with tempfile.TemporaryFile() as spool:
        for chunk in csv_stream(batches.CSV_HEADER, numbered()):
            spool.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        spool.seek(0)
        name = _store(batch, version, "csv", 1, File(spool))
    _record(
        batch,
        version,
        kind="csv",
        name=name,
        size=size,
        sha256=digest.hexdigest(),
        first_number=1,
        last_number=last,
    )


def write_pdf(batch_id: int, version: int, volume: int) -> None:
    """One PDF volume: the cover letter and its part of the list."""
    batch = Batch.objects.select_related("campaign").get(pk=batch_id)
    if _already(batch, version, "pdf", volume):
        return
    document = batches.pdf(batch, volume)
    with tempfile.TemporaryFile() as spool:
        spool.write(document)
        spool.seek(0)
        name = _store(batch, version, "pdf", volume, File(spool))
    per_volume = settings.BATCH_NAMES_PER_VOLUME
    first = (volume - 1) * per_volume + 1
    _record(
        batch,
        version,
        kind="pdf",
        volume=volume,
        volumes=batches.volumes(batch.signature_count),
        name=name,
        size=len(document),
        sha256=hashlib.sha256(document).hexdigest(),
        first_number=first,
        last_number=min(first + per_volume - 1, batch.signature_count),
    )


def fill_batch(batch_id: int) -> int:
    """Claim the pool for a batch the organiser just made; return its PDF volumes (0: empty).

    Done by the worker, not the organiser's request: a big country's pool takes
    seconds to claim. Run again, it claims nothing more.
    """
    with transaction.atomic():
        batch = Batch.objects.select_for_update().select_related("campaign").get(pk=batch_id)
        if batch.state != Batch.State.PREPARED:
            return 0
        if not batch.signature_count and not batches.take_pool(batch):
            Batch.objects.filter(pk=batch.pk).update(
                state=Batch.State.CANCELLED,
                cancelled_at=timezone.now(),
                files_error="No signatures were waiting for this country.",
            )
            return 0
    return batches.volumes(batch.signature_count)


def fail(batch_id: int, version: int, error: str) -> None:
    Batch.objects.filter(pk=batch_id, files_version=version).update(
        files=Batch.Files.FAILED, files_error=error[:2000]
    )
    logger.error("Files of batch %s version %s failed: %s", batch_id, version, error)


def current(batch: Batch) -> list[BatchFile]:
    """The files of the batch's current version, CSV first, then the volumes."""
    return list(
        BatchFile.objects.filter(batch=batch, version=batch.files_version)
        .select_related("batch__campaign")
        .order_by("kind", "volume")
    )


@dataclass(frozen=True)
class Changes:
    """How the batch's members differ from the names in its prepared files."""

    removed: int  # withdrawn, rejected, erased since
    anonymised: int

    def __bool__(self) -> bool:
        return bool(self.removed or self.anonymised)


def changes(batch: Batch) -> Changes:
    return ready_files_and_changes([batch])[batch.pk][1]


def ready_files_and_changes(
    ready: list[Batch],
) -> dict[int, tuple[list[BatchFile], Changes]]:
    """For batches with ready files: their current files and changes, in two queries."""
    files: dict[int, list[BatchFile]] = {batch.pk: [] for batch in ready}
    versions = {batch.pk: batch.files_version for batch in ready}
    stored = BatchFile.objects.filter(batch__in=ready).select_related("batch__campaign")
    for file in stored.order_by("kind", "volume"):
        if file.version == versions[file.batch_id]:
            files[file.batch_id].append(file)
    now = {
        row["batch"]: row
        for row in Signature.objects.confirmed()
        .filter(batch__in=ready)
        .values("batch")
        .annotate(members=Count("pk"), anonymised=Count("pk", filter=Q(email="")))
    }
    result = {}
    for batch in ready:
        csv_file = next((f for f in files[batch.pk] if f.kind == "csv"), None)
        found = now.get(batch.pk, {"members": 0, "anonymised": 0})
        removed = csv_file.last_number - found["members"] if csv_file else 0
        result[batch.pk] = (files[batch.pk], Changes(removed, found["anonymised"]))
    return result
