from datetime import timedelta

from django.utils import timezone

from signatures.models import Signature
from signatures.moderation import dashboard


def test_totals_by_state(campaign, make_signatures):
    make_signatures(3)
    make_signatures(2, confirm=False)
    Signature.objects.filter(pk=make_signatures(1)[0].pk).update(state="spam")
    totals = dashboard.by_state(campaign)
    assert totals["Confirmed"] == 3
    assert totals["Pending confirmation"] == 2
    assert totals["Spam"] == 1
    assert totals["Rejected"] == 0


def test_confirmed_per_country_with_names_sorted_either_way(campaign, make_signatures):
    make_signatures(2, country="FR")
    make_signatures(3, country="DE")
    make_signatures(1, country="AT", confirm=False)
    assert dashboard.by_country(campaign, "count") == [("DE", "Germany", 3), ("FR", "France", 2)]
    assert dashboard.by_country(campaign, "name") == [("FR", "France", 2), ("DE", "Germany", 3)]


def test_signatures_per_day_become_bars_scaled_to_the_busiest_day(campaign, make_signatures):
    old = make_signatures(1)
    make_signatures(2)
    Signature.objects.filter(pk=old[0].pk).update(created_at=timezone.now() - timedelta(days=2))
    bars = dashboard.per_day(campaign)
    assert [b.count for b in bars] == [1, 0, 2]
    assert bars[2].height == dashboard.CHART_HEIGHT
    assert bars[0].height == dashboard.CHART_HEIGHT / 2


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
