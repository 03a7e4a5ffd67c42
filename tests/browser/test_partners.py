"""Partner sites in a real browser: their own form and the framed one, from another origin."""

import http.server
import re
import threading
from collections.abc import Callable, Iterator

import pytest

from signatures.models import Signature
from tests.browser.test_signing import fill_form
from tests.helpers import free_port


@pytest.fixture
def partner_site() -> Iterator[Callable[[str], str]]:
    """Pages served from another site (127.0.0.1, where the petition is on localhost)."""
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"

    def publish(html: str) -> str:
        path = f"/page-{len(pages)}.html"
        pages[path] = f"<!doctype html><html lang='en'><title>Partner</title>{html}".encode()
        return origin + path

    publish.origin = origin  # type: ignore[attr-defined]
    yield publish
    server.shutdown()


def plain_form(site: str, slug: str) -> str:
    """The snippet the README gives partners, as they paste it."""
    return f"""<form method="post" action="{site}/en/{slug}/">
      <label>First name <input name="first_name"></label>
      <label>Last name <input name="last_name"></label>
      <label>E-mail address <input name="email" type="email"></label>
      <label>Country
        <select name="country"><option value="GB">United Kingdom</option></select></label>
      <label><input type="checkbox" name="consent" value="on"> I agree</label>
      <button type="submit">Sign</button>
    </form>"""


def fill_and_send(page) -> None:
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("E-mail address").fill("ada@example.org")
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Sign").click()


def test_a_listed_partner_s_own_form_signs_and_records_the_partner(
    site, make_campaign, open_page, partner_site, settings
):
    settings.PARTNER_ORIGINS = [partner_site.origin]
    campaign = make_campaign()
    page = open_page(javascript=False)
    page.goto(partner_site(plain_form(site, campaign.slug)))

    fill_and_send(page)

    page.wait_for_url(re.compile(r"/thanks/$"))
    assert page.get_by_role("heading", name="Thank you for signing").is_visible()
    assert Signature.objects.get().source == partner_site.origin


def test_a_form_on_a_site_that_is_not_a_partner_is_refused(
    site, make_campaign, open_page, partner_site, settings
):
    settings.PARTNER_ORIGINS = ["https://www.amnesty.example"]
    campaign = make_campaign()
    page = open_page(javascript=False)
    page.goto(partner_site(plain_form(site, campaign.slug)))

    fill_and_send(page)

    page.get_by_role("heading", name="Please try again").wait_for()
    assert "sent from another website" in page.content()
    assert Signature.objects.count() == 0


def test_a_partner_frames_the_form_and_signing_stays_in_the_frame(
    site, make_campaign, open_page, partner_site, settings
):
    settings.PARTNER_ORIGINS = [partner_site.origin]
    settings.SOURCE_TAGS = ["partner-de"]
    campaign = make_campaign()
    frame_url = f"{site}/en/{campaign.slug}/embed/?source=partner-de"
    page = open_page()
    page.goto(
        partner_site(
            f'<iframe src="{frame_url}" title="Petition" width="600" height="900"></iframe>'
        )
    )

    frame = page.frame_locator("iframe")
    fill_form(frame)
    frame.get_by_role("button", name="Sign the petition").click()

    frame.get_by_role("heading", name="Thank you for signing").wait_for()
    assert page.url.startswith(partner_site.origin)  # the partner's page stays
    assert Signature.objects.get().source == "partner-de"


def test_a_site_that_is_not_a_partner_cannot_frame_the_form(
    site, make_campaign, open_page, partner_site, settings
):
    settings.PARTNER_ORIGINS = ["https://www.amnesty.example"]
    campaign = make_campaign()
    page = open_page()
    page.goto(
        partner_site(f'<iframe src="{site}/en/{campaign.slug}/embed/" title="Petition"></iframe>')
    )

    page.wait_for_load_state("load")
    [frame] = [f for f in page.frames if f != page.main_frame]
    assert not frame.url.startswith(site)  # the browser refused to show it
    assert frame.locator("form").count() == 0
    blocked = [e for e in page.errors if "frame-ancestors" in e]
    page.errors.clear()
    assert blocked
