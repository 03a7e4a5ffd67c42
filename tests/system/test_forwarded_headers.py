"""Forwarded headers are believed only from the proxy, and never move the site."""

import http.client
import re
import urllib.parse
import urllib.request

from tests.helpers import ROOT


def raw_get(url: str, path: str, headers: dict[str, str]) -> int:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    connection.request("GET", path, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def test_a_client_at_gunicorn_cannot_move_the_site_under_a_prefix_others_then_see(
    gunicorn, campaign
):
    # The worst case: every address trusted for forwarded headers.
    site = gunicorn(workers=1, FORWARDED_ALLOW_IPS="*")
    path = campaign.get_absolute_url()

    raw_get(site, "/evil" + path, {"SCRIPT_NAME": "/evil"})
    raw_get(site, path, {"SCRIPT_NAME": "/evil", "X-Forwarded-Protocol": "ssl"})
    page = urllib.request.urlopen(site + path).read().decode()

    assert "/evil" not in page
    assert f'action="{path}"' in page or path in page


def test_the_compose_file_trusts_forwarded_headers_from_the_proxy_alone():
    compose = (ROOT / "deploy" / "compose.yml").read_text()

    [trusted] = re.findall(r"FORWARDED_ALLOW_IPS:\s*\"?([^\s\"]+)", compose)
    [proxy] = re.findall(r"ipv4_address:\s*([\d.]+)", compose)

    assert trusted == proxy
