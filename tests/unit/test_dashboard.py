"""The dashboard's figures, against rows made in the test, in the campaign's time zone."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from signatures import counts
from signatures.models import Signature
from signatures.moderation import dashboard
from signatures.moderation.dashboard import CountryRow


def confirmed_at(signatures, when):
    Signature.objects.filter(pk__in=[s.pk for s in signatures]).update(confirmed_at=when)


def test_totals_by_state(campaign, make_signatures):
    make_signatures(3)
    make_signatures(2, confirm=False)
    Signature.objects.filter(pk=make_signatures(1)[0].pk).update(state="spam")
    totals = dashboard.by_state(campaign)
    assert totals["Confirmed"] == 3
    assert totals["Pending confirmation"] == 2
    assert totals["Spam"] == 1
    assert totals["Rejected"] == 0


def test_confirmed_per_country_with_each_share_sorted_either_way(campaign, make_signatures):
    make_signatures(1, country="FR")
    make_signatures(3, country="DE")
    make_signatures(1, country="AT", confirm=False)

    tally = counts.refresh(campaign)

    assert dashboard.by_country(tally, "count") == [
        CountryRow("DE", "Germany", 3, 75.0),
        CountryRow("FR", "France", 1, 25.0),
    ]
    assert [row.code for row in dashboard.by_country(tally, "name")] == ["FR", "DE"]


def in_zone(campaign, zone, **fields):
    for name, value in {"time_zone": zone, **fields}.items():
        setattr(campaign, name, value)
    campaign.save()
    return campaign


def test_the_goal_today_and_the_last_seven_days_count_confirmed_signatures(
    campaign, make_signatures
):
    in_zone(campaign, "Europe/Berlin", goal=20)
    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)  # 11:00 in Berlin
    today = make_signatures(3)
    confirmed_at(today, now - timedelta(hours=10, minutes=30))  # 00:30 in Berlin, today
    yesterday = make_signatures(2)
    confirmed_at(yesterday, now - timedelta(hours=11, minutes=30))  # 23:30 yesterday there
    week_ago = make_signatures(1)
    confirmed_at(week_ago, now - timedelta(days=6, hours=10))  # the first of the seven days
    older = make_signatures(4)
    confirmed_at(older, now - timedelta(days=7, hours=11))
    make_signatures(5, confirm=False)

    figures = dashboard.figures(campaign, counts.refresh(campaign), now)

    assert figures == {"total": 10, "goal": 20, "of_goal": 50.0, "today": 3, "week": 6}


def test_the_daily_figures_count_confirmations_by_the_campaigns_day_with_empty_days(
    campaign, make_signatures
):
    in_zone(campaign, "America/New_York")
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # 07:00 in New York
    late = make_signatures(2)
    confirmed_at(late, datetime(2026, 12, 6, 3, 0, tzinfo=UTC))  # 22:00 on the 5th there
    early = make_signatures(1)
    confirmed_at(early, datetime(2026, 12, 3, 15, 0, tzinfo=UTC))
    make_signatures(4, confirm=False)  # signed, not confirmed: not in the chart

    days = dashboard.confirmed_per_day(campaign, now, days=5)

    assert [(d.day.isoformat(), d.count) for d in days] == [
        ("2026-12-02", 0),
        ("2026-12-03", 1),
        ("2026-12-04", 0),
        ("2026-12-05", 2),
        ("2026-12-06", 0),
    ]


def test_the_chart_has_a_round_axis_and_bars_to_scale():
    days = [dashboard.Day(timezone.now().date(), n) for n in (0, 7, 14)]

    chart = dashboard.chart(days)

    assert [value for value, _x in chart.ticks] == [0, 5, 10, 15]
    assert chart.rows[2].width == dashboard.BAR_SPACE * 14 / 15
    assert chart.rows[1].width == chart.rows[2].width / 2
    assert chart.rows[0].width == 0


def test_suspicious_panel_ranks_domains_and_networks_of_the_last_hour(campaign, make_signatures):
    make_signatures(3, domain="bots.example", ip="198.51.100.7")
    make_signatures(1, domain="example.org", ip="203.0.113.1")
    stale = make_signatures(5, domain="old.example")
    Signature.objects.filter(pk__in=[s.pk for s in stale]).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    assert dashboard.top_domains(campaign) == [("bots.example", 3), ("example.org", 1)]
    [(top_network, n), _second] = dashboard.top_networks(campaign)
    assert n == 3
    assert Signature.objects.filter(network_hash=top_network).count() == 3
