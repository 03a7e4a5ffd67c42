"""Entering paper signatures: confirmed on entry, counted, noticed by mail, withdrawn whole."""

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from signatures import counts
from signatures.models import Campaign, Message, PaperEntry, Signature
from signatures.paper.rows import MAX_PROBLEMS, PaperRow, Problem, check, read_csv
from signatures.signing import consent, sources

logger = logging.getLogger(__name__)

Name = tuple[str, str, str]  # given and family name upper-cased, country code


class AlreadySigned(ValueError):
    """The address has signed this campaign already: one address, one signature."""


class Batched(ValueError):
    """Some of the entry's signatures are in a hand-in batch: it cannot be withdrawn."""


@dataclass
class Checked:
    """An upload read whole: its rows if clean, every problem if not."""

    rows: list[tuple[int, PaperRow]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    # Rows without an address whose name and country match an earlier signature.
    likely_duplicates: list[int] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1

    @property
    def clean(self) -> bool:
        return not self.problems and not self.more_problems


def name_key(first_name: str, last_name: str, country: str) -> Name:
    return (first_name.upper(), last_name.upper(), country)


def names_signed(campaign: Campaign, rows: Iterable[PaperRow]) -> set[Name]:
    """Which of the rows' names and countries have signed ``campaign`` already."""
    family = sorted({row.last_name.upper() for row in rows})
    found: set[Name] = set()
    for start in range(0, len(family), 1000):
        found.update(
            name_key(*values)
            for values in Signature.objects.annotate(upper_last=Upper("last_name"))
            .filter(campaign=campaign, upper_last__in=family[start : start + 1000])
            .values_list("first_name", "last_name", "country")
        )
    return found


def likely_duplicates(campaign: Campaign, row: PaperRow) -> list[Signature]:
    """Earlier signatures of the same name and country: shown to whoever types a row."""
    return list(
        Signature.objects.filter(
            campaign=campaign,
            first_name__iexact=row.first_name,
            last_name__iexact=row.last_name,
            country=row.country,
        ).only("created_at", "source", "sheet_code")[:5]
    )


def sheet_total(campaign: Campaign, code: str) -> int:
    """How many signatures of this sheet are entered."""
    return Signature.objects.filter(campaign=campaign, sheet_code=code).count()


def _signature(campaign: Campaign, row: PaperRow, entry: PaperEntry, now: datetime) -> Signature:
    """A paper row as a signature: confirmed on entry, in the sheet's language."""
    return Signature(
        campaign=campaign,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        email_canonical=row.email_canonical,
        country=row.country,
        consent=True,
        contact_opt_in=row.keep_informed,
        consent_version=consent.CURRENT_VERSION,
        language=entry.language,
        source=sources.PAPER,
        sheet_code=row.sheet_code or entry.sheet_code,
        paper_entry=entry,
        state=Signature.State.CONFIRMED,
        created_at=now,
        confirmed_at=now,
    )


def enter_row(
    campaign: Campaign, row: PaperRow, *, sheet_code: str, language: str, user_id: int
) -> Signature:
    """One row typed from a sheet: stored confirmed, counted, and noticed if it has an address."""
    now = timezone.now()
    try:
        with transaction.atomic():
            entry, _created = PaperEntry.objects.get_or_create(
                campaign=campaign,
                kind=PaperEntry.Kind.TYPED,
                sheet_code=sheet_code,
                withdrawn_at=None,
                defaults={"language": language, "entered_by_id": user_id},
            )
            signature = _signature(campaign, row, entry, now)
            signature.language = language  # this row's sheet; the entry keeps its first
            signature.save(force_insert=True)
            counts.record({(campaign.pk, row.country): +1})
            if row.email:
                Message.objects.queue(Message.Kind.PAPER_NOTICE, [signature.pk])
            LogEntry.objects.log_actions(
                user_id,
                [signature],
                ADDITION,
                change_message=f"Entered from paper sheet {sheet_code}",
            )
    except IntegrityError as exc:
        signed = Signature.objects.filter(campaign=campaign, email_canonical=row.email_canonical)
        if row.email_canonical and signed.exists():
            raise AlreadySigned(row.email) from exc
        raise
    return signature


def check_upload(campaign: Campaign, data: bytes) -> Checked:
    """Read a whole upload and find everything wrong with it, storing nothing.

    Raises ``rows.BadFile`` when the file as a whole cannot be read.
    """
    checked = Checked()
    first_line: dict[str, int] = {}
    for line, values in read_csv(data):
        row, wrong = check(values)
        for column, reason in wrong:
            checked.add(Problem(line, column, reason))
        if row is None:
            continue
        if row.email_canonical:
            earlier = first_line.setdefault(row.email_canonical, line)
            if earlier != line:
                checked.add(
                    Problem(line, "email", _("the same address as line %(n)d") % {"n": earlier})
                )
                continue
        checked.rows.append((line, row))
    addresses = [row.email_canonical for _line, row in checked.rows if row.email_canonical]
    for start in range(0, len(addresses), 5000):
        signed = set(
            Signature.objects.filter(
                campaign=campaign, email_canonical__in=addresses[start : start + 5000]
            ).values_list("email_canonical", flat=True)
        )
        for line, row in checked.rows:
            if row.email_canonical in signed:
                checked.add(Problem(line, "email", _("this address has signed already")))
    if checked.clean:
        signed_names = names_signed(campaign, [row for _line, row in checked.rows])
        for line, row in checked.rows:
            key = name_key(row.first_name, row.last_name, row.country)
            if not row.email and key in signed_names:
                checked.likely_duplicates.append(line)
            signed_names.add(key)
    checked.problems.sort(key=lambda problem: problem.line)
    return checked


def store_upload(
    campaign: Campaign,
    rows: list[PaperRow],
    *,
    file_name: str,
    language: str,
    user_id: int,
) -> PaperEntry:
    """Store a checked upload whole, or nothing (``AlreadySigned``: an address signed since)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            entry = PaperEntry.objects.create(
                campaign=campaign,
                kind=PaperEntry.Kind.UPLOAD,
                file_name=file_name[:200],
                language=language,
                entered_by_id=user_id,
                created_at=now,
            )
            stored = Signature.objects.bulk_create(
                [_signature(campaign, row, entry, now) for row in rows],
                batch_size=2000,
            )
            counts.record(
                {(campaign.pk, cc): n for cc, n in Counter(row.country for row in rows).items()}
            )
            Message.objects.queue(Message.Kind.PAPER_NOTICE, (s.pk for s in stored if s.email))
            LogEntry.objects.log_actions(
                user_id,
                [entry],
                ADDITION,
                change_message=f"Uploaded {file_name[:200]}: {len(stored)} paper signatures",
            )
    except IntegrityError as exc:
        raise AlreadySigned(file_name) from exc
    logger.info("Paper entry %s: %d signatures uploaded", entry.pk, len(rows))
    return entry


def withdraw_entry(entry_id: int, user_id: int) -> int:
    """Withdraw every signature of an entry not yet handed in; the counts move back."""
    with transaction.atomic():
        entry = PaperEntry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None or entry.withdrawn_at is not None:
            return 0
        signatures = Signature.objects.filter(paper_entry=entry)
        if signatures.filter(batch__isnull=False).exists():
            raise Batched(str(entry))
        confirmed = signatures.confirmed().values("country").annotate(n=Count("pk")).order_by()
        counts.record({(entry.campaign_id, row["country"]): -row["n"] for row in confirmed})
        _total, by_model = signatures.delete()  # their unsent notices go with them
        withdrawn = by_model.get(Signature._meta.label, 0)
        entry.withdrawn_at = timezone.now()
        entry.withdrawn_count = withdrawn
        entry.save(update_fields=["withdrawn_at", "withdrawn_count"])
        LogEntry.objects.log_actions(
            user_id, [entry], CHANGE, change_message=f"Withdrew {withdrawn} paper signatures"
        )
    logger.info("Paper entry %s withdrawn: %d signatures", entry_id, withdrawn)
    return withdrawn
