"""Organisers' downloads: prepared hand-in files, a ZIP of them, and the full export."""

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.decorators import permission_required
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404

from petition_site.lib.spreadsheet import CHUNK, csv_stream
from signatures.handins import files as batch_files
from signatures.handins import services as handins
from signatures.models import Batch, BatchFile, Campaign, Signature

export_required = permission_required("signatures.export_signatures", raise_exception=True)
personal_data_required = permission_required(
    "signatures.export_personal_data", raise_exception=True
)


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _logged(request: HttpRequest, batch: Batch, what: str) -> None:
    user_id = request.user.pk
    if user_id is not None:
        LogEntry.objects.log_actions(user_id, [batch], CHANGE, change_message=f"Downloaded {what}")


def _not_ready(batch: Batch) -> HttpResponse:
    return HttpResponse(
        f"The files of {batch} are not ready ({batch.get_files_display()}).",
        status=409,
        content_type="text/plain; charset=utf-8",
    )


def _file_response(file: BatchFile) -> HttpResponseBase:
    content_type = "text/csv; charset=utf-8" if file.kind == "csv" else "application/pdf"
    response = FileResponse(batch_files.storage().open(file.name, "rb"), content_type=content_type)
    response["Content-Length"] = str(file.size)
    return _attachment(response, file.filename)


@export_required
def batch_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One stored file of one version, as it was prepared: streamed, never rebuilt."""
    file = get_object_or_404(BatchFile.objects.select_related("batch__campaign"), pk=pk)
    _logged(request, file.batch, f"{file.filename} (SHA-256 {file.sha256})")
    return _file_response(file)


def _current(pk: int, kind: str) -> tuple[Batch, list[BatchFile]]:
    batch = get_object_or_404(Batch.objects.select_related("campaign"), pk=pk)
    if batch.files != Batch.Files.READY:
        return batch, []
    return batch, [f for f in batch_files.current(batch) if f.kind == kind]


@export_required
def batch_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    batch, found = _current(pk, "csv")
    if not found:
        return _not_ready(batch)
    _logged(request, batch, f"{found[0].filename} (SHA-256 {found[0].sha256})")
    return _file_response(found[0])


@export_required
def batch_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The PDF of the current version; a ZIP of its volumes when there are several."""
    batch, found = _current(pk, "pdf")
    if not found:
        return _not_ready(batch)
    if len(found) == 1:
        _logged(request, batch, f"{found[0].filename} (SHA-256 {found[0].sha256})")
        return _file_response(found[0])
    _logged(request, batch, f"the {len(found)} PDF volumes of version {batch.files_version}")
    response = StreamingHttpResponse(zip_stream(found), content_type="application/zip")
    return _attachment(response, f"{batch.file_stem}-v{batch.files_version}-pdf.zip")


@export_required
def new_batches_zip(request: HttpRequest, campaign_pk: int) -> HttpResponseBase:
    """The files of every prepared batch of the campaign, in one ZIP, streamed as it is written."""
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    files = handins.prepared_files(campaign)
    for batch in {file.batch for file in files}:
        _logged(request, batch, f"version {batch.files_version} in the campaign's ZIP")
    response = StreamingHttpResponse(zip_stream(files), content_type="application/zip")
    return _attachment(response, f"{campaign.slug}-prepared-batches.zip")


class _Sink(io.RawIOBase):
    """Where zipfile writes; the stream hands each piece on and keeps nothing."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        taken, self.pieces = b"".join(self.pieces), []
        return taken


def zip_stream(files: list[BatchFile], chunk: int = 1024 * 1024) -> Iterator[bytes]:
    """A ZIP of stored files, yielded as it is written: nothing is spooled whole.

    The files are compressed already or compress well enough as they are,
    so members are stored; zipfile writes to a stream it cannot seek with
    data descriptors.
    """
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:
        for file in files:
            with (
                batch_files.storage().open(file.name, "rb") as source,
                archive.open(file.filename, "w", force_zip64=file.size > 2**31) as member,
            ):
                while data := source.read(chunk):
                    member.write(data)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


FULL_HEADER = [
    "id",
    "first name",
    "last name",
    "e-mail",
    "country",
    "state",
    "signed",
    "confirmed",
    "consent version",
    "contact opt-in",
]


def _full_rows(batch: Batch) -> Iterator[bytes]:
    members = (
        Signature.objects.filter(batch=batch)
        .order_by("pk")
        .values_list(
            "pk",
            "first_name",
            "last_name",
            "email",
            "country",
            "state",
            "created_at",
            "confirmed_at",
            "consent_version",
            "contact_opt_in",
        )
    )
    return csv_stream(FULL_HEADER, members.iterator(chunk_size=CHUNK))


@personal_data_required
def batch_full_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Everything stored about the batch's signers, for data-protection requests."""
    batch = get_object_or_404(Batch.objects.select_related("campaign"), pk=pk)
    response = StreamingHttpResponse(_full_rows(batch), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"{batch.file_stem}-full.csv")
