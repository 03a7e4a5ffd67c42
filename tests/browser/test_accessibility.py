"""axe-core in a real browser finds no violation on any page supporters or staff see."""

import re
from collections.abc import Sequence

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse

from signatures import tokens
from signatures.models import Signature
from signatures.signing import services
from signatures.signing.services import SignatureData
from tests.helpers import sign_in

axe = Axe()


def assert_accessible(page, console_errors: Sequence[str] = ()) -> None:
    """No axe-core violation, and no console error but those expected (a 404's status)."""
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    assert [e for e in page.errors if not any(s in e for s in console_errors)] == []
    page.errors.clear()


LANGUAGES = [code for code, _name in settings.LANGUAGES]


def signed_up(campaign, language: str = "en") -> int:
    data: SignatureData = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "country": "GB",
        "consent": True,
    }
    return services.sign(campaign, data, language=language, network="").signature_id


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_campaign_page(site, assange, open_page, width, height, language):
    page = open_page(width=width, height=height)
    page.goto(f"{site}/{language}/{assange.slug}/")
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_with_errors(site, assange, open_page, language):
    page = open_page()
    page.goto(f"{site}/{language}/{assange.slug}/")
    page.locator(".sign-form button[type=submit]").click()
    page.locator("#error-summary").wait_for()
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_typo_question_and_the_thanks_page_with_its_address(site, assange, open_page, language):
    page = open_page()  # axe-core runs as a script; the form works without one too
    page.goto(f"{site}/{language}/{assange.slug}/")
    page.locator("#id_first_name").fill("Ada")
    page.locator("#id_last_name").fill("Lovelace")
    page.locator("#id_email").fill("ada@gmial.com")
    page.locator("#id_country").select_option("GB")
    page.locator("#id_consent").check()
    page.locator(".sign-form button[type=submit]").click()
    page.locator("#email-use").wait_for()
    assert_accessible(page)

    page.locator("#email-use").check()
    page.locator(".sign-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/thanks/$"))
    assert page.locator("strong[dir=ltr]").inner_text() == "ada@gmail.com"
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_thank_you_privacy_embedded_and_missing_pages(site, assange, open_page, language):
    page = open_page()
    for path in [
        f"/{language}/{assange.slug}/thanks/",
        f"/{language}/privacy/",
        f"/{language}/{assange.slug}/embed/",
        f"/{language}/{assange.slug}/embed/thanks/",
    ]:
        page.goto(site + path)
        assert_accessible(page)
    page.goto(f"{site}/{language}/no-such-page/")
    assert_accessible(page, console_errors=["404"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirmation_and_withdrawal_pages(site, assange, open_page, language):
    signature = Signature.objects.get(pk=signed_up(assange, language))
    confirm = tokens.link_token(signature, tokens.Purpose.CONFIRM)
    withdraw = tokens.link_token(signature, tokens.Purpose.WITHDRAW)
    page = open_page()

    page.goto(f"{site}/{language}/{assange.slug}/confirm/{confirm}/")
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert Signature.objects.get().state == Signature.State.CONFIRMED
    assert_accessible(page)

    page.goto(f"{site}/{language}/{assange.slug}/withdraw/{withdraw}/")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/withdrawn/$"))
    assert_accessible(page)

    page.goto(f"{site}/{language}/{assange.slug}/confirm/{confirm}/")  # deleted: no longer works
    assert_accessible(page, console_errors=["400"])


def test_dashboard(site, make_campaign, open_page, organiser):
    campaign = make_campaign(requires_confirmation=False)
    signed_up(campaign)
    page = open_page()
    sign_in(page, site, organiser)
    page.goto(site + reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]))
    page.get_by_role("heading", name="Signatures confirmed per day").wait_for()
    assert_accessible(page)
