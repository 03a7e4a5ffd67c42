"""Hostile values in every parameter of every URL, public and staff: never a 5xx.

Every URL pattern the site routes is walked (a new one is fuzzed without
being listed here), its placeholders filled with real objects, and then
with hostile values too. Each page's own parameters (its form fields and the
query keys of its links) and the usual ones get every value of the corpus,
by GET and by POST, as a superuser.
"""

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from signatures import tokens
from signatures.handins import files as batch_files
from signatures.models import BatchFile, Invalidation, PaperEntry, Signature, Update
from signatures.paper import rows as paper_rows
from signatures.paper import services as paper_services
from tests import factories

# Raw, as they go on the wire (already percent-encoded where they need to be).
HOSTILE = [
    "%00",  # NUL
    "a%00b",
    "%ED%A0%80",  # a lone surrogate: not UTF-8
    "%FF%FE",
    "x" * 10_000,
    "%5B",  # [
    "http://%5B",
    "%25",  # %
    "%",  # a lone percent
    quote('{"a": [1, {"b": null}]}'),  # JSON
    "99999999999999999999999",  # past 64 bits
    "-1",
    "..%2F..%2Fetc%2Fpasswd",
]
SINGLE = ["%00", "%ED%A0%80"]
# Parameters every URL may be sent: the admin's list, search and return ones, ours.
COMMON = ["q", "o", "p", "e", "_changelist_filters", "_to_field", "next", "source", "language"]
FIELD = re.compile(r'<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"')
LINK = re.compile(r'href="([^"]*\?[^"]*)"')


@pytest.fixture
def site(db, campaign, make_signatures, admin_user):
    """One of everything a URL can name."""
    signature, *_rest = make_signatures(3, country="DE")
    make_signatures(1, confirm=False)
    batch = factories.batch(campaign, "DE", admin_user)
    name = batch_files.storage().save("fuzz/batch.csv", ContentFile(b"given,family\n"))
    BatchFile.objects.create(batch=batch, version=1, kind="csv", name=name, size=13, sha256="0")
    invalidation = Invalidation.objects.create(
        campaign=campaign, email_domain="example.org", created_by=admin_user
    )
    LogEntry.objects.log_actions(admin_user.pk, [signature], 2, change_message="fuzz")
    [row] = [paper_rows.check({"given_name": "Ada", "family_name": "B", "country": "DE"})[0]]
    assert row is not None
    paper_services.enter_row(campaign, row, sheet_code="", language="en", user_id=admin_user.pk)
    update = Update.objects.create(
        campaign=campaign, subjects={"en": "S"}, texts={"en": "T"}, created_by=admin_user
    )
    return {
        "paper_entry": PaperEntry.objects.get(),
        "update": update,
        "campaign": campaign,
        "signature": signature,
        "batch": batch,
        "file": BatchFile.objects.first(),
        "invalidation": invalidation,
        "user": admin_user,
    }


def walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def object_for(route: str, site: dict) -> object:
    """The object an admin route names, by the model in its path."""
    for model, key in [
        ("signatures/batch/file/", "file"),
        ("signatures/batch/campaign/", "campaign"),
        ("signatures/batch/", "batch"),
        ("signatures/campaign/", "campaign"),
        ("signatures/invalidation/", "invalidation"),
        ("signatures/signature/", "signature"),
        ("signatures/paperentry/", "paper_entry"),
        ("signatures/update/", "update"),
        ("auth/user/", "user"),
    ]:
        if model in route:
            return site[key]
    return site["signature"]


def fill(route: str, site: dict) -> str:
    """A path for ``route`` with its placeholders filled by real values."""
    campaign, signature = site["campaign"], site["signature"]
    target = object_for(route, site)
    values = {
        "slug": campaign.slug,
        "token": tokens.link_token(signature, tokens.Purpose.CONFIRM),
        "pk": getattr(target, "pk", 1),
        "id": getattr(target, "pk", 1),
        "campaign_pk": campaign.pk,
        "object_id": getattr(target, "pk", 1),
        "content_type_id": ContentType.objects.get_for_model(Signature).pk,
        "app_label": "signatures",
        "url": "nothing-here/",
        "table": "countries",
        "action": "stop",
    }
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), path)
    return "/" + path.lstrip("^").rstrip("$")


def routes() -> list[str]:
    return sorted(set(walk(get_resolver().url_patterns)))


def parameters(client: Client, path: str) -> list[str]:
    """The names the page itself offers: its form fields and its links' query keys."""
    response = client.get(path)
    names = set(COMMON)
    if "html" in response.get("Content-Type", "") and not response.streaming:
        html = response.content.decode(errors="replace")
        names |= set(FIELD.findall(html))
        for link in LINK.findall(html):
            names |= {key for key, _value in parse_qsl(urlsplit(link).query.replace("&amp;", "&"))}
    return sorted(names)


def singles(names: list[str]) -> Iterator[str]:
    """Each name alone with the worst values, so no other name's error hides it (the
    admin's list answers the first bad parameter it reads with a redirect)."""
    for name in names:
        for value in SINGLE:
            yield f"{quote(name)}={value}"


def rotations(names: list[str]) -> Iterator[str]:
    """Query strings that give every name every hostile value: name j gets value i + j."""
    for i in range(len(HOSTILE)):
        yield "&".join(
            f"{quote(name)}={HOSTILE[(i + j) % len(HOSTILE)]}" for j, name in enumerate(names)
        )
    # The same name twice, and as an array: what forms never send.
    yield "&".join(f"{quote(name)}=1&{quote(name)}=2&{quote(name)}[]=3" for name in names)


def tier(route: str) -> object:
    """Staff pages are many and slow to render: their round runs with the slow tier."""
    return pytest.param(route, marks=[pytest.mark.slow] if route.startswith("admin/") else [])


@pytest.mark.parametrize("route", [tier(route) for route in routes()])
def test_no_hostile_value_in_any_parameter_gives_a_server_error(client, site, route):
    client.force_login(site["user"])
    path = fill(route, site)
    failures = []

    def check(method: str, url: str, **extra: object) -> None:
        client.force_login(site["user"])  # a hostile logout must not end the round
        try:
            response = getattr(client, method)(url, **extra)
        except Exception as exc:  # the test client re-raises what the view raised
            failures.append(f"{method.upper()} {url[:200]}: {type(exc).__name__}: {exc}"[:400])
            return
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url[:200]}: {response.status_code}")

    names = parameters(client, path)
    for query in rotations(names):
        check("get", f"{path}?{query}")
        check("post", path, data=query, content_type="application/x-www-form-urlencoded")
    for query in singles(names):
        check("get", f"{path}?{query}")
    # The path's own placeholders, hostile too.
    for value in HOSTILE:
        hostile = re.sub(r"<(?:(?:str|path):)?(token|object_id|url)>", value, route)
        if hostile != route:
            check("get", fill(hostile, site))

    assert not failures, "\n".join(failures)
