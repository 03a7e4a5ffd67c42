"""Organisers' downloads: hand-in batches as CSV, PDF or ZIP, and the full export."""

import tempfile
import zipfile
from collections.abc import Iterator

from django.contrib.auth.decorators import permission_required
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404

from signatures import batches
from signatures.models import Batch, Campaign, Signature
from signatures.spreadsheet import CHUNK, csv_stream

export_required = permission_required("signatures.export_signatures", raise_exception=True)
personal_data_required = permission_required(
    "signatures.export_personal_data", raise_exception=True
)


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@export_required
def batch_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    batch = get_object_or_404(Batch.objects.select_related("campaign"), pk=pk)
    response = StreamingHttpResponse(
        batches.csv_chunks(batch), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, f"{batch.file_stem}.csv")


@export_required
def batch_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    batch = get_object_or_404(Batch.objects.select_related("campaign"), pk=pk)
    response = HttpResponse(batches.pdf(batch), content_type="application/pdf")
    return _attachment(response, f"{batch.file_stem}.pdf")


@export_required
def new_batches_zip(request: HttpRequest, campaign_pk: int) -> HttpResponseBase:
    """Every prepared batch of the campaign, CSV and PDF, in one ZIP."""
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    prepared = Batch.objects.prepared().filter(campaign=campaign).select_related("campaign")
    # Spills to a temporary file past 64 MB; gone when the response is closed.
    spool = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
        for batch in prepared.order_by("country", "pk"):
            with archive.open(f"{batch.file_stem}.csv", "w") as member:
                for chunk in batches.csv_chunks(batch):
                    member.write(chunk)
            archive.writestr(f"{batch.file_stem}.pdf", batches.pdf(batch))
    spool.seek(0)
    response = FileResponse(spool, content_type="application/zip")
    return _attachment(response, f"{campaign.slug}-new-batches.zip")


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
