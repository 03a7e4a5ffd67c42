"""The admin home: what waits, per campaign, each a link to the list already filtered."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from signatures.models import Signature
from tests import factories
from tests.helpers import found

HOME = reverse("admin:index")


def queue_links(html: str) -> dict[str, str]:
    """Each link in the "What waits" section, by its text."""
    section = found(r'(?s)(<section class="module waiting".*?</section>)', html)
    return {
        text.strip(): href.replace("&amp;", "&")
        for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', section)
    }


@pytest.fixture
def waiting(campaign):
    """Three held past a rate limit, two pending for two days, a burst from one domain."""
    for _ in range(3):
        factories.signature(campaign, Signature.State.HELD)
    old = [factories.signature(campaign, Signature.State.PENDING) for _ in range(2)]
    Signature.objects.filter(pk__in=[s.pk for s in old]).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    for i in range(12):
        factories.signature(
            campaign, Signature.State.PENDING, domain="mailinator.com", ip=f"198.51.100.{i}"
        )
    factories.signature(campaign)  # confirmed: nothing waits
    return campaign


def test_a_moderator_sees_what_waits_with_counts_and_links_to_the_filtered_list(
    client, moderator, waiting
):
    client.force_login(moderator)

    links = queue_links(client.get(HOME).content.decode())

    held = links["3 held for review: Past a rate limit"]
    assert parse_qs(urlsplit(held).query) == {
        "campaign__id__exact": [str(waiting.pk)],
        "state__exact": ["held"],
        "hold_reason__exact": ["rate_limit"],
    }
    overdue = links["2 not confirmed after a day"]
    listed = client.get(overdue).context["cl"].result_list
    assert sorted(s.pk for s in listed) == sorted(
        Signature.objects.filter(
            state="pending", created_at__lt=timezone.now() - timedelta(days=1)
        ).values_list("pk", flat=True)
    )
    burst = links["12 signatures from mailinator.com in the last hour"]
    assert len(client.get(burst).context["cl"].result_list) == 12
    assert "12 signatures from one network in the last hour" in links
    fixes = re.findall(
        r'<a href="([^"]+)">Invalidate them all…</a>', client.get(HOME).content.decode()
    )
    forms = [client.get(href.replace("&amp;", "&")).context["adminform"].form for href in fixes]
    assert [(f.initial.get("email_domain"), bool(f.initial.get("network"))) for f in forms] == [
        ("mailinator.com", False),
        (None, True),
    ]
    assert {str(f.initial["campaign"]) for f in forms} == {str(waiting.pk)}


def test_the_queue_links_the_dashboard_and_for_organisers_the_hand_in_page(
    client, moderator, organiser, waiting
):
    dashboard = reverse("admin:signatures_campaign_dashboard", args=[waiting.pk])
    batches = reverse("admin:signatures_batch_campaign", args=[waiting.pk])

    client.force_login(organiser)
    links = queue_links(client.get(HOME).content.decode())
    assert links["Dashboard"] == dashboard
    assert links["Hand-in batches"] == batches

    client.force_login(moderator)
    html = client.get(HOME).content.decode()
    assert batches not in html
    assert queue_links(html)["Dashboard"] == dashboard


def test_when_nothing_waits_the_queue_says_so(client, moderator, campaign, make_signatures):
    make_signatures(2)
    client.force_login(moderator)

    html = client.get(HOME).content.decode()

    assert "Nothing waits for review." in html


def test_common_mail_providers_are_not_a_burst(client, moderator, campaign):
    for _ in range(12):
        factories.signature(campaign, Signature.State.PENDING, domain="gmail.com")
    client.force_login(moderator)

    html = client.get(HOME).content.decode()

    assert "from gmail.com" not in html


def test_staff_who_are_not_superusers_do_not_see_the_task_tables(client, moderator, organiser):
    for user in (moderator, organiser):
        client.force_login(user)
        html = client.get(HOME).content.decode()
        assert "Task results" not in html
        assert "Tasks Database" not in html
        assert (
            client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")).status_code
            == 403
        )


def test_a_superuser_still_sees_the_task_tables(admin_client):
    assert (
        admin_client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")).status_code
        == 200
    )
