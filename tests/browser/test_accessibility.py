"""axe-core in a real browser finds no violation on any page supporters or staff see."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from signatures import services, tokens
from signatures.models import Signature
from tests.helpers import sign_in

axe = Axe()


def assert_accessible(page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.errors == []


def signed_up(campaign) -> int:
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "country": "GB",
        "consent": True,
    }
    return services.sign(campaign, data, language="en", ip="").signature_id


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
def test_campaign_page(site, make_campaign, open_page, width, height, language):
    campaign = make_campaign()
    page = open_page(width=width, height=height)
    page.goto(f"{site}/{language}/{campaign.slug}/")
    assert_accessible(page)


def test_form_with_errors(site, make_campaign, open_page):
    campaign = make_campaign()
    page = open_page()
    page.goto(site + campaign.get_absolute_url())
    page.get_by_role("button", name="Sign the petition").last.click()
    page.locator("#error-summary").wait_for()
    assert_accessible(page)


def test_thank_you_and_privacy_pages(site, make_campaign, open_page):
    campaign = make_campaign()
    page = open_page()
    for path in [f"/en/{campaign.slug}/thanks/", "/en/privacy/"]:
        page.goto(site + path)
        assert_accessible(page)


def test_confirmation_and_withdrawal_pages(site, make_campaign, open_page):
    campaign = make_campaign()
    signature = Signature.objects.get(pk=signed_up(campaign))
    confirm = tokens.link_token(signature, tokens.Purpose.CONFIRM)
    withdraw = tokens.link_token(signature, tokens.Purpose.WITHDRAW)
    page = open_page()

    page.goto(f"{site}/en/{campaign.slug}/confirm/{confirm}/")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my signature").click()
    page.get_by_role("heading", name="Your signature is confirmed").wait_for()
    assert_accessible(page)

    page.goto(f"{site}/en/{campaign.slug}/withdraw/{withdraw}/")
    assert_accessible(page)
    page.get_by_role("button", name="Delete my signature").click()
    page.wait_for_url(re.compile(r"/withdrawn/$"))
    assert_accessible(page)


def test_dashboard(site, make_campaign, open_page, organiser):
    campaign = make_campaign(requires_confirmation=False)
    signed_up(campaign)
    page = open_page()
    sign_in(page, site, organiser)
    page.goto(site + reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]))
    page.get_by_role("heading", name="Signatures per day").wait_for()
    assert_accessible(page)
