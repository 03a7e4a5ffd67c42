"""What several tests do: read the page's count, forge a form's start time, sign staff in."""

import csv
import io
import re
import socket
import time
from pathlib import Path

from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page

from signatures.models import Campaign
from signatures.tokens import form_started_token

ROOT = Path(__file__).resolve().parent.parent


def found(pattern: str, text: str) -> str:
    """The first group of ``pattern`` in ``text``; the test fails if it is not there."""
    match = re.search(pattern, text)
    assert match is not None, f"{pattern!r} not found"
    return match[1]


def free_port() -> int:
    """A loopback port nothing listens on, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def form_started(seconds_ago: int = 60) -> str:
    """The signed start time the form carries, as if served ``seconds_ago``."""
    return form_started_token(time.time() - seconds_ago)


def shown_count(client: Client, campaign: Campaign) -> int:
    """The signature count a visitor reads on the campaign page."""
    html = client.get(campaign.get_absolute_url()).content.decode()
    found = re.search(r'<strong class="count">([\d,]+)</strong>', html)
    assert found, "no count on the page"
    return int(found[1].replace(",", ""))


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def sign_in(page: Page, site: str, user: AbstractUser) -> None:
    """Sign a staff user in through the admin's login form (their password is "pw")."""
    page.goto(site + reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
