"""Forged requests from other sites are refused by the browser's headers, not by a token.

Browsers say where a request comes from (``Sec-Fetch-Site``, or ``Origin`` in
older ones). Same-origin and user-initiated posts pass; a post from another
site gets 403 on every state-changing URL, the admin's included, unless it is
the signing form posted from a partner site (``PARTNER_ORIGINS``).
"""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from signatures.models import Signature
from tests.helpers import found

EVIL = "https://evil.example"
PARTNER = "https://www.amnesty.example"


@pytest.fixture
def browser() -> Client:
    """A client that is checked like a browser is (the test client is exempt by default)."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def _partner(settings) -> None:
    settings.PARTNER_ORIGINS = [PARTNER]


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Sec-Fetch-Site": "none"},  # typed or bookmarked by the person
        {"Origin": "http://testserver"},  # a browser without Fetch Metadata
        {},  # not a browser: nothing a victim's browser could be made to send
    ],
    ids=["same-origin", "user-initiated", "origin-only", "no-headers"],
)
def test_a_signature_from_the_site_s_own_page_is_taken(browser, campaign, sign_data, headers):
    response = browser.post(campaign.get_absolute_url(), sign_data, headers=headers)

    assert response.status_code == 302
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": EVIL},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://sub.testserver"},
        {"Origin": EVIL},
    ],
    ids=["cross-site", "same-site", "origin-only"],
)
def test_a_signature_forged_by_another_site_is_refused_with_an_explanation(
    browser, campaign, sign_data, headers
):
    response = browser.post(campaign.get_absolute_url(), sign_data, headers=headers)

    assert response.status_code == 403
    assert b"sent from another website" in response.content
    assert Signature.objects.count() == 0


def test_a_partner_site_may_post_the_signing_form(browser, campaign, sign_data):
    headers = {"Sec-Fetch-Site": "cross-site", "Origin": PARTNER}

    response = browser.post(campaign.get_absolute_url(), sign_data, headers=headers)

    assert response.status_code == 302
    assert Signature.objects.count() == 1


def test_a_partner_site_may_post_nothing_else(browser, make_signatures, campaign):
    headers = {"Sec-Fetch-Site": "cross-site", "Origin": PARTNER}
    for url in [
        reverse("set_language"),
        reverse("signatures:withdraw", args=[campaign.slug, "x"]),
        reverse("signatures:confirm", args=[campaign.slug, "x"]),
        reverse("admin:login"),
    ]:
        assert browser.post(url, {"language": "de"}, headers=headers).status_code == 403, url


def test_a_cross_site_post_to_an_admin_action_is_refused_even_with_the_admin_s_token(
    browser, moderator, make_signatures
):
    [signature] = make_signatures(1, confirm=False)
    browser.force_login(moderator)
    changelist = reverse("admin:signatures_signature_changelist")
    page = browser.get(changelist).content.decode()
    token = found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    action = {
        "action": "reject_signatures",
        "_selected_action": [signature.pk],
        "reason": "forged",
        "csrfmiddlewaretoken": token,
    }

    forged = browser.post(
        changelist, action, headers={"Sec-Fetch-Site": "cross-site", "Origin": EVIL}
    )
    assert forged.status_code == 403
    signature.refresh_from_db()
    assert signature.state == Signature.State.PENDING

    own = browser.post(
        changelist,
        action,
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    )
    assert own.status_code == 302
    signature.refresh_from_db()
    assert signature.state == Signature.State.REJECTED


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/add/",
        "/admin/two-factor/",
        "/admin/signatures/signature/",
    ],
)
def test_a_staff_post_without_django_s_token_is_refused_even_without_browser_headers(
    browser, admin_user, url
):
    # No token, no Origin, no Sec-Fetch-Site: an old browser or a plugin's request.
    browser.force_login(admin_user)
    response = browser.post(url, {"username": "intruder", "password1": "x", "password2": "x"})

    assert response.status_code == 403
    assert not User.objects.filter(username="intruder").exists()


def test_a_staff_post_with_django_s_token_still_works_without_browser_headers(browser, admin_user):
    browser.force_login(admin_user)
    page = browser.get("/admin/auth/user/add/").content.decode()
    token = found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    password = "a-long-staff-password-7f3k"
    response = browser.post(
        "/admin/auth/user/add/",
        {
            "username": "colleague",
            "password1": password,
            "password2": password,
            "usable_password": "true",
            "csrfmiddlewaretoken": token,
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(username="colleague").exists()
