"""Closing the loop in a real browser: a volunteer types a sheet with the keyboard alone,
and the public hand-ins and leaving the news pass axe-core in every language."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from signatures.handins import public, services
from signatures.mail import emails
from signatures.models import Signature
from signatures.signing.sheets import new_code
from tests import factories
from tests.browser.test_accessibility import LANGUAGES, assert_accessible
from tests.helpers import sign_in


@pytest.fixture
def handed_in(assange, organiser, run_tasks):
    """The German batch handed in, with a photo and a note in English and Arabic."""
    assange.sender_organisation, assange.sender_contact = "Free Press", "office@freepress.org"
    assange.save()
    for _ in range(3):
        factories.signature(assange, country="DE", contact_opt_in=True)
    [batch] = services.make(assange, "DE", None)
    run_tasks()  # its files
    photo = io.BytesIO()
    Image.new("RGB", (800, 600), "navy").save(photo, "JPEG")
    return public.record_hand_in(
        assange,
        country="DE",
        day=timezone.localdate(),
        place="US-Botschaft, Berlin",
        batch_ids=[batch.pk],
        notes={"en": "Handed in with a vigil.", "ar": "سُلّمت مع وقفة."},
        photo=public.clean_photo(photo.getvalue()),
        user_id=organiser.pk,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_hand_ins_and_leaving_the_news_pass_axe_in_every_language(
    site, assange, handed_in, open_page, language
):
    page = open_page()
    page.goto(f"{site}/{language}/{assange.slug}/handins/")
    assert page.locator("img").count() == 1
    assert page.locator("code").first.text_content() == handed_in.batches.get().checksum
    assert_accessible(page)

    signer = Signature.objects.filter(contact_opt_in=True).earliest("pk")
    with translation.override(language):
        stop = emails.unsubscribe_url(signer).removeprefix("https://petition.example.org")
    page.goto(site + stop)
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("button.button[type=submit]").click()
    assert_accessible(page)
    signer.refresh_from_db()
    assert signer.unsubscribed_at is not None

    page.goto(f"{site}{stop[:-6]}XXXXX/")
    assert_accessible(page, console_errors=["400"])


def test_a_volunteer_types_a_sheet_with_the_keyboard_alone(site, assange, open_page, make_staff):
    volunteer = make_staff("Volunteers")
    code = new_code()
    page = open_page()
    sign_in(page, site, volunteer)
    page.goto(site + reverse("admin:signatures_paperentry_add"))
    assert_accessible(page)

    # The cursor starts in the first empty field (the campaign and language are chosen).
    assert page.evaluate("document.activeElement.id") == "id_sheet_code"
    page.keyboard.type(code)
    page.keyboard.press("Tab")
    page.keyboard.type("Germany")  # a select takes the typed name
    page.keyboard.press("Tab")
    page.keyboard.type("Käthe")
    page.keyboard.press("Tab")
    page.keyboard.type("Kollwitz")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The next row: the cursor waits in the given name, the sheet and country stay.
    assert page.evaluate("document.activeElement.id") == "id_first_name"
    assert page.locator("#id_sheet_code").input_value() == code
    page.keyboard.type("Ernst")
    page.keyboard.press("Tab")
    page.keyboard.type("Barlach")
    page.keyboard.press("Tab")
    page.keyboard.type("ernst@example.org")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.get_by_text(f"Sheet {code}: 2 signatures entered").count() == 1
    assert_accessible(page)
    typed = Signature.objects.filter(sheet_code=code).order_by("pk")
    assert [(s.last_name, s.country.code, s.state) for s in typed] == [
        ("Kollwitz", "DE", "confirmed"),
        ("Barlach", "DE", "confirmed"),
    ]
    assert page.errors == []
