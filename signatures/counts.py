"""Signature counts that cost nothing per page view and never become a lock.

Every change into or out of the confirmed state inserts a ``CountDelta`` row
in the same transaction. ``flush`` folds the deltas committed so far into
``CountryCount``; the page reads a cached snapshot that is refreshed by one
request every ``COUNT_REFRESH_SECONDS``. ``recount`` rebuilds the table from
the signatures themselves and reports any drift it corrected.

While the shared cache is unreachable each process refreshes its own copy
from PostgreSQL at the same pace, so the page keeps showing a count.
"""

import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.db.models import Count, F

from petition_site.lib.cache import CacheUnavailable
from signatures.models import Campaign, CountDelta, CountryCount, Signature


@dataclass(frozen=True)
class Counts:
    total: int = 0
    by_country: dict[str, int] = field(default_factory=dict)
    counted_at: float = field(default=0.0, compare=False)


def record(changes: Mapping[tuple[int, str], int]) -> None:
    """The one way a count changes: a row per (campaign, country) whose count moves.

    ``changes`` maps (campaign id, country code) to how many signatures came
    into (positive) or left (negative) the confirmed state.
    """
    CountDelta.objects.bulk_create(
        CountDelta(campaign_id=campaign_id, country=country, delta=delta)
        for (campaign_id, country), delta in changes.items()
        if delta
    )


def _apply(campaign_id: int, changes: Counter[str]) -> None:
    for country, delta in changes.items():
        if not delta:
            continue
        updated = CountryCount.objects.filter(campaign_id=campaign_id, country=country).update(
            confirmed=F("confirmed") + delta
        )
        if not updated:
            CountryCount.objects.create(campaign_id=campaign_id, country=country, confirmed=delta)


def flush(campaign_id: int) -> None:
    """Fold this campaign's committed deltas into the stored counts."""
    with transaction.atomic():
        # SKIP LOCKED lets two flushes run at once, each taking other rows.
        rows = list(
            CountDelta.objects.select_for_update(skip_locked=True)
            .filter(campaign_id=campaign_id)
            .values_list("pk", "country", "delta")
        )
        if not rows:
            return
        changes: Counter[str] = Counter()
        for _pk, country, delta in rows:
            changes[country] += delta
        _apply(campaign_id, changes)
        CountDelta.objects.filter(pk__in=[pk for pk, _c, _d in rows]).delete()


def _stored(campaign_id: int) -> Counts:
    by_country = dict(
        CountryCount.objects.filter(campaign_id=campaign_id, confirmed__gt=0)
        .order_by("-confirmed", "country")
        .values_list("country", "confirmed")
    )
    return Counts(sum(by_country.values()), by_country, time.time())


def _cache_key(campaign_id: int) -> str:
    return f"counts:{campaign_id}"


def get_counts(campaign: Campaign) -> Counts:
    """Counts at most ``COUNT_REFRESH_SECONDS`` old: one cache read per call.

    When they are older, the one caller that wins the refresh lock folds in
    the new deltas; everybody else keeps reading the snapshot meanwhile.
    """
    key = _cache_key(campaign.pk)
    fresh = settings.COUNT_REFRESH_SECONDS
    try:
        counts: Counts | None = cache.get(key)
        if counts is not None and time.time() - counts.counted_at < fresh:
            return counts
        if cache.add(f"{key}:refreshing", True, fresh):
            return refresh(campaign)
    except CacheUnavailable:
        return _local_counts(campaign)
    return counts if counts is not None else _stored(campaign.pk)


def shown_total(campaign: Campaign) -> int:
    """The total public pages show: this process reads it at most every ``PAGE_COUNT_SECONDS``.

    Those pages are cached for ``CAMPAIGN_PAGE_MAX_AGE`` anyway; a read per
    request would cost the page more than everything else it does.
    """
    local = caches["local"]
    key = f"shown-total:{campaign.pk}"
    total: int | None = local.get(key)
    if total is None:
        total = get_counts(campaign).total
        local.set(key, total, settings.PAGE_COUNT_SECONDS)
    return total


def _local_counts(campaign: Campaign) -> Counts:
    local = caches["local"]
    key = _cache_key(campaign.pk)
    counts: Counts | None = local.get(key)
    if counts is None:
        flush(campaign.pk)
        counts = _stored(campaign.pk)
        local.set(key, counts, settings.COUNT_REFRESH_SECONDS)
    return counts


def refresh(campaign: Campaign) -> Counts:
    """Flush now and publish the result (after staff changes)."""
    flush(campaign.pk)
    counts = _stored(campaign.pk)
    try:
        cache.set(_cache_key(campaign.pk), counts, None)
    except CacheUnavailable:
        caches["local"].set(_cache_key(campaign.pk), counts, settings.COUNT_REFRESH_SECONDS)
    return counts


def recount(campaign: Campaign) -> dict[str, tuple[int, int]]:
    """Rebuild the stored counts from the signatures; return {country: (was, now)}.

    Runs in one snapshot, so a confirmation committed meanwhile is neither
    counted from the rows nor flushed from its delta here: the next flush
    adds it. A concurrent flush makes PostgreSQL refuse the snapshot; retry.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        flush(campaign.pk)
        actual = dict(
            Signature.objects.confirmed()
            .filter(campaign=campaign)
            .values_list("country")
            .annotate(n=Count("pk"))
            .values_list("country", "n")
        )
        stored = dict(
            CountryCount.objects.select_for_update()
            .filter(campaign=campaign)
            .values_list("country", "confirmed")
        )
        drift = {
            cc: (stored.get(cc, 0), actual.get(cc, 0))
            for cc in stored.keys() | actual.keys()
            if stored.get(cc, 0) != actual.get(cc, 0)
        }
        _apply(campaign.pk, Counter({cc: now - was for cc, (was, now) in drift.items()}))
    refresh(campaign)
    return drift
