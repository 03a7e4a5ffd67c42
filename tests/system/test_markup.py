"""The Nu HTML Checker (vnu-jar, bin/node-packages) on every public page in every language."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from signatures import tokens
from signatures.models import Campaign, Signature
from signatures.signing import services
from signatures.signing.services import SignatureData

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    if not VNU.exists() or not shutil.which("java"):
        pytest.fail("The Nu HTML Checker needs Java and bin/node-packages")
    return ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always"]


def public_pages(client, language: str) -> dict[str, bytes]:
    """Every page a supporter can reach, as the site serves it in one language."""
    signature = Signature.objects.get(pk=signed(language))
    confirm = tokens.link_token(signature, tokens.Purpose.CONFIRM)
    withdraw = tokens.link_token(signature, tokens.Purpose.WITHDRAW)
    base = f"/{language}/assange"
    pages = {
        "campaign": client.get(f"{base}/"),
        "form with errors": client.post(f"{base}/", {"first_name": "=1"}),
        "thanks": client.get(f"{base}/thanks/"),
        "privacy": client.get(f"/{language}/privacy/"),
        "confirm": client.get(f"{base}/confirm/{confirm}/"),
        "confirmed": client.post(f"{base}/confirm/{confirm}/", follow=True),
        "withdraw": client.get(f"{base}/withdraw/{withdraw}/"),
        "withdrawn": client.post(f"{base}/withdraw/{withdraw}/", follow=True),
        "ask for a withdraw link": client.get(f"{base}/withdraw/"),
        "withdraw link sent": client.post(
            f"{base}/withdraw/", {"email": "x@example.org"}, follow=True
        ),
        "link does not work": client.get(f"{base}/confirm/not-a-token/"),
        "not found": client.get(f"/{language}/no-such-page/"),
        "embeddable form": client.get(f"{base}/embed/"),
        "embedded thanks": client.get(f"{base}/embed/thanks/"),
    }
    return {name: response.content for name, response in pages.items()}


def signed(language: str) -> int:
    data: SignatureData = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": f"ada.{language}@example.org",
        "country": "GB",
        "consent": True,
    }
    campaign = Campaign.objects.get(slug="assange")
    return services.sign(campaign, data, language=language, network="").signature_id


def test_every_public_page_in_every_language_is_valid_and_speaks_its_declared_language(
    client, db, vnu, tmp_path
):
    files = {}
    for language in LANGUAGES:
        for name, html in public_pages(client, language).items():
            path = tmp_path / f"{language}-{name.replace(' ', '-')}.html"
            path.write_bytes(html)
            files[path.as_uri()] = f"/{language}/: {name}"

    result = subprocess.run(
        [*vnu, *(str(tmp_path / Path(uri).name) for uri in files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )

    messages = json.loads(result.stderr)["messages"]
    # Errors and warnings, language mismatches among them ("This document
    # appears to be written in ..."); "info" notes are advice, not faults.
    problems = [
        f"{files.get(m.get('url', ''), m.get('url'))}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "warning"
    ]
    assert problems == []
    assert len(files) == 14 * len(LANGUAGES)
