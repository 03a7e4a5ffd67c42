"""Per-country hand-in batches: which signatures go in, and their files."""

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django_countries import countries

from signatures.models import Batch, Campaign, Signature

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = ["number", "first name", "last name", "country", "date signed"]
CHUNK = 2000
PDF_COLUMN_LINES = 50  # lines of 9.5 pt that fit an A4 column, with room for the title


def pool(campaign: Campaign, country: str | None = None) -> QuerySet[Signature]:
    """Signatures that may go into a new batch."""
    qs = Signature.objects.filter(
        campaign=campaign, state=Signature.State.CONFIRMED, consent=True, batch__isnull=True
    )
    return qs.filter(country=country) if country else qs


def create(campaign: Campaign, country: str, user: AbstractBaseUser | None) -> Batch | None:
    """Put every signature of the pool for ``country`` into a new batch.

    One UPDATE claims the rows: a concurrent creation for the same country
    waits on the row locks, then finds them taken (batch_id no longer NULL),
    so no signature lands in two batches. Returns None when the pool is empty.
    """
    with transaction.atomic():
        batch = Batch.objects.create(
            campaign=campaign, country=country, created_by_id=getattr(user, "pk", None)
        )
        claimed = pool(campaign, country).update(batch=batch)
        if not claimed:
            transaction.set_rollback(True)
            return None
        batch.signature_count = claimed
        batch.checksum = hashlib.sha256(b"".join(csv_chunks(batch))).hexdigest()
        batch.save(update_fields=["signature_count", "checksum"])
    return batch


def create_all(campaign: Campaign, user: AbstractBaseUser | None) -> list[Batch]:
    return [
        batch
        for country in pool_countries(campaign)
        if (batch := create(campaign, country, user)) is not None
    ]


def pool_countries(campaign: Campaign) -> list[str]:
    return list(pool(campaign).order_by("country").values_list("country", flat=True).distinct())


def cancel(batch: Batch) -> int:
    """Cancel a prepared batch; its signatures return to the pool."""
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.state != Batch.State.PREPARED:
            return 0
        returned = Signature.objects.filter(batch=locked).update(batch=None)
        locked.state = Batch.State.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["state", "cancelled_at"])
    return returned


def mark_handed_in(batch: Batch, where: str, when: date | None = None) -> bool:
    return bool(
        Batch.objects.filter(pk=batch.pk, state=Batch.State.PREPARED).update(
            state=Batch.State.HANDED_IN,
            handed_in_at=when or timezone.now(),
            handed_in_where=where,
        )
    )


def country_table(campaign: Campaign) -> list[dict]:
    """Per country: confirmed signatures, how many wait for a batch, past batches."""
    rows = (
        Signature.objects.filter(campaign=campaign, state=Signature.State.CONFIRMED)
        .values("country")
        .annotate(confirmed=Count("pk"), waiting=Count("pk", filter=Q(batch__isnull=True)))
        .order_by("country")
    )
    batches: dict[str, list[Batch]] = {}
    for batch in Batch.objects.filter(campaign=campaign).order_by("created_at"):
        batches.setdefault(batch.country.code, []).append(batch)
    table = [
        {
            "code": row["country"],
            "name": countries.name(row["country"]),
            "confirmed": row["confirmed"],
            "waiting": row["waiting"],
            "batches": batches.get(row["country"], []),
        }
        for row in rows
    ]
    return sorted(table, key=lambda row: row["name"])


def neutralise(cell: str) -> str:
    """Make a cell that a spreadsheet would run as a formula read as text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def rows(batch: Batch) -> Iterator[tuple[int, str, str, str, str]]:
    """The batch's hand-in rows, numbered, read with a server-side cursor."""
    with translation.override(batch.campaign.language):
        country_name = str(countries.name(batch.country.code))
    members = (
        Signature.objects.filter(batch=batch, state=Signature.State.CONFIRMED)
        .order_by("pk")
        .values_list("first_name", "last_name", "created_at")
    )
    for number, (first, last, created) in enumerate(members.iterator(chunk_size=CHUNK), 1):
        yield number, first, last, country_name, created.date().isoformat()


class Echo:
    """A file-like object whose write() hands back what it is given."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[bytes]:
    """A CSV file in pieces of about CHUNK lines: UTF-8 with a BOM, header first.

    Every text cell is neutralised, so no spreadsheet runs a formula from it.
    """
    yield "\ufeff".encode() + csv.writer(Echo()).writerow(header).encode()
    buffer = io.StringIO()
    lines = csv.writer(buffer)
    for i, row in enumerate(rows, 1):
        lines.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in row])
        if i % CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def csv_chunks(batch: Batch) -> Iterator[bytes]:
    """The hand-in CSV: number, names, country, date signed."""
    return csv_stream(CSV_HEADER, rows(batch))


def pages(
    signers: Iterator[tuple[int, str, str, str, str]], per_column: int = PDF_COLUMN_LINES
) -> Iterator[list[list[tuple[int, str]]]]:
    """Group numbered signers into pages of two columns."""
    page: list[tuple[int, str]] = []
    for number, first, last, _country, _signed in signers:
        page.append((number, f"{first} {last}"))
        if len(page) == 2 * per_column:
            yield [page[:per_column], page[per_column:]]
            page = []
    if page:
        yield [page[:per_column], page[per_column:]]


def pdf(batch: Batch) -> bytes:
    """The printable hand-in: cover letter, then the numbered list of signers.

    Rendered in the campaign's language, whatever language the signers used.
    """
    from django.template.loader import render_to_string
    from weasyprint import HTML

    campaign = batch.campaign
    with translation.override(campaign.language):
        html = render_to_string(
            "signatures/batch_pdf.html",
            {
                "batch": batch,
                "campaign": campaign,
                "country_name": countries.name(batch.country.code),
                "pages": pages(rows(batch)),
                "count": batch.signature_count,
            },
        )
    # A fixed identifier and the batch's own dates keep the file byte-identical.
    identifier = hashlib.sha256(f"batch-{batch.pk}".encode()).hexdigest()[:32].encode()
    return HTML(string=html).write_pdf(pdf_identifier=identifier)
