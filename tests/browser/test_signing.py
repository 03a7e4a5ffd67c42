"""Signing in a real browser: with and without JavaScript, by keyboard, on a phone."""

import re

import pytest

from signatures.models import Signature
from tests.helpers import found


def fill_form(page, email: str = "ada@example.org") -> None:
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Country", exact=True).select_option("GB")
    page.get_by_label("I agree that my name and country are handed in").check()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_supporter_signs(site, make_campaign, open_page, javascript):
    campaign = make_campaign()
    page = open_page(javascript=javascript)
    page.goto(site + campaign.get_absolute_url())

    fill_form(page)
    page.get_by_role("button", name="Sign the petition").click()

    page.wait_for_url(re.compile(r"/thanks/$"))
    assert page.get_by_role("heading", name="Thank you for signing").is_visible()
    signature = Signature.objects.get()
    assert (signature.first_name, signature.email) == ("Ada", "ada@example.org")
    assert page.errors == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_errors_are_summarised_with_focus_and_can_be_fixed(
    site, make_campaign, open_page, javascript
):
    campaign = make_campaign()
    page = open_page(javascript=javascript)
    page.goto(site + campaign.get_absolute_url())
    page.get_by_label("E-mail address").fill("not-an-address")
    page.get_by_role("button", name="Sign the petition").click()

    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary.get_by_role("link", name=re.compile("E-mail address")).click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert page.get_by_label("E-mail address").input_value() == "not-an-address"
    assert Signature.objects.count() == 0

    fill_form(page)
    page.get_by_role("button", name="Sign the petition").click()
    page.wait_for_url(re.compile(r"/thanks/$"))
    assert Signature.objects.count() == 1
    assert page.errors == []


def test_signing_with_the_keyboard_only(site, make_campaign, open_page):
    campaign = make_campaign()
    page = open_page()
    page.goto(site + campaign.get_absolute_url())

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_first_name":
            break
    page.keyboard.type("Ada")
    page.keyboard.press("Tab")
    page.keyboard.type("Lovelace")
    page.keyboard.press("Tab")
    page.keyboard.type("ada@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("United Kingdom")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # consent
    page.keyboard.press("Tab")  # contact opt-in stays off
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "privacy notice"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Sign the petition"
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/thanks/$"))
    signature = Signature.objects.get()
    assert signature.country.code == "GB" and signature.consent and not signature.contact_opt_in


def test_confirming_from_the_email_link(site, make_campaign, open_page, run_tasks, mailoutbox):
    campaign = make_campaign()
    page = open_page()
    page.goto(site + campaign.get_absolute_url())
    fill_form(page)
    page.get_by_role("button", name="Sign the petition").click()
    page.wait_for_url(re.compile(r"/thanks/$"))
    run_tasks()

    path = found(r"https://petition\.example\.org(/\S+/confirm/\S+/)", mailoutbox[0].body)
    page.goto(site + path)
    page.get_by_role("button", name="Confirm my signature").click()

    assert page.get_by_role("heading", name="Your signature is confirmed").is_visible()
    assert Signature.objects.get().state == Signature.State.CONFIRMED
    assert page.errors == []


@pytest.mark.parametrize("width", [320, 640], ids=["320px", "200%-zoom"])
def test_the_layout_holds_on_narrow_screens(site, make_campaign, open_page, width):
    campaign = make_campaign()
    page = open_page(width=width, height=800)
    page.goto(site + campaign.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Sign the petition").last.click()
    page.locator("#error-summary").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_proof_of_work_solves_in_the_browser(site, make_campaign, open_page, settings):
    settings.ALTCHA_MAX_NUMBER = 5000
    campaign = make_campaign(proof_of_work=True)
    page = open_page()
    page.goto(site + campaign.get_absolute_url())
    fill_form(page)
    page.get_by_role("checkbox", name="I'm not a robot").click()
    page.locator("altcha-widget [data-state=verified]").wait_for(timeout=20_000)
    page.get_by_role("button", name="Sign the petition").click()

    page.wait_for_url(re.compile(r"/thanks/$"))
    assert Signature.objects.count() == 1
    assert page.errors == []


def test_the_name_inputs_stay_level_when_only_one_has_an_error(site, make_campaign, open_page):
    campaign = make_campaign()
    page = open_page(javascript=False, width=1280)
    page.goto(site + campaign.get_absolute_url())
    page.get_by_label("First name").fill("Ada")
    page.get_by_role("button", name="Sign the petition").last.click()
    page.locator("#error-summary").wait_for()

    first = page.get_by_label("First name").bounding_box()
    last = page.get_by_label("Last name").bounding_box()
    # The erroneous input has a thicker border: their bottom edges line up.
    assert abs((first["y"] + first["height"]) - (last["y"] + last["height"])) < 1
    assert page.errors == []
