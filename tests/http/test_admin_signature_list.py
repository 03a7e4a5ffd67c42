"""The moderator's list: what they decide on, found by domain, filtered by used countries."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from signatures.models import Signature
from tests import factories

CHANGELIST = reverse("admin:signatures_signature_changelist")


def listed(client, **query) -> list[Signature]:
    response = client.get(CHANGELIST, query)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_a_domain_is_found_with_or_without_its_at_sign(
    client, moderator, campaign, make_signatures
):
    throwaway = make_signatures(3, domain="mailinator.com")
    make_signatures(2, domain="example.org")
    make_signatures(1, domain="notmailinator.com")
    client.force_login(moderator)

    for term in ["mailinator.com", "@mailinator.com", " @MAILINATOR.com "]:
        assert sorted(s.pk for s in listed(client, q=term)) == sorted(s.pk for s in throwaway)


def test_a_name_with_a_dot_is_still_found(client, moderator, campaign):
    ada = factories.signature(campaign, first_name="J.R.", last_name="Hartley")
    client.force_login(moderator)

    assert listed(client, q="J.R.") == [ada]


def test_the_list_shows_name_domain_country_state_hold_reason_source_and_age(
    client, moderator, campaign
):
    held = factories.signature(
        campaign,
        Signature.State.HELD,
        first_name="Mickey",
        last_name="Mouse",
        domain="mailinator.com",
        source="newsletter",
    )
    Signature.objects.filter(pk=held.pk).update(created_at=timezone.now() - timedelta(hours=3))
    client.force_login(moderator)

    html = client.get(CHANGELIST).content.decode()

    for heading in ["Name", "E-mail domain", "Country", "State", "Why held", "Source", "Signed"]:
        assert f">{heading}</a>" in html or f">{heading}</span>" in html, heading
    assert "Mickey Mouse" in html
    assert '<a href="?domain=mailinator.com">mailinator.com</a>' in html
    assert "Past a rate limit" in html
    assert "newsletter" in html
    assert "3\xa0hours ago" in html


def test_the_country_filter_lists_only_countries_with_signatures(client, moderator, campaign):
    factories.signature(campaign, country="DE")
    factories.signature(campaign, country="FR", state=Signature.State.PENDING)
    client.force_login(moderator)

    response = client.get(CHANGELIST)

    [country_filter] = [f for f in response.context["cl"].filter_specs if f.title == "country"]
    assert [label for _value, label in country_filter.lookup_choices] == ["France", "Germany"]
    assert [s.country.code for s in listed(client, country__exact="FR")] == ["FR"]


def test_the_age_filter_finds_pending_signatures_over_a_day_old(client, moderator, campaign):
    old = factories.signature(campaign, Signature.State.PENDING)
    Signature.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    factories.signature(campaign, Signature.State.PENDING)
    client.force_login(moderator)

    assert listed(client, state__exact="pending", age="older") == [old]


def test_messages_count_in_the_singular_and_the_plural(client, moderator, make_signatures):
    one, *two = make_signatures(3)
    client.force_login(moderator)

    def act(signatures):
        response = client.post(
            CHANGELIST,
            {"action": "mark_spam", "_selected_action": [s.pk for s in signatures]},
            follow=True,
        )
        return [str(m) for m in response.context["messages"]]

    assert act([one]) == ["1 signature changed."]
    assert act(two) == ["2 signatures changed."]
