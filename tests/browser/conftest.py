"""Browser tests: Debian's Chromium driven by Playwright against the live test server."""

import os

import pytest
from django.apps import apps
from playwright.sync_api import sync_playwright

from signatures import campaign_copy
from signatures.models import Campaign

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; the browser tests skip where it is absent,
    and fail in CI (CI=true), where bin/system-packages must have installed it."""
    if not os.path.exists(CHROMIUM):
        missing = f"no Chromium at {CHROMIUM}: install it with bin/system-packages"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
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

    def open_page(
        javascript: bool = True, width: int = 1280, height: int = 900, locale: str = "en-GB"
    ):
        context = browser.new_context(
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
            locale=locale,
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


@pytest.fixture
def assange(site) -> Campaign:
    """The seeded action in every language: transactional tests empty the tables they used."""
    campaign_copy.seed(apps)
    campaign_copy.seed_translations(apps)
    return Campaign.objects.get(slug="assange")
