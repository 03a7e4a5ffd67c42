import gzip
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petition_site.lib.network import network_hash
from signatures.models import Campaign, Signature
from signatures.signing import services
from signatures.signing.services import SignatureData
from tests.helpers import shown_count

SEEDED_SENTENCES = [
    "USA must drop charges against Julian Assange",
    "Authorities in the USA must drop the espionage and all other charges against Julian Assange",
    "Julian Assange is currently being held at Belmarsh, a high security prison in the UK",
    "leading journalists to self-censor from fear of prosecution.",
    "Protect the right to freedom of expression. Urge the US authorities to drop the charges",
    "United States Attorney General William P. Barr",
    "Mr. Attorney General",
    "petitions are to be handed in at US embassies in the respective countries",
    "send petitions directly to the Office of the Attorney General.",
]


def test_seeded_campaign_page_shows_the_whole_action_copy(client, db):
    response = client.get("/en/assange/")
    assert response.status_code == 200
    html = response.content.decode()
    for sentence in SEEDED_SENTENCES:
        assert sentence in html.replace("&#x27;", "'")
    campaign = Campaign.objects.get(slug="assange")
    assert campaign.requires_confirmation
    assert campaign.target == "United States Attorney General William P. Barr"


def test_home_redirects_to_the_default_campaign(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1] == ("/en/assange/", 302)


def test_unknown_campaign_is_not_found(client, db):
    assert client.get("/en/no-such-campaign/").status_code == 404


def test_campaign_page_has_the_form_with_its_public_field_names(client, campaign):
    html = client.get(campaign.get_absolute_url()).content.decode()
    for name in ["first_name", "last_name", "email", "country", "consent", "contact_opt_in"]:
        assert f'name="{name}"' in html
    assert 'autocomplete="email"' in html
    assert 'type="email"' in html
    assert '<option value="DE">Germany</option>' in html


def test_page_uses_only_local_assets(client, campaign):
    html = client.get(campaign.get_absolute_url()).content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script src="/static/js/sign.js" defer>']  # same origin, no inline code
    assert 'href="/static/css/site.css"' in html
    # Only the page's own origin: no link or source names another host (the signed form
    # token is random text, so a bare "cdn" in it proves nothing).
    links = re.findall(r'(?:src|href)="((?:https?:)?//[^"]*)"', html)
    assert [link for link in links if "//petition.example.org/" not in link] == []


def test_count_and_progress_show_confirmed_signatures_only(client, make_campaign):
    campaign = make_campaign(goal=4, requires_confirmation=False)
    for n in range(2):
        services.sign(campaign, signer(n), language="en", network=network_hash("192.0.2.1"))
    pending = make_campaign(slug="pending-only", goal=4)
    services.sign(pending, signer(9), language="en", network=network_hash("192.0.2.1"))

    assert shown_count(client, campaign) == 2
    assert b'<progress max="100" value="50">' in client.get(campaign.get_absolute_url()).content
    assert shown_count(client, pending) == 0


def signer(n: int) -> SignatureData:
    return {
        "first_name": "Signer",
        "last_name": str(n),
        "email": f"signer{n}@example.org",
        "country": "FR",
        "consent": True,
        "contact_opt_in": False,
    }


def test_closed_campaign_explains_and_refuses_signatures(client, make_campaign, sign_data):
    now = timezone.now()
    campaign = make_campaign(opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=1))
    page = client.get(campaign.get_absolute_url())
    assert b"This petition closed on" in page.content
    assert b'name="email"' not in page.content

    response = client.post(campaign.get_absolute_url(), sign_data)
    assert response.status_code == 302
    assert response["Location"] == campaign.get_absolute_url()
    assert not Signature.objects.exists()


def test_campaign_not_yet_open_refuses_signatures(client, make_campaign, sign_data):
    campaign = make_campaign(opens_at=timezone.now() + timedelta(days=1))
    assert b"opens for signatures on" in client.get(campaign.get_absolute_url()).content
    client.post(campaign.get_absolute_url(), sign_data)
    assert not Signature.objects.exists()


def test_campaign_page_runs_no_count_over_signatures(client, campaign, make_signatures, settings):
    settings.CAMPAIGN_CACHE_SECONDS = 60  # as in production: campaigns kept a moment
    make_signatures(3)
    client.get(campaign.get_absolute_url())  # first view refreshes the snapshot

    with CaptureQueriesContext(connection) as queries:
        response = client.get(campaign.get_absolute_url())

    assert b'<strong class="count">3</strong>' in response.content
    assert not any("COUNT(" in q["sql"].upper() for q in queries)
    assert not any("signatures_signature" in q["sql"] for q in queries)
    assert len(queries) == 0  # campaign, counts and page all come from caches


def test_robots_txt_opens_the_campaign_and_closes_links_from_e_mails_and_the_admin(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Allow: /" in lines
    for closed in ["/*/confirm/", "/*/withdraw/", "/admin/"]:
        assert f"Disallow: {closed}" in lines


def test_the_thanks_page_has_a_description(client, campaign):
    html = client.get(f"/en/{campaign.slug}/thanks/").content.decode()
    assert f'<meta name="description" content="Thank you for signing “{campaign.title}”.">' in html


def test_the_anonymous_campaign_page_is_the_same_for_everyone_and_any_cache_may_keep_it(
    client, campaign, settings
):
    settings.CAMPAIGN_PAGE_MAX_AGE = 30
    first = client.get(campaign.get_absolute_url())
    second = Client().get(campaign.get_absolute_url())

    assert first.cookies == {} and "Set-Cookie" not in first.headers
    assert first.content == second.content  # nothing per visitor
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert first["Cache-Control"] == (
        "public, max-age=30, stale-while-revalidate=30, stale-if-error=86400"
    )
    assert "Cookie" not in first.get("Vary", "") and "Accept-Encoding" in first["Vary"]
    assert first["ETag"] == second["ETag"]


def test_an_unchanged_campaign_page_is_answered_304(client, campaign):
    etag = client.get(campaign.get_absolute_url())["ETag"]

    again = client.get(campaign.get_absolute_url(), headers={"If-None-Match": etag})

    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"].startswith("public")


def test_the_campaign_page_is_sent_compressed_to_those_who_take_it(client, campaign):
    plain = client.get(campaign.get_absolute_url())
    packed = client.get(campaign.get_absolute_url(), headers={"Accept-Encoding": "gzip, br"})

    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert "Content-Encoding" not in plain


@pytest.mark.parametrize("path", ["/en/test-action/withdrawn/", "/en/privacy/"])
def test_other_pages_without_secrets_are_compressed_too(client, campaign, path):
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.content)


@pytest.mark.parametrize("header", ["gzip;q=0", "*;q=0", "br, gzip;q=0, *;q=0"])
def test_a_client_that_refuses_gzip_by_q_value_gets_the_page_plain(client, campaign, header):
    for path in [campaign.get_absolute_url(), reverse("signatures:privacy")]:
        response = client.get(path, headers={"Accept-Encoding": header})
        assert "Content-Encoding" not in response, path
        assert b"<html" in response.content
        assert "Accept-Encoding" in response["Vary"]


def test_no_request_header_changes_the_page_other_visitors_are_served(campaign, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    hostile = Client(
        SCRIPT_NAME="/evil",
        HTTP_HOST="other.example",
        HTTP_X_FORWARDED_HOST="evil.example",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_PREFIX="/evil",
        HTTP_FORWARDED="host=evil.example;proto=https",
        HTTP_ACCEPT_LANGUAGE="de",
        HTTP_COOKIE="django_language=ar",
    )
    poisoned = hostile.get(campaign.get_absolute_url())
    assert poisoned.status_code == 200

    seen = Client().get(campaign.get_absolute_url())

    assert b"/evil" not in seen.content and b"evil.example" not in seen.content
    assert b"other.example" not in seen.content
    assert seen.content == poisoned.content  # one page for everyone, whoever asked first
