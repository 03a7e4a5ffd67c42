"""Figures for the staff dashboard of one campaign."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Substr, TruncDate
from django.utils import timezone
from django_countries import countries

from signatures import counts
from signatures.models import Campaign, Signature

CHART_WIDTH, CHART_HEIGHT = 720, 200


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float


def by_state(campaign: Campaign) -> dict[str, int]:
    rows = Signature.objects.filter(campaign=campaign).values_list("state").annotate(n=Count("pk"))
    found = dict(rows.values_list("state", "n"))
    return {str(label): found.get(value, 0) for value, label in Signature.State.choices}


def by_country(campaign: Campaign, sort: str) -> list[tuple[str, str, int]]:
    tally = counts.refresh(campaign)
    rows = [(code, countries.name(code), n) for code, n in tally.by_country.items()]
    if sort == "name":
        return sorted(rows, key=lambda row: row[1])
    return sorted(rows, key=lambda row: (-row[2], row[1]))


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


def per_day(campaign: Campaign, days: int = 60) -> list[Bar]:
    since = timezone.now() - timedelta(days=days)
    found = dict(
        Signature.objects.filter(campaign=campaign, created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    if not found:
        return []
    first, last = min(found), timezone.now().date()
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    top = max(found.values())
    width = CHART_WIDTH / len(span)
    bars = []
    for i, day in enumerate(span):
        n = found.get(day, 0)
        height = CHART_HEIGHT * n / top
        bars.append(Bar(day, n, i * width, CHART_HEIGHT - height, max(width - 1, 1), height))
    return bars


def _last_hour(campaign: Campaign) -> QuerySet[Signature]:
    return Signature.objects.filter(
        campaign=campaign, created_at__gte=timezone.now() - timedelta(hours=1)
    )


def top_domains(campaign: Campaign, limit: int = 10) -> list[tuple[str, int]]:
    domain = Substr("email_canonical", StrIndex("email_canonical", Value("@")) + 1)
    rows = (
        _last_hour(campaign)
        .annotate(domain=domain)
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
    return {
        "by_state": by_state(campaign),
        "by_country": by_country(campaign, sort),
        "by_source": by_source(campaign),
        "per_day": per_day(campaign),
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "top_domains": top_domains(campaign),
        "top_networks": top_networks(campaign),
    }
