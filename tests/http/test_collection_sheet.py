"""The collection sheet: the petition on paper in each language, each with a code of its own."""

import shutil
import subprocess
import unicodedata

import pytest
from django.conf import settings
from django.utils import translation

from signatures.models import Campaign
from signatures.signing import consent, sheets
from tests.helpers import found

LANGUAGES = [code for code, _name in settings.LANGUAGES]


BIDI_CONTROLS = dict.fromkeys(range(0x202A, 0x202F))


def text_of(pdf: bytes) -> str:
    """What a reader gets from the PDF: pdftotext (poppler-utils, bin/system-packages),
    without the direction marks it adds around right-to-left runs."""
    assert shutil.which("pdftotext"), "pdftotext is missing: run bin/system-packages"
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    text = unicodedata.normalize("NFKC", done.stdout.decode()).translate(BIDI_CONTROLS)
    return " ".join(text.split())


def share_of_words_found(expected: str, text: str) -> float:
    """How many of ``expected``'s words of four letters or more ``text`` holds.

    Arabic comes back from a PDF with some letter pairs in another order
    (lam-alef, alef maksura), so a few of its words never match exactly.
    """
    words = {w.strip(".,:;!?«»“”\"'()") for w in str(expected).split()}
    words = {w for w in words if len(w) >= 4}
    return sum(w in text for w in words) / len(words)


@pytest.fixture
def assange(db) -> Campaign:
    return Campaign.objects.get(slug="assange")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sheet_reads_back_in_its_language_with_petition_privacy_consent_and_rows(
    client, assange, language
):
    response = client.get(f"/{language}/assange/sheet.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    petition = assange.text(language)
    assert share_of_words_found(petition.petition_text, text) > 0.8
    assert share_of_words_found(petition.target, text) > 0.6
    assert f"{settings.SITE_URL}/{language}/privacy" in text
    with translation.override(language):
        assert share_of_words_found(str(consent.HAND_IN[consent.CURRENT_VERSION]), text) > 0.8
        headings = ["Given name", "Family name", "Country or town", "Keep me informed", "Signature"]
        assert share_of_words_found(" ".join(map(translation.gettext, headings)), text) > 0.6
    code = found(r"([0-9A-Z]{5}-[0-9A-Z]{3})", text)
    assert sheets.normalise_code(code) == code
    assert "12" in text.split()  # the numbered rows


def test_each_download_carries_a_code_of_its_own(client, assange):
    first = client.get("/en/assange/sheet.pdf")
    second = client.get("/en/assange/sheet.pdf")

    codes = {found(r"sheet-(\w{5}-\w{3})\.pdf", r["Content-Disposition"]) for r in (first, second)}
    assert len(codes) == 2


def test_a_typed_code_is_read_leniently_and_a_made_up_one_is_refused():
    code = sheets.new_code()
    typed = " " + code.lower().replace("0", "o").replace("1", "l") + " "

    assert sheets.normalise_code(typed) == code
    assert sheets.normalise_code(code[:5] + "-" + ("AAA" if code[6:] != "AAA" else "BBB")) is None
    assert sheets.normalise_code("too-short") is None


def test_the_campaign_page_links_the_sheet_in_its_language(client, assange):
    html = client.get("/de/assange/").content.decode()

    assert '<a href="/de/assange/sheet.pdf">' in html


def test_sheets_are_limited_per_network(client, assange, settings, monkeypatch):
    settings.RATELIMIT_ENABLE = True
    monkeypatch.setattr("signatures.signing.abuse.SHEETS_PER_HOUR", "2/h")

    statuses = [client.get("/en/assange/sheet.pdf").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_search_engines_are_asked_not_to_fetch_sheets(client, db):
    assert "Disallow: /*/sheet.pdf" in client.get("/robots.txt").content.decode()
