import os
import re
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.core import signing
from django.core.cache import cache, caches
from django.core.management import call_command
from django.utils import timezone, translation

from petition_site.mail import kept_connection
from signatures import campaign_copy, roles
from signatures.models import Campaign
from signatures.tokens import FILL_SALT


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> None:
    """Put back what the data migrations seed.

    Transactional tests empty every table when they finish, and --reuse-db
    keeps that empty database for the next run.
    """
    with django_db_blocker.unblock():
        campaign_copy.seed(apps)
        roles.sync(apps)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings) -> None:
    # The manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    cache.clear()
    caches["local"].clear()
    # Tests change campaigns and look at once; the site may show them 2 s late.
    settings.CAMPAIGN_CACHE_SECONDS = 0
    yield
    kept_connection.close()


@pytest.fixture(autouse=True)
def _english() -> None:
    # A request in another language leaves it active in the test's thread.
    translation.activate("en")


@pytest.fixture
def make_campaign(db) -> Callable[..., Campaign]:
    def make(**fields) -> Campaign:
        defaults = {
            "slug": "test-action",
            "title": "Free the press",
            "lead": "A lead paragraph.",
            "body": "First paragraph.\n\nSecond paragraph.",
            "call_to_action": "Sign now.",
            "petition_text": "Drop the charges.",
            "target": "The Attorney General",
            "salutation": "Dear Attorney General",
            "hand_in_note": "Handed in at embassies.",
            "goal": 1000,
            "opens_at": timezone.now() - timedelta(days=1),
        }
        return Campaign.objects.create(**(defaults | fields))

    return make


@pytest.fixture
def campaign(make_campaign) -> Campaign:
    return make_campaign()


def form_started(seconds_ago: int = 60) -> str:
    """The signed start time the form carries, as if served ``seconds_ago``."""
    return signing.dumps(int(time.time()) - seconds_ago, salt=FILL_SALT)


@pytest.fixture
def sign_data() -> dict[str, str]:
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "Ada.Lovelace@Example.org",
        "country": "GB",
        "consent": "on",
        "started": form_started(),
    }


@pytest.fixture
def run_tasks(monkeypatch) -> Callable[[], None]:
    """Run every task that is due, with the real `manage.py db_worker --batch`."""
    # The worker recycles connections between tasks, which would close the
    # connection holding the test's transaction.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


@pytest.fixture
def make_staff(db) -> Callable[[str], AbstractUser]:
    """A staff user in one of the role groups the migrations create."""
    from django.contrib.auth.models import Group, User

    def make(group: str) -> AbstractUser:
        roles.sync(apps)  # a transactional test before this one emptied the tables
        user = User.objects.create_user(group.lower(), f"{group.lower()}@example.org", "pw")
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def moderator(make_staff):
    return make_staff("Moderators")


@pytest.fixture
def organiser(make_staff):
    return make_staff("Organisers")


@pytest.fixture
def make_signatures(campaign) -> Callable[..., list]:
    """Signatures made through the signing service, confirmed unless told otherwise."""
    from signatures import services
    from signatures.models import Signature

    counter = iter(range(1_000_000))

    def make(n: int = 1, *, country: str = "DE", confirm: bool = True, **fields) -> list:
        made = []
        for _ in range(n):
            i = next(counter)
            data = {
                "first_name": fields.get("first_name", "Signer"),
                "last_name": fields.get("last_name", f"Number{i}"),
                "email": fields.get("email", f"signer{i}@{fields.get('domain', 'example.org')}"),
                "country": country,
                "consent": True,
            }
            result = services.sign(campaign, data, language="en", ip=fields.get("ip", "192.0.2.1"))
            if confirm:
                services.confirm(result.signature_id)
            made.append(Signature.objects.get(pk=result.signature_id))
        return made

    return make


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> str:
    """collectstatic into a temporary STATIC_ROOT, as the Dockerfile does at build time."""
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        env={**os.environ, "STATIC_ROOT": str(root)},
        check=True,
        timeout=120,
    )
    return str(root)


@pytest.fixture
def gunicorn(collected_static, transactional_db, settings) -> Callable[..., str]:
    """Start the site under gunicorn, with the production settings, on the test database."""
    import socket
    import subprocess
    import sys
    import urllib.request

    from django.db import connection

    servers: list[subprocess.Popen] = []

    def start(workers: int = 2, **env: str) -> str:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        db = connection.settings_dict
        environment = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "STATIC_ROOT": collected_static,
            "SECURE_SSL_REDIRECT": "false",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESSLOG": "",
            **env,
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "petition_site.wsgi"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append(server)
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                return url
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; the browser tests skip where it is absent."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}: install it with bin/system-packages")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test still
    # talks to the database synchronously, which is safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def site(live_server, transactional_db, settings) -> str:
    """The live test server, with fill-time checks off: a script types fast."""
    settings.SIGN_MIN_FILL_SECONDS = 0
    return live_server.url


@pytest.fixture
def open_page(browser):
    """New pages that record console errors; each test asserts there were none."""
    contexts = []

    def open_page(javascript: bool = True, width: int = 1280, height: int = 900):
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": width, "height": height}
        )
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        return page

    yield open_page
    for context in contexts:
        context.close()


def shown_count(client, campaign: Campaign) -> int:
    """The signature count a visitor reads on the campaign page."""
    html = client.get(campaign.get_absolute_url()).content.decode()
    return int(re.search(r'<strong class="count">([\d,]+)</strong>', html)[1].replace(",", ""))


def sign_in(page, site: str, user: AbstractUser) -> None:
    """Sign a staff user in through the admin's login form (their password is "pw")."""
    from django.urls import reverse

    page.goto(site + reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
