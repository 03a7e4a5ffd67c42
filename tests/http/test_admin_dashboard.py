"""The dashboard as an organiser reads it: figures against rows made here, and CSV files."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from signatures.models import Signature
from tests.helpers import found, read_csv


def dashboard_url(campaign) -> str:
    return reverse("admin:signatures_campaign_dashboard", args=[campaign.pk])


def csv_url(campaign, table: str) -> str:
    return reverse("admin:signatures_campaign_dashboard_csv", args=[campaign.pk, table])


@pytest.fixture
def signed(campaign, make_signatures):
    """Today 3 German and 1 French confirmed; 4 Austrian confirmed ten days ago; 2 pending."""
    campaign.goal, campaign.time_zone = 40, "Europe/Berlin"
    campaign.save()
    make_signatures(3, country="DE")
    make_signatures(1, country="FR")
    old = make_signatures(4, country="AT")
    Signature.objects.filter(pk__in=[s.pk for s in old]).update(
        confirmed_at=timezone.now() - timedelta(days=10)
    )
    make_signatures(2, confirm=False, country="DE")
    return campaign


def figure(html: str, label: str) -> str:
    return found(rf"{label}<strong>([\d,]+)</strong>", html)


def test_the_organiser_reads_the_total_against_the_goal_today_and_this_week(
    client, organiser, signed
):
    client.force_login(organiser)

    html = client.get(dashboard_url(signed)).content.decode()

    assert figure(html, "Confirmed signatures") == "8"
    assert "20 % of the goal of 40" in html
    assert figure(html, "Confirmed today") == "4"
    assert figure(html, "Confirmed in the last 7 days") == "4"
    assert "Days and times in Europe/Berlin, the campaign's time zone." in html


def test_each_country_shows_its_share_of_the_confirmed_signatures(client, organiser, signed):
    client.force_login(organiser)

    html = client.get(dashboard_url(signed)).content.decode()

    assert found(r"Austria</a></td><td[^>]*>4</td><td[^>]*>([\d.]+ %)</td>", html) == "50.0 %"
    assert found(r"Germany</a></td><td[^>]*>3</td><td[^>]*>([\d.]+ %)</td>", html) == "37.5 %"


def test_the_chart_counts_confirmed_signatures_with_an_axis_and_a_figure_on_each_bar(
    client, organiser, signed
):
    client.force_login(organiser)

    html = client.get(dashboard_url(signed)).content.decode()
    chart = found(r'(?s)(<svg class="chart".*?</svg>)', html)

    assert "Confirmed signatures</text>" in chart  # the axis's label
    assert chart.count('<rect class="bar"') == 30
    today = timezone.localtime(timezone.now(), signed.zone)
    label = f"{today:%a} {today.day} {today:%b}"
    assert found(rf">{label}</text>\s*<rect[^>]*></rect>\s*<text[^>]*>(\d+)</text>", chart) == "4"
    assert "<script" not in html.split('<div id="content-main"')[1]


def test_every_table_downloads_as_csv_with_the_same_figures(client, organiser, signed):
    client.force_login(organiser)

    countries = client.get(csv_url(signed, "countries"))
    days = read_csv(b"".join(client.get(csv_url(signed, "days")).streaming_content))
    states = read_csv(b"".join(client.get(csv_url(signed, "states")).streaming_content))

    assert countries["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in countries["Content-Disposition"]
    assert read_csv(b"".join(countries.streaming_content)) == [
        ["country_code", "country", "confirmed", "share_percent"],
        ["AT", "Austria", "4", "50.0"],
        ["DE", "Germany", "3", "37.5"],
        ["FR", "France", "1", "12.5"],
    ]
    assert days[0] == ["day (Europe/Berlin)", "confirmed"]
    assert days[-1][1] == "4" and len(days) == 31
    assert ["Pending confirmation", "2"] in states


def test_a_source_that_looks_like_a_formula_is_neutralised_in_the_csv(
    client, organiser, campaign, make_signatures
):
    make_signatures(1)
    Signature.objects.update(source="=HYPERLINK(1)")
    client.force_login(organiser)

    rows = read_csv(b"".join(client.get(csv_url(campaign, "sources")).streaming_content))

    assert rows[1][0] == "'=HYPERLINK(1)"


def test_an_unknown_table_is_a_404_in_the_admins_look(client, organiser, campaign):
    client.force_login(organiser)

    response = client.get(csv_url(campaign, "everything"))

    assert response.status_code == 404
    assert b"Back to the staff home" in response.content


def test_a_moderator_downloads_the_figures_too(client, moderator, signed):
    client.force_login(moderator)

    assert client.get(csv_url(signed, "countries")).status_code == 200


def test_the_campaign_time_zone_moves_the_day_boundary(
    client, organiser, campaign, make_signatures
):
    campaign.time_zone = "Pacific/Auckland"  # 11 to 13 hours ahead of UTC
    campaign.save()
    just_after, just_before = make_signatures(2)
    now = timezone.now()
    midnight = timezone.localtime(now, campaign.zone).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    # One minute either side of Auckland's midnight: the same UTC day at some hours,
    # not at others; counted by Auckland's day, exactly one is today's at any hour.
    Signature.objects.filter(pk=just_after.pk).update(confirmed_at=midnight + timedelta(minutes=1))
    Signature.objects.filter(pk=just_before.pk).update(confirmed_at=midnight - timedelta(minutes=1))
    client.force_login(organiser)

    html = client.get(dashboard_url(campaign)).content.decode()

    assert figure(html, "Confirmed today") == "1"
    assert "Days and times in Pacific/Auckland" in html
