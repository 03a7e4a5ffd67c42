"""Partner sites embed the form or post it from their own pages; each signature keeps its source."""

import pytest
from django.test import Client
from django.urls import reverse

from signatures.models import Signature
from tests.http.test_headers import parse_csp

PARTNER = "https://www.amnesty.example"
FROM_PARTNER = {"Sec-Fetch-Site": "cross-site", "Origin": PARTNER}


@pytest.fixture(autouse=True)
def _partners(settings) -> None:
    settings.PARTNER_ORIGINS = [PARTNER]
    settings.SOURCE_TAGS = ["newsletter"]


@pytest.fixture
def browser() -> Client:
    return Client(enforce_csrf_checks=True)


def partner_form(sign_data: dict[str, str]) -> dict[str, str]:
    """What a partner's plain HTML form sends: the public field names, no start token."""
    return {name: value for name, value in sign_data.items() if name != "started"}


def test_the_embeddable_form_may_be_framed_by_partners_and_nothing_else_by_anyone(client, campaign):
    embed = client.get(reverse("signatures:embed", args=[campaign.slug]))
    assert parse_csp(embed["Content-Security-Policy"])["frame-ancestors"] == PARTNER
    assert "X-Frame-Options" not in embed
    assert 'action="/en/test-action/embed/"' in embed.content.decode()

    for url in [
        campaign.get_absolute_url(),
        reverse("signatures:thanks", args=[campaign.slug]),
        reverse("signatures:privacy"),
    ]:
        page = client.get(url)
        assert parse_csp(page["Content-Security-Policy"])["frame-ancestors"] == "'none'"
        assert page["X-Frame-Options"] == "DENY"


def test_without_partners_the_embeddable_form_may_be_framed_by_no_one(client, campaign, settings):
    settings.PARTNER_ORIGINS = []
    embed = client.get(reverse("signatures:embed", args=[campaign.slug]))
    assert parse_csp(embed["Content-Security-Policy"])["frame-ancestors"] == "'none'"


def test_signing_in_the_frame_stays_in_the_frame_and_records_the_link_s_tag(
    browser, campaign, sign_data
):
    url = reverse("signatures:embed", args=[campaign.slug])
    page = browser.get(url + "?source=newsletter").content.decode()
    assert 'name="source" value="newsletter"' in page

    response = browser.post(
        url, sign_data | {"source": "newsletter"}, headers={"Sec-Fetch-Site": "same-origin"}
    )

    assert response["Location"] == reverse("signatures:embed_thanks", args=[campaign.slug])
    assert Signature.objects.get().source == "newsletter"
    thanks = browser.get(response["Location"])
    assert parse_csp(thanks["Content-Security-Policy"])["frame-ancestors"] == PARTNER


@pytest.mark.parametrize("started", [None, ""], ids=["no start token", "an empty one"])
def test_a_partner_s_own_form_signs_records_the_partner_and_is_held_as_unchecked(
    browser, campaign, sign_data, started
):
    # Its form could not be timed or its token spent: a moderator looks before it counts.
    data = partner_form(sign_data) | ({} if started is None else {"started": started})
    response = browser.post(campaign.get_absolute_url(), data, headers=FROM_PARTNER)

    assert response.status_code == 302
    assert response["Location"] == reverse("signatures:thanks", args=[campaign.slug])
    signature = Signature.objects.get()
    assert (signature.source, signature.state, signature.hold_reason) == (
        PARTNER,
        "held",
        "unchecked",
    )


def test_a_partner_may_send_its_signers_back_to_its_own_page(browser, campaign, sign_data):
    back = PARTNER + "/assange/danke"
    response = browser.post(
        campaign.get_absolute_url(), partner_form(sign_data) | {"next": back}, headers=FROM_PARTNER
    )
    assert response["Location"] == back


def test_nobody_else_can_use_the_site_to_redirect(browser, campaign, sign_data):
    response = browser.post(
        campaign.get_absolute_url(),
        sign_data | {"next": "https://evil.example/phish"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response["Location"] == reverse("signatures:thanks", args=[campaign.slug])


def test_a_partner_s_next_that_is_no_address_still_signs_and_thanks(browser, campaign, sign_data):
    response = browser.post(
        campaign.get_absolute_url(),
        partner_form(sign_data) | {"next": "http://["},
        headers=FROM_PARTNER,
    )
    assert response["Location"] == reverse("signatures:thanks", args=[campaign.slug])
    assert Signature.objects.get().email == "Ada.Lovelace@example.org"


def test_a_tag_that_is_not_on_the_list_is_not_recorded(client, campaign, sign_data):
    page = client.get(campaign.get_absolute_url() + "?source=<b>spam</b>").content.decode()
    assert '<input type="hidden" name="source" id="id_source">' in page
    assert "spam" not in page
    client.post(campaign.get_absolute_url(), sign_data | {"source": "free text"})
    assert Signature.objects.get().source == ""


def test_a_partner_s_form_with_mistakes_shows_them_on_the_site_with_the_answers_kept(
    browser, campaign, sign_data
):
    response = browser.post(
        campaign.get_absolute_url(),
        partner_form(sign_data) | {"email": "not-an-address"},
        headers=FROM_PARTNER,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'value="Ada"' in html
    assert Signature.objects.count() == 0


def test_the_dashboard_and_the_admin_filter_count_signatures_per_source(
    client, organiser, campaign, make_signatures
):
    make_signatures(2, source="newsletter")
    make_signatures(1, source=PARTNER)
    make_signatures(1)
    client.force_login(organiser)

    dashboard = client.get(reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]))
    assert dashboard.context["stats"]["by_source"] == [
        ("newsletter", 2, 2),
        ("", 1, 1),
        (PARTNER, 1, 1),
    ]
    listed = client.get(reverse("admin:signatures_signature_changelist"), {"source": "newsletter"})
    assert len(listed.context["cl"].result_list) == 2
    untagged = client.get(reverse("admin:signatures_signature_changelist"), {"source": "-"})
    assert len(untagged.context["cl"].result_list) == 1
