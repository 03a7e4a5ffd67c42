"""Response headers a strict scanner checks, and limits on what a request may carry."""

import pytest

STRICT_CSP = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}


def parse_csp(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("path", ["/en/test-action/", "/en/test-action/thanks/", "/en/privacy/"])
def test_pages_send_a_strict_policy(client, campaign, path):
    response = client.get(path, secure=True)
    csp = parse_csp(response["Content-Security-Policy"])
    assert csp == STRICT_CSP
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_pages_have_no_inline_script_or_style(client, campaign):
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html


def test_the_admin_s_cookies_are_secure_and_http_only(client, db, settings):
    response = client.get(f"/{settings.ADMIN_URL}login/", secure=True)
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_plain_http_is_redirected_when_ssl_redirect_is_on(client, campaign, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(campaign.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_a_huge_body_is_refused_without_a_server_error(client, campaign, sign_data):
    response = client.post(campaign.get_absolute_url(), sign_data | {"first_name": "A" * 300_000})
    assert response.status_code == 400


def assert_protected(response) -> None:
    assert parse_csp(response["Content-Security-Policy"])["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_health_check_carries_the_security_headers(client, db):
    assert_protected(client.get("/healthz"))


def test_a_400_for_an_unreadable_body_carries_the_security_headers(client, campaign):
    response = client.post(
        campaign.get_absolute_url(),
        b"--x\r\nbroken",
        content_type="multipart/form-data",  # no boundary: the body cannot be read
    )
    assert response.status_code == 400
    assert_protected(response)


def test_a_400_for_a_host_we_do_not_serve_carries_the_security_headers(client, campaign):
    response = client.get(campaign.get_absolute_url(), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert_protected(response)
