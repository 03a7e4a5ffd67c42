"""An organiser's hand-in of 100,000 German signatures, through gunicorn as deployed.

gunicorn runs with the project's gunicorn.conf.py (its 30-second timeout
included) and two workers prepare the files: the organiser makes the batch,
watches its progress, and downloads the PDF volumes, the CSV and the ZIP.
"""

import csv
import hashlib
import http.cookies
import io
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile

from django.core.management import call_command
from pypdf import PdfReader

from signatures.models import Batch, BatchFile
from tests.helpers import found

NAMES = 100_000


class Browser:
    """urllib with the site's cookies (Secure ones too, on plain-http loopback)."""

    def __init__(self, site: str) -> None:
        self.site = site
        self.cookies: dict[str, str] = {}

    def open(self, path: str, data: dict | None = None, timeout: float = 60):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.site + path, data=body, headers={"Cookie": cookie})
        try:
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=timeout)
        except urllib.error.HTTPError as answer:
            response = answer
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie(header)
            self.cookies |= {name: morsel.value for name, morsel in jar.items()}
        return response

    def form(self, path: str, data: dict):
        page = self.open(path).read().decode()
        token = found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        return self.open(path, data | {"csrfmiddlewaretoken": token})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None


def test_an_organiser_hands_in_a_hundred_thousand_names_through_the_admin(
    gunicorn, worker, organiser, campaign, tmp_path, settings
):
    private = tmp_path / "private"
    settings.STORAGES["batches"]["OPTIONS"]["location"] = private / "batches"
    call_command(
        "seed_signatures", "--campaign", campaign.slug, "--country", "DE", "--count", NAMES
    )
    env = {"PRIVATE_MEDIA_ROOT": str(private)}
    site = gunicorn(workers=2, **env)
    browser = Browser(site)
    login = browser.form("/admin/login/", {"username": "organisers", "password": "pw"})
    assert login.status == 302

    page = f"/admin/signatures/batch/campaign/{campaign.pk}/"
    made = browser.form(page, {"country": "DE"})
    assert made.status == 302
    waiting = browser.open(page).read().decode()
    assert "<progress" in waiting and "data-check-again" in waiting

    for _ in range(2):
        worker(**env)
    batch = Batch.objects.get(campaign=campaign)
    deadline = time.monotonic() + 300
    while batch.files != "ready":
        assert batch.files != "failed", batch.files_error
        assert time.monotonic() < deadline, "the files were not ready in time"
        time.sleep(1)
        batch.refresh_from_db()
    assert "version 1" in browser.open(page).read().decode()

    csv_bytes = browser.open(f"/admin/signatures/batch/{batch.pk}/csv/").read()
    assert hashlib.sha256(csv_bytes).hexdigest() == batch.checksum
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert len(rows) == NAMES + 1
    assert rows[1][:3] == ["1", "Förnamn1", "Efternamn-1"]

    volumes = zipfile.ZipFile(
        io.BytesIO(browser.open(f"/admin/signatures/batch/{batch.pk}/pdf/").read())
    )
    names = sorted(volumes.namelist(), key=lambda n: int(found(r"volume-(\d+)", n)))
    assert len(names) == NAMES // settings.BATCH_NAMES_PER_VOLUME
    first = PdfReader(io.BytesIO(volumes.read(names[0])))
    last = PdfReader(io.BytesIO(volumes.read(names[-1])))
    assert "Volume 1 of 5" in first.pages[0].extract_text()
    assert "1. Förnamn1 Efternamn-1" in first.pages[1].extract_text()
    assert (
        f"{NAMES:,}. Förnamn{NAMES} Efternamn-{NAMES}".replace(",", ",")
        in (last.pages[-1].extract_text().replace("\u00a0", " "))
        or f"{NAMES}. Förnamn{NAMES}" in last.pages[-1].extract_text()
    )
    assert len(first.pages) > 90

    everything = zipfile.ZipFile(
        io.BytesIO(browser.open(f"/admin/signatures/batch/campaign/{campaign.pk}/new.zip").read())
    )
    assert len(everything.namelist()) == 1 + len(names)
    for file in BatchFile.objects.filter(batch=batch):
        assert hashlib.sha256(everything.read(file.filename)).hexdigest() == file.sha256
