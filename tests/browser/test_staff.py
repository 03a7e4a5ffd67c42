"""An organiser makes a country's batch and downloads it, in a real browser."""

import csv
import io

from django.urls import reverse

from signatures.handins import services as handins
from signatures.models import Invalidation, Signature, Update
from signatures.paper import rows
from signatures.paper import services as paper
from signatures.signing import services
from signatures.signing.services import SignatureData
from signatures.signing.sheets import new_code
from tests import factories
from tests.helpers import ROOT, sign_in


def test_organiser_downloads_a_batch(site, make_campaign, open_page, organiser, run_tasks):
    campaign = make_campaign(requires_confirmation=False)
    for n, country in enumerate(["DE", "DE", "FR"]):
        data: SignatureData = {
            "first_name": "Signer",
            "last_name": f"N{n}",
            "email": f"s{n}@example.org",
            "country": country,
            "consent": True,
        }
        services.sign(campaign, data, language="en", network="")
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


GUIDE_IMAGES = ROOT / "docs" / "images"


def test_the_staff_guide_shows_the_screens_staff_use_as_they_are(
    site, make_campaign, open_page, organiser, run_tasks
):
    # The pictures in docs/staff-guide.md are taken here, so they show what staff see.
    campaign = make_campaign()
    for country in ["DE", "DE", "FR", "ES"]:
        factories.signature(campaign, country=country)
    held = factories.signature(campaign, Signature.State.HELD, country="DE")
    for i in range(12):  # a burst of throwaway addresses, as the queue reports it
        factories.signature(
            campaign, Signature.State.PENDING, domain="mailinator.com", ip=f"198.51.100.{i}"
        )
    factories.signature(campaign, first_name="Mickey", last_name="Mouse", country="FR")
    draft = Invalidation.objects.create(
        campaign=campaign, reason="joke names", name_pattern="mickey mouse", created_by=organiser
    )
    handins.make(campaign, "FR", organiser)
    run_tasks()  # the French batch's files, ready to be handed in
    code = new_code()
    for first, last in [("Käthe", "Kollwitz"), ("Ernst", "Barlach")]:
        row, _problems = rows.check({"given_name": first, "family_name": last, "country": "DE"})
        assert row is not None
        paper.enter_row(campaign, row, sheet_code=code, language="de", user_id=organiser.pk)
    update = Update.objects.create(
        campaign=campaign,
        subjects={"en": "The petition was handed in in Berlin"},
        texts={"en": "Thank you: on Friday we handed in 1,204 signatures at the US embassy."},
        created_by=organiser,
    )
    page = open_page(width=1366, height=900)
    sign_in(page, site, organiser)
    GUIDE_IMAGES.mkdir(exist_ok=True)
    kept = f"?campaign={campaign.pk}&language=de&sheet_code={code}&country=DE"

    screens = {
        "admin-home": reverse("admin:index"),
        "signatures": reverse("admin:signatures_signature_changelist"),
        "signature-page": reverse("admin:signatures_signature_change", args=[held.pk]),
        "invalidation-preview": reverse("admin:signatures_invalidation_change", args=[draft.pk]),
        "dashboard": reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]),
        "batches": reverse("admin:signatures_batch_campaign", args=[campaign.pk]),
        "paper-entry": reverse("admin:signatures_paperentry_add") + kept,
        "record-hand-in": reverse("admin:signatures_handin_add") + f"?campaign={campaign.pk}",
        "update-send": reverse("admin:signatures_update_send", args=[update.pk]),
    }
    for name, path in screens.items():
        response = page.goto(site + path)
        assert response is not None and response.status == 200, name
        assert page.url == site + path, name  # not sent to sign in
        assert (
            page.get_by_role("link", name="Log out").count()
            + page.get_by_role("button", name="Log out").count()
            == 1
        ), name
        image = GUIDE_IMAGES / f"{name}.png"
        page.screenshot(path=str(image))
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.errors == []
