"""An organiser makes a country's batch and downloads it, in a real browser."""

import csv
import io

from django.urls import reverse

from signatures.signing import services
from tests.helpers import sign_in


def test_organiser_downloads_a_batch(site, make_campaign, open_page, organiser, run_tasks):
    campaign = make_campaign(requires_confirmation=False)
    for n, country in enumerate(["DE", "DE", "FR"]):
        data = {
            "first_name": "Signer",
            "last_name": f"N{n}",
            "email": f"s{n}@example.org",
            "country": country,
            "consent": True,
        }
        services.sign(campaign, data, language="en", ip="")
    page = open_page()
    sign_in(page, site, organiser)

    page.goto(site + reverse("admin:signatures_batch_campaign", args=[campaign.pk]))
    page.get_by_role("button", name="Make batch for Germany").click()
    assert page.locator("progress").count() == 1  # being prepared; the page refreshes itself
    run_tasks()  # the worker
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()

    rows = list(csv.reader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert rows[0] == ["number", "first name", "last name", "country", "date signed"]
    assert [row[2] for row in rows[1:]] == ["N0", "N1"]
    assert page.errors == []
