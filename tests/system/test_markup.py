"""The Nu HTML Checker (vnu-jar, bin/node-packages) on every public page in every language."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from signatures import tokens
from signatures.models import Campaign, Signature
from signatures.signing import services
from signatures.signing.services import SignatureData
from tests import factories
from tests.helpers import form_started

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
    stop = tokens.link_token(signature, tokens.Purpose.UNSUBSCRIBE)
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
        "an address that looks mistyped": client.post(
            f"{base}/", {"email": "typo.person@gmial.com", "first_name": "Ada"}
        ),
        "hand-ins": client.get(f"{base}/handins/"),
        "stop the news": client.get(f"{base}/news/stop/{stop}/"),
        "news stopped": client.post(f"{base}/news/stop/{stop}/"),
        "stop link does not work": client.get(f"{base}/news/stop/{stop}x/"),
    }
    signed_here = client.post(f"{base}/", sign_form(language), follow=True)
    pages["thanks with the address"] = signed_here
    client.cookies.clear()
    return {name: response.content for name, response in pages.items()}


def sign_form(language: str) -> dict[str, str]:
    return {
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": f"grace.{language}@example.org",
        "country": "US",
        "consent": "on",
        "started": form_started(),
    }


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


def problems_in(vnu: list[str], tmp_path: Path, pages: dict[str, bytes]) -> list[str]:
    """What the checker finds wrong in each page, named by the page."""
    files = {}
    for name, html in pages.items():
        path = tmp_path / f"{name.replace(' ', '-').replace('/', '')}.html"
        path.write_bytes(html)
        files[path.name] = name
    result = subprocess.run(
        [*vnu, *(str(tmp_path / filename) for filename in files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )

    messages = json.loads(result.stderr)["messages"]
    # Errors and warnings, language mismatches among them ("This document
    # appears to be written in ..."); "info" notes are advice, not faults.
    return [
        f"{files.get(Path(m.get('url', '')).name, m.get('url'))}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "warning"
    ]


def test_every_public_page_in_every_language_is_valid_and_speaks_its_declared_language(
    client, db, vnu, tmp_path
):
    pages = {
        f"/{language}/: {name}": html
        for language in LANGUAGES
        for name, html in public_pages(client, language).items()
    }

    problems = problems_in(vnu, tmp_path, pages)
    assert problems == [], "\n".join(problems)
    assert len(pages) == 20 * len(LANGUAGES)


def test_the_dashboard_and_the_hand_in_pages_are_valid(client, db, vnu, tmp_path, organiser):
    campaign = Campaign.objects.get(slug="assange")
    campaign.sender_organisation, campaign.sender_contact = "Free Press", "office@freepress.org"
    campaign.save()
    for language in LANGUAGES:
        services.confirm_signature(signed(language))
    batch = factories.batch(campaign, "GB", organiser)
    client.force_login(organiser)
    staff = {
        "dashboard": reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]),
        "hand-in page": reverse("admin:signatures_batch_campaign", args=[campaign.pk]),
        "batch list": reverse("admin:signatures_batch_changelist"),
        "batch page": reverse("admin:signatures_batch_change", args=[batch.pk]),
        "type in a sheet": reverse("admin:signatures_paperentry_add"),
        "upload paper signatures": reverse("admin:signatures_paperentry_upload"),
        "record a hand-in": reverse("admin:signatures_handin_add") + f"?campaign={campaign.pk}",
        "new update": reverse("admin:signatures_update_add"),
    }

    pages = {name: client.get(path).content for name, path in staff.items()}

    problems = problems_in(vnu, tmp_path, pages)
    assert problems == [], "\n".join(problems)
