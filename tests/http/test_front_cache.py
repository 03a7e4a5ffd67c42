"""The copies each process answers shareable pages from, in front of Django's request cycle."""

import gzip
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import RequestFactory

from petition_site.front_cache import FrontCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Site:
    """The real Django application behind a FrontCache, counting what reaches Django."""

    def __init__(self, seconds: float = 2.0) -> None:
        self.django = get_wsgi_application()
        self.entered = 0
        self.clock = Clock()
        self.app = FrontCache(self.counted, seconds, clock=self.clock)

    def counted(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        self.entered += 1
        return self.django(environ, start_response)

    def get(self, path: str, **headers: Any) -> tuple[str, dict[str, str], bytes]:
        environ = RequestFactory().get(path, **headers).environ
        answer: list[Any] = []

        def start_response(status: str, response_headers: list, *exc_info: Any) -> None:
            answer[:] = [status, dict(response_headers)]

        result = self.app(environ, start_response)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        return answer[0], answer[1], body


@pytest.fixture(autouse=True)
def _requests_keep_the_connection(db) -> Iterator[None]:
    # As Django's test client does: the test's transaction outlives each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def site(settings) -> Site:
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    return Site()


def test_the_campaign_page_asked_again_is_answered_without_entering_django(site):
    first = site.get("/en/assange/")
    again = site.get("/en/assange/")

    assert site.entered == 1
    assert first[0] == again[0] == "200 OK"
    assert again[2] == first[2] and b"Julian Assange" in again[2]
    headers = {k: v for k, v in again[1].items() if k != "Age"}
    assert headers == first[1]  # CSP, frame and cache headers as Django set them
    assert again[1]["Age"] == "0"
    assert "Set-Cookie" not in again[1]


def test_compressed_and_plain_copies_are_kept_apart(site):
    plain = site.get("/en/assange/")
    packed = site.get("/en/assange/", HTTP_ACCEPT_ENCODING="gzip, br")
    packed_again = site.get("/en/assange/", HTTP_ACCEPT_ENCODING="gzip")
    plain_again = site.get("/en/assange/")

    assert site.entered == 2
    assert packed_again[1]["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed_again[2]) == plain[2] == plain_again[2]
    assert "Content-Encoding" not in plain_again[1]
    assert packed[2] == packed_again[2]


def test_each_language_and_page_has_its_own_copy(site):
    english, german = site.get("/en/assange/"), site.get("/de/assange/")

    assert site.entered == 2
    assert b'lang="de"' in german[2] and b'lang="en"' in english[2]
    assert site.get("/de/assange/")[2] == german[2]
    assert site.entered == 2


def test_a_copy_lives_no_longer_than_front_cache_seconds(site):
    site.get("/en/assange/")
    site.clock.now += 1.5
    assert site.get("/en/assange/")[1]["Age"] == "1"
    site.clock.now += 0.6  # 2.1 s after it was kept
    site.get("/en/assange/")

    assert site.entered == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_AUTHORIZATION": "Basic YTpi"},
        {"HTTP_IF_NONE_MATCH": '"anything"'},
        {"HTTP_RANGE": "bytes=0-10"},
    ],
    ids=["cookie", "credentials", "conditional", "range"],
)
def test_a_personal_or_conditional_request_goes_to_django(site, headers):
    site.get("/en/assange/")
    status, _headers, _body = site.get("/en/assange/", **headers)

    assert site.entered == 2
    assert status in {"200 OK", "304 Not Modified", "206 Partial Content"}


def test_a_query_string_or_another_method_goes_to_django(site):
    site.get("/en/assange/")
    site.get("/en/assange/?source=newsletter")
    environ = RequestFactory().head("/en/assange/").environ
    site.app(environ, lambda status, headers, *exc: None)

    assert site.entered == 3


@pytest.mark.parametrize(
    "path",
    [
        "/assange/count.json",  # not HTML; and it varies on Accept-Language
        "/en/assange/confirm/not-a-token/",  # a personal link: never public
        "/admin/login/",  # sets a cookie
        "/en/no-such-campaign/",  # not a 200
    ],
)
def test_a_response_that_is_not_for_every_visitor_is_not_kept(site, path):
    site.get(path)
    site.get(path)

    assert site.entered == 2


def test_a_plain_http_request_is_not_answered_with_the_copy_a_secure_one_made(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = True
    site = Site()  # the security middleware reads the setting when the site starts
    secure = site.get("/en/assange/", secure=True)
    plain = site.get("/en/assange/")

    assert secure[0] == "200 OK"
    assert plain[0].startswith("301")


def test_a_host_django_refuses_is_never_kept(site):
    site.get("/en/assange/")
    refused = site.get("/en/assange/", HTTP_HOST="evil.example")

    assert refused[0].startswith("400")
    assert site.entered == 2


def test_with_front_cache_seconds_zero_every_request_goes_to_django(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    site = Site(seconds=0)
    site.get("/en/assange/")
    site.get("/en/assange/")

    assert site.entered == 2
