import io
import re
import time

import pytest
from django.utils import translation
from pypdf import PdfReader

from signatures.handins import batches
from signatures.models import Campaign, CampaignTranslation, Signature
from tests import factories
from tests.helpers import found


@pytest.mark.parametrize(
    ("prefix", "lang", "button", "country"),
    [
        ("/en", "en", "Sign the petition", "Germany"),
        ("/de", "de", "Petition unterschreiben", "Deutschland"),
        ("/fr", "fr", "Signer la pétition", "Allemagne"),
        ("/es", "es", "Firmar la petición", "Alemania"),
        ("/ar", "ar", "وقّع العريضة", "ألمانيا"),
    ],
)
def test_the_campaign_page_reads_in_each_language(client, db, prefix, lang, button, country):
    html = client.get(f"{prefix}/assange/").content.decode()
    assert f'<html lang="{lang}" dir=' in html
    assert button in html
    assert f'<option value="DE">{country}</option>' in html
    assert f'action="{prefix}/assange/"' in html


def test_the_browser_preference_picks_the_language(client, db):
    response = client.get("/assange/", HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9, en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/fr/assange/"


def test_the_switcher_works_without_javascript(client, db):
    page = client.get("/en/assange/").content.decode()
    assert 'name="language" value="de"' in page
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/en/assange/"})
    assert response.status_code == 302
    assert response["Location"] == "/de/assange/"


def test_campaign_texts_follow_the_language_and_fall_back_per_field(client, campaign):
    CampaignTranslation.objects.create(
        campaign=campaign,
        language="de",
        title="Pressefreiheit",
        petition_text="Anklage fallen lassen.",
    )
    html = client.get(f"/de/{campaign.slug}/").content.decode()
    assert "Pressefreiheit" in html
    assert "Anklage fallen lassen." in html
    assert campaign.lead in html  # not translated: the original shows
    assert "Pressefreiheit" not in client.get(f"/fr/{campaign.slug}/").content.decode()


def test_signing_in_another_language_keeps_the_mail_and_pdf_in_the_addressees_language(
    client, make_campaign, sign_data, run_tasks, mailoutbox
):
    campaign = make_campaign(requires_confirmation=False)
    CampaignTranslation.objects.create(
        campaign=campaign,
        language="de",
        title="Pressefreiheit",
        petition_text="Anklage fallen lassen.",
    )
    client.post(f"/de/{campaign.slug}/", sign_data)
    batch = factories.batch(campaign, "GB", None)

    with translation.override("de"):
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(batches.pdf(batch))).pages)
    assert campaign.title in text and campaign.petition_text in text
    assert "Pressefreiheit" not in text and "United Kingdom" in text


def test_share_tags_and_canonical_url(client, db):
    html = client.get("/de/assange/").content.decode()
    assert '<link rel="canonical" href="https://petition.example.org/de/assange/">' in html
    title = "Die USA müssen die Anklage gegen Julian Assange fallen lassen"
    assert f'<meta property="og:title" content="{title}">' in html
    assert 'content="https://petition.example.org/de/assange/share.png"' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_the_switcher_names_each_language_in_itself(client, db):
    html = client.get("/de/assange/").content.decode()
    for code, name in [
        ("en", "English"),
        ("de", "Deutsch"),
        ("fr", "Français"),
        ("es", "Español"),
        ("ar", "العربيّة"),
    ]:
        assert f'value="{code}" lang="{code}"' in html
        assert f">{name}</button>" in html


def test_an_edited_translation_shows_without_touching_its_campaign(client, campaign, settings):
    settings.CAMPAIGN_CACHE_SECONDS = 0.5
    translation = CampaignTranslation.objects.create(
        campaign=campaign, language="de", title="Pressefreiheit"
    )
    assert "Pressefreiheit" in client.get(f"/de/{campaign.slug}/").content.decode()
    version = Campaign.objects.get(pk=campaign.pk).updated_at

    translation.title = "Freiheit der Presse"
    translation.save()
    time.sleep(0.6)  # the campaign and its translations are kept that long

    assert "Freiheit der Presse" in client.get(f"/de/{campaign.slug}/").content.decode()
    assert Campaign.objects.get(pk=campaign.pk).updated_at == version


def test_a_signer_is_written_to_in_the_language_they_signed_in(
    client, campaign, sign_data, run_tasks, mailoutbox, settings
):
    settings.DEFAULT_FROM_NAME = "Amnesty International"
    settings.DEFAULT_FROM_EMAIL = "petition@amnesty.example"
    settings.REPLY_TO_EMAIL = "supporters@amnesty.example"
    CampaignTranslation.objects.create(campaign=campaign, language="de", title="Pressefreiheit")
    client.post(f"/de/{campaign.slug}/", sign_data)
    run_tasks()

    [mail] = mailoutbox
    assert mail.subject == "Bitte bestätige deine Unterschrift: Pressefreiheit"
    assert f"https://petition.example.org/de/{campaign.slug}/confirm/" in mail.body
    assert "Vereinigtes Königreich" in mail.body  # the country, in German too
    html = mail.alternatives[0].content
    assert '<html lang="de" dir="ltr">' in html
    assert mail.from_email == "Amnesty International <petition@amnesty.example>"
    assert mail.reply_to == ["supporters@amnesty.example"]
    assert mail.extra_headers["Message-ID"].endswith("@amnesty.example>")

    signature = Signature.objects.get()
    link = found(r"https://petition\.example\.org(/de/\S+/confirm/\S+/)", mail.body)
    page = client.get(link).content.decode()
    assert '<html lang="de"' in page and "Bestätige deine Unterschrift" in page
    assert signature.language == "de"


def test_an_arabic_signer_is_written_to_in_arabic_right_to_left(
    client, db, sign_data, run_tasks, mailoutbox
):
    client.post("/ar/assange/", sign_data)
    run_tasks()

    [mail] = mailoutbox
    assert (
        mail.subject
        == "يُرجى تأكيد توقيعك: على الولايات المتحدة إسقاط التهم الموجهة إلى جوليان أسانج"
    )
    assert "https://petition.example.org/ar/assange/confirm/" in mail.body
    assert "المملكة المتحدة" in mail.body
    assert '<html lang="ar" dir="rtl">' in mail.alternatives[0].content
    assert Signature.objects.get().language == "ar"


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("de", "ltr"), ("en", "ltr")])
def test_pages_run_in_their_language_s_direction_and_addresses_always_left_to_right(
    client, db, language, direction
):
    for path in ["assange/", "privacy/", "assange/thanks/"]:
        html = client.get(f"/{language}/{path}").content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in html
    form = client.get(f"/{language}/assange/").content.decode()
    assert re.search(r'<input type="email" name="email"[^>]* dir="ltr"', form)
    assert re.search(r'<input type="text" name="first_name"[^>]* dir="auto"', form)


def test_text_that_falls_back_to_the_original_is_marked_with_its_language(client, campaign):
    CampaignTranslation.objects.create(campaign=campaign, language="de", title="Pressefreiheit")

    html = client.get(f"/de/{campaign.slug}/").content.decode()

    assert "<h1>Pressefreiheit</h1>" in html  # translated: the page's own language
    assert f'<p class="lead" lang="en">{campaign.lead}</p>' in html
    assert f'<p lang="en">{campaign.petition_text}</p>' in html
    assert f'<p><span lang="en">{campaign.salutation}</span>,</p>' in html
    assert f'<span lang="en">{campaign.target}</span>' in html
    english = client.get(f"/en/{campaign.slug}/").content.decode()
    assert 'lang="en">' not in english.split("<body>")[1]  # the original on its own page


@pytest.mark.parametrize(
    ("language", "headline", "target", "salutation"),
    [
        (
            "de",
            "Die USA müssen",
            "Justizminister der Vereinigten Staaten",
            "Sehr geehrter Herr Justizminister,",
        ),
        (
            "fr",
            "Les États-Unis doivent",
            "procureur général des États-Unis",
            "Monsieur le Procureur général,",
        ),
        (
            "es",
            "EE. UU. debe retirar",
            "fiscal general de los Estados Unidos",
            "Señor fiscal general:",
        ),
        (
            "ar",
            "على الولايات المتحدة",
            "المدعي العام للولايات المتحدة",
            "السيد المدعي العام المحترم،",
        ),
    ],
)
def test_the_seeded_action_reads_wholly_in_each_language_with_the_english_kept_as_source(
    client, db, language, headline, target, salutation
):
    html = client.get(f"/{language}/assange/").content.decode()

    body = html.split("<article")[1]
    assert f"<h1>{headline}" in body
    assert target in body and salutation in body
    assert 'lang="en"' not in body  # nothing falls back to the English
    campaign = Campaign.objects.get(slug="assange")
    assert campaign.title == "USA must drop charges against Julian Assange"
    assert campaign.translations.get(language=language).petition_text in body
