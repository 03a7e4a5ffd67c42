"""Figures for the staff dashboard of one campaign, in the campaign's time zone."""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django_countries import countries

from signatures import counts
from signatures.models import Campaign, Signature, email_domain

DAYS = 30
# The chart: one row per day, the date at the start, its bar and its figure after.
CHART_WIDTH, ROW_HEIGHT, LABEL_WIDTH, BAR_SPACE, AXIS_HEIGHT = 720, 20, 110, 520, 40


@dataclass(frozen=True)
class Day:
    day: date
    count: int


@dataclass(frozen=True)
class CountryRow:
    code: str
    name: str
    count: int
    share: float  # of all confirmed signatures, in per cent


@dataclass(frozen=True)
class Row:
    day: date
    count: int
    y: float
    width: float


@dataclass(frozen=True)
class Chart:
    rows: list[Row]
    ticks: list[tuple[int, float]]  # (value, x) along the axis
    width: int
    height: int
    bar_x: int


def midnight(campaign: Campaign, now: datetime, days_ago: int = 0) -> datetime:
    """The start of the day ``days_ago`` days before ``now``'s, in the campaign's time zone."""
    local = timezone.localtime(now, campaign.zone).date() - timedelta(days=days_ago)
    return datetime.combine(local, time(), tzinfo=campaign.zone)


def _confirmed(campaign: Campaign) -> QuerySet[Signature]:
    return Signature.objects.confirmed().filter(campaign=campaign)


def figures(campaign: Campaign, tally: counts.Counts, now: datetime) -> dict[str, Any]:
    """Confirmed signatures against the goal (``tally``: the campaign's counts), today
    and in the last seven days."""
    total = tally.total
    # The seven calendar days up to today, today included.
    recent = _confirmed(campaign).aggregate(
        today=Count("pk", filter=Q(confirmed_at__gte=midnight(campaign, now))),
        week=Count("pk", filter=Q(confirmed_at__gte=midnight(campaign, now, 6))),
    )
    goal = campaign.goal
    return {
        "total": total,
        "goal": goal,
        "of_goal": min(100.0, 100 * total / goal) if goal else 0.0,
        "today": recent["today"],
        "week": recent["week"],
    }


def by_state(campaign: Campaign) -> dict[str, int]:
    rows = Signature.objects.filter(campaign=campaign).values_list("state").annotate(n=Count("pk"))
    found = dict(rows.values_list("state", "n"))
    return {str(label): found.get(value, 0) for value, label in Signature.State.choices}


def by_country(tally: counts.Counts, sort: str = "count") -> list[CountryRow]:
    """Each country's confirmed signatures and share, by count or by name."""
    total = sum(tally.by_country.values())
    rows = [
        CountryRow(code, str(countries.name(code)), n, 100 * n / total if total else 0.0)
        for code, n in tally.by_country.items()
    ]
    if sort == "name":
        return sorted(rows, key=lambda row: row.name)
    return sorted(rows, key=lambda row: (-row.count, row.name))


def by_source(campaign: Campaign) -> list[tuple[str, int, int]]:
    """(source, signed, confirmed) per source, most signatures first; "" is untagged."""
    rows = (
        Signature.objects.filter(campaign=campaign)
        .values_list("source")
        .annotate(n=Count("pk"), confirmed=Count("pk", filter=Q(state=Signature.State.CONFIRMED)))
        .order_by("-n", "source")
        .values_list("source", "n", "confirmed")
    )
    return list(rows)


def confirmed_per_day(campaign: Campaign, now: datetime, days: int = DAYS) -> list[Day]:
    """Signatures confirmed on each of the last ``days`` days (today last), counting now."""
    found = dict(
        _confirmed(campaign)
        .filter(confirmed_at__gte=midnight(campaign, now, days - 1))
        .annotate(day=TruncDate("confirmed_at", tzinfo=campaign.zone))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    first = midnight(campaign, now, days - 1).date()
    span = [first + timedelta(days=i) for i in range(days)]
    return [Day(day, found.get(day, 0)) for day in span]


def nice_step(top: int, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) for about ``ticks`` ticks up to ``top``."""
    rough = max(top / ticks, 1)
    power = 10 ** math.floor(math.log10(rough))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= rough))


def chart(days: list[Day]) -> Chart:
    step = nice_step(max((d.count for d in days), default=0))
    top = step * max(1, math.ceil(max((d.count for d in days), default=0) / step))
    scale = BAR_SPACE / top
    rows = [
        Row(d.day, d.count, AXIS_HEIGHT + i * ROW_HEIGHT, d.count * scale)
        for i, d in enumerate(days)
    ]
    ticks = [(v, LABEL_WIDTH + v * scale) for v in range(0, top + 1, step)]
    return Chart(rows, ticks, CHART_WIDTH, AXIS_HEIGHT + len(rows) * ROW_HEIGHT, LABEL_WIDTH)


def _last_hour(campaign: Campaign) -> QuerySet[Signature]:
    return Signature.objects.filter(
        campaign=campaign, created_at__gte=timezone.now() - timedelta(hours=1)
    )


def top_domains(campaign: Campaign, limit: int = 10) -> list[tuple[str, int]]:
    rows = (
        _last_hour(campaign)
        .annotate(domain=email_domain())
        .values_list("domain")
        .annotate(n=Count("pk"))
        .order_by("-n", "domain")
        .values_list("domain", "n")
    )
    return list(rows[:limit])


def top_networks(campaign: Campaign, limit: int = 10) -> list[tuple[str, int]]:
    rows = (
        _last_hour(campaign)
        .exclude(network_hash="")
        .values_list("network_hash")
        .annotate(n=Count("pk"))
        .order_by("-n", "network_hash")
        .values_list("network_hash", "n")
    )
    return list(rows[:limit])


def stats(campaign: Campaign, sort: str = "count") -> dict[str, Any]:
    now = timezone.now()
    per_day = confirmed_per_day(campaign, now)
    tally = counts.refresh(campaign)  # the counts folded once, for both tables
    return {
        "figures": figures(campaign, tally, now),
        "by_state": by_state(campaign),
        "by_country": by_country(tally, sort),
        "by_source": by_source(campaign),
        "per_day": per_day,
        "chart": chart(per_day),
        "top_domains": top_domains(campaign),
        "top_networks": top_networks(campaign),
    }


TABLES = ["countries", "days", "states", "sources"]


def table(campaign: Campaign, name: str) -> tuple[list[str], list[list[object]]]:
    """One table of the dashboard as (header, rows), for its CSV download."""
    match name:
        case "countries":
            header = ["country_code", "country", "confirmed", "share_percent"]
            return header, [
                [r.code, r.name, r.count, round(r.share, 2)]
                for r in by_country(counts.refresh(campaign))
            ]
        case "days":
            days = confirmed_per_day(campaign, timezone.now())
            return [f"day ({campaign.time_zone})", "confirmed"], [
                [d.day.isoformat(), d.count] for d in days
            ]
        case "states":
            return ["state", "signatures"], [[k, v] for k, v in by_state(campaign).items()]
        case "sources":
            rows = [[s or "(untagged)", n, c] for s, n, c in by_source(campaign)]
            return ["source", "signed", "confirmed"], rows
    raise KeyError(name)
