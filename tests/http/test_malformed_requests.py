"""Bodies nobody can read get the site's 400 page and one log line, on every POST endpoint."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from signatures import tokens
from signatures.models import Signature
from tests import factories

UNREADABLE = {
    "utf-16": (
        "application/x-www-form-urlencoded; charset=utf-16",
        "first_name=Ada&email=a@example.org".encode("utf-16"),
        "",
    ),
    "latin-1-bogus-cookie": (
        "application/x-www-form-urlencoded; charset=latin-1",
        "first_name=Zo\xe9".encode("latin-1"),
        "csrftoken=\xff\xfe; sessionid=%%%",
    ),
    "no-boundary": ("multipart/form-data; boundary=", b"a=b", ""),
}
# Read as UTF-8 (an unknown charset is ignored) or as the form parts they are.
ODD = {
    "unknown-charset": ("application/x-www-form-urlencoded; charset=klingon", b"a=b", ""),
    "multipart-utf-16": (
        "multipart/form-data; charset=utf-16; boundary=xx",
        b'--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--xx--',
        "",
    ),
}


def post_endpoints(campaign) -> list[str]:
    signature = factories.signature(campaign, Signature.State.PENDING)
    token = tokens.link_token(signature, tokens.Purpose.CONFIRM)
    return [
        campaign.get_absolute_url(),
        reverse("signatures:confirm", args=[campaign.slug, token]),
        reverse("admin:login"),
        "/i18n/setlang/",
    ]


@pytest.mark.parametrize("kind", UNREADABLE)
def test_an_unreadable_body_gets_400_and_one_log_line(campaign, caplog, kind):
    content_type, body, cookie = UNREADABLE[kind]
    client = Client(raise_request_exception=False)
    for url in post_endpoints(campaign):
        caplog.clear()
        with caplog.at_level(logging.INFO):
            response = client.generic(
                "POST", url, body, content_type=content_type, HTTP_COOKIE=cookie
            )

        assert response.status_code == 400, url
        assert b"Bad request" in response.content
        assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1, url


@pytest.mark.parametrize("kind", ODD)
def test_an_odd_but_readable_body_never_gets_a_server_error(campaign, kind):
    content_type, body, cookie = ODD[kind]
    client = Client(raise_request_exception=False)
    for url in post_endpoints(campaign):
        response = client.generic("POST", url, body, content_type=content_type, HTTP_COOKIE=cookie)
        assert response.status_code < 500, url
