"""Collection sheets: the petition on paper, for volunteers to gather signatures offline.

Each printed sheet carries a short code, so the names typed from it can be
traced back to it. A code is five random characters and three that check
them (a keyed hash), so a typed code is known to be one the site printed
without a row stored for every download.
"""

import hashlib
import secrets

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from weasyprint import HTML

from signatures.models import Campaign
from signatures.signing import consent

# Crockford's base 32: no I, L, O or U to misread from a handwritten copy.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ROWS = 12


def _check(serial: str) -> str:
    digest = salted_hmac("signatures.sheets", serial, algorithm="sha256").digest()
    return "".join(ALPHABET[b % 32] for b in digest[:3])


def new_code() -> str:
    """A fresh sheet code such as ``K7Q4M-ZP2``."""
    serial = "".join(secrets.choice(ALPHABET) for _ in range(5))
    return f"{serial}-{_check(serial)}"


def normalise_code(typed: str) -> str | None:
    """The code as printed, read leniently (case, spaces, O for 0, I or L for 1); None
    when it is not one the site printed."""
    cleaned = typed.strip().upper().replace(" ", "").replace("-", "")
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    if len(cleaned) != 8 or any(ch not in ALPHABET for ch in cleaned):
        return None
    serial, check = cleaned[:5], cleaned[5:]
    return f"{serial}-{check}" if secrets.compare_digest(check, _check(serial)) else None


def sheet_pdf(campaign: Campaign, language: str, code: str) -> bytes:
    """One sheet in ``language``: the petition, the privacy notice, the consent, the rows."""
    text = campaign.text(language)
    with translation.override(language):
        html = render_to_string(
            "signatures/collection_sheet.html",
            {
                "campaign": campaign,
                "language": language,
                "text": text,
                "code": code,
                "rows": range(1, ROWS + 1),
                # Addresses run left to right inside a right-to-left sentence too.
                "privacy_url": format_html(
                    '<bdi dir="ltr">{}</bdi>', settings.SITE_URL + reverse("signatures:privacy")
                ),
                "page_url": settings.SITE_URL + campaign.get_absolute_url(),
                "hand_in": consent.HAND_IN[consent.CURRENT_VERSION],
                "contact": consent.CONTACT[consent.CURRENT_VERSION],
                "rtl": translation.get_language_bidi(),
            },
        )
    identifier = hashlib.sha256(f"sheet-{code}".encode()).hexdigest()[:32].encode()
    document: bytes = HTML(string=html).write_pdf(pdf_identifier=identifier, pdf_variant="pdf/ua-1")
    return document
