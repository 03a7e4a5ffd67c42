"""With Redis unreachable the public site, signing and staff sign-in keep working."""

import pytest
from django.urls import reverse

from signatures import tokens
from signatures.models import Signature
from tests import factories
from tests.helpers import shown_count


@pytest.fixture
def counted(campaign):
    """Two confirmed signatures, counted while the cache was still up."""
    for _ in range(2):
        factories.signature(campaign)
    return campaign


def test_the_campaign_page_and_counts_come_from_postgresql(client, counted, cache_down):
    assert shown_count(client, counted) == 2
    count = client.get(f"/{counted.slug}/count.json")
    assert (count.status_code, count.json()["count"]) == (200, 2)
    assert client.get(f"/{counted.slug}/countries.json").json()["countries"] == {"DE": 2}


def test_a_signature_whose_limits_could_not_be_checked_is_stored_and_held(
    client, campaign, sign_data, cache_down, run_tasks, mailoutbox
):
    answer = client.post(campaign.get_absolute_url(), sign_data)

    assert answer.status_code == 302
    signature = Signature.objects.get()
    assert (signature.state, signature.hold_reason) == ("held", "unchecked")
    run_tasks()
    assert len(mailoutbox) == 1  # the signer confirms as usual; a moderator releases it
    assert shown_count(client, campaign) == 0  # never counted unchecked


def test_confirming_works_without_the_cache(client, campaign, cache_down):
    signature = factories.signature(campaign, Signature.State.PENDING)
    token = tokens.link_token(signature, tokens.Purpose.CONFIRM)
    url = reverse("signatures:confirm", args=[campaign.slug, token])

    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    signature.refresh_from_db()
    assert signature.state == "confirmed"
    assert shown_count(client, campaign) == 1


def test_staff_sign_in_works_without_the_cache_and_still_locks_out(
    client, moderator, cache_down, settings
):
    login = reverse("admin:login")
    answer = client.post(login, {"username": "moderators", "password": "pw"})
    assert answer.status_code == 302
    client.logout()

    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(login, {"username": "moderators", "password": "wrong"})
    assert client.post(login, {"username": "moderators", "password": "pw"}).status_code == 429
