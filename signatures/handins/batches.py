"""Per-country hand-in batches: which signatures go in, and their files."""

import hashlib
import unicodedata
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_countries import countries
from weasyprint import HTML

from petition_site.lib.spreadsheet import CHUNK
from signatures.models import Batch, Campaign, Signature, SignatureQuerySet

CSV_HEADER = ["number", "first name", "last name", "country", "date signed"]
PDF_COLUMN_LINES = 50  # lines of 9.5 pt that fit an A4 column, with room for the title


Staff = AbstractBaseUser | AnonymousUser | None


def pool(campaign: Campaign, country: str | None = None) -> SignatureQuerySet:
    """Signatures that may go into a new batch."""
    qs = Signature.objects.unbatched().filter(campaign=campaign)
    return qs.filter(country=country) if country else qs


def take_pool(batch: Batch) -> int:
    """Put the pool of the batch's country into it; return how many signatures that is.

    One UPDATE claims the rows: a concurrent claim for the same country waits
    on the row locks, then finds them taken (batch_id no longer NULL), so no
    signature lands in two batches.
    """
    claimed = pool(batch.campaign, batch.country.code).update(batch=batch)
    Batch.objects.filter(pk=batch.pk).update(signature_count=claimed, files_total=claimed)
    batch.signature_count = batch.files_total = claimed
    return claimed


def pool_countries(campaign: Campaign) -> list[str]:
    return list(pool(campaign).order_by("country").values_list("country", flat=True).distinct())


def cancel_batch(batch: Batch) -> int:
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


def country_table(campaign: Campaign) -> list[dict[str, Any]]:
    """Per country: confirmed signatures, how many wait for a batch, past batches."""
    rows = (
        Signature.objects.confirmed()
        .filter(campaign=campaign)
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


def members(batch: Batch) -> SignatureQuerySet:
    """The signatures a batch's files list: confirmed, in the batch, in signing order."""
    return Signature.objects.confirmed().filter(batch=batch).order_by("pk")


def rows(
    batch: Batch, start: int = 0, stop: int | None = None
) -> Iterator[tuple[int, str, str, str, str]]:
    """The batch's hand-in rows ``start`` to ``stop``, numbered, read with a server-side cursor."""
    with translation.override(batch.campaign.language):
        country_name = str(countries.name(batch.country.code))
    names = members(batch).values_list("first_name", "last_name", "created_at")[start:stop]
    for number, (first, last, created) in enumerate(names.iterator(chunk_size=CHUNK), start + 1):
        yield number, first, last, country_name, created.date().isoformat()


# Scripts whose names need their own language tag, for the right font (a
# Japanese name in a Japanese font) or direction; by Unicode character name.
SCRIPT_LANGUAGES = [
    ("HIRAGANA", "ja"),
    ("KATAKANA", "ja"),
    ("HANGUL", "ko"),
    ("CJK UNIFIED IDEOGRAPH", "zh"),
    ("HEBREW", "he"),
    ("ARABIC", "ar"),
]
FAMILY_NAME_FIRST = {"ja", "ko", "zh", "zh-Hant"}
# Han alone does not say which language: the embassy's country does.
HAN_BY_COUNTRY = {"JP": "ja", "KR": "ko", "TW": "zh-Hant", "HK": "zh-Hant", "MO": "zh-Hant"}
RIGHT_TO_LEFT = {"ar", "he"}


def script_language(text: str, country: str = "") -> str:
    """The language a name's script suggests, where fonts or direction depend on it; else ""."""
    found = {
        language
        for char in text
        if char.isalpha()
        for prefix, language in SCRIPT_LANGUAGES
        if unicodedata.name(char, "").startswith(prefix)
    }
    # Kana makes Han Japanese, Hangul Korean; Han alone follows the country.
    for language in ["ja", "ko", "zh", "ar", "he"]:
        if language in found:
            return HAN_BY_COUNTRY.get(country, "zh") if language == "zh" else language
    return ""


def hand_in_name(first: str, last: str, country: str = "") -> tuple[str, str]:
    """A name as its owner writes it, and its language tag.

    Chinese, Japanese and Korean names are written family name first,
    without a space.
    """
    language = script_language(first + last, country)
    if language in FAMILY_NAME_FIRST:
        return f"{last}{first}", language
    return f"{first} {last}", language


def pages(
    signers: Iterator[tuple[int, str, str, str, str]],
    per_column: int = PDF_COLUMN_LINES,
    country: str = "",
) -> Iterator[list[list[tuple[int, str, str, str]]]]:
    """Group numbered signers into pages of two columns: number, name, language, direction."""
    page: list[tuple[int, str, str, str]] = []
    for number, first, last, _country_name, _signed in signers:
        name, language = hand_in_name(first, last, country)
        page.append((number, name, language, "rtl" if language in RIGHT_TO_LEFT else ""))
        if len(page) == 2 * per_column:
            yield [page[:per_column], page[per_column:]]
            page = []
    if page:
        yield [page[:per_column], page[per_column:]]


def volumes(count: int) -> int:
    """How many PDF documents a batch of ``count`` names is split into."""
    per_volume = int(settings.BATCH_NAMES_PER_VOLUME)
    return max(1, -(-count // per_volume))


def pdf(batch: Batch, volume: int = 1, count: int | None = None) -> bytes:
    """One printable volume: the cover letter, then its part of the numbered list.

    Rendered in the campaign's language, whatever language the signers used.
    A volume holds ``BATCH_NAMES_PER_VOLUME`` names, so memory stays bounded
    whatever the batch's size; numbers run on across volumes.
    """
    campaign = batch.campaign
    count = batch.signature_count if count is None else count
    per_volume = settings.BATCH_NAMES_PER_VOLUME
    start = (volume - 1) * per_volume
    with translation.override(campaign.language):
        html = render_to_string(
            "signatures/batch_pdf.html",
            {
                "batch": batch,
                "campaign": campaign,
                "country_name": countries.name(batch.country.code),
                "pages": pages(rows(batch, start, start + per_volume), country=batch.country.code),
                "count": count,
                "volume": volume,
                "volumes": volumes(count),
                "first": start + 1,
                "last": min(start + per_volume, count),
            },
        )
    # A fixed identifier and the batch's own dates keep the file byte-identical.
    identifier = hashlib.sha256(f"batch-{batch.pk}-{volume}".encode()).hexdigest()[:32].encode()
    # Tagged (PDF/UA): screen readers read the letter and the list in order.
    document: bytes = HTML(string=html).write_pdf(pdf_identifier=identifier, pdf_variant="pdf/ua-1")
    return document
