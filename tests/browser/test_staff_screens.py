"""The staff screens in a real browser: no axe-core violation, every list fits 1,366 px,
and a moderator clears a flood from the admin home without a developer."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from signatures.models import Batch, Campaign, Invalidation, Signature, Update
from tests import factories
from tests.browser.test_accessibility import assert_accessible
from tests.helpers import sign_in

LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def busy(site, make_campaign, organiser) -> dict[str, object]:
    """A campaign as staff find it: signatures from three countries, some held, a burst
    of throwaway addresses, a batch and an invalidation draft."""
    campaign: Campaign = make_campaign()
    for country in ["DE", "DE", "FR", "ES"]:
        factories.signature(campaign, country=country)
    held = factories.signature(campaign, Signature.State.HELD, country="DE")
    for i in range(12):
        factories.signature(
            campaign, Signature.State.PENDING, domain="mailinator.com", ip=f"198.51.100.{i}"
        )
    batch: Batch = factories.batch(campaign, "FR", organiser)
    draft = Invalidation.objects.create(
        campaign=campaign, reason="joke names", name_pattern="mickey mouse", created_by=organiser
    )
    update = Update.objects.create(
        campaign=campaign,
        subjects={"en": "It was handed in"},
        texts={"en": "We handed in the petition in Berlin."},
        created_by=organiser,
    )
    return {"campaign": campaign, "held": held, "batch": batch, "draft": draft, "update": update}


def staff_pages(busy: dict, user: User) -> dict[str, str]:
    campaign, held, batch, draft = busy["campaign"], busy["held"], busy["batch"], busy["draft"]
    pages = {
        "home": reverse("admin:index"),
        "signature list": reverse("admin:signatures_signature_changelist"),
        "held signatures": reverse("admin:signatures_signature_changelist") + "?state__exact=held",
        "signature page": reverse("admin:signatures_signature_change", args=[held.pk]),
        "campaign list": reverse("admin:signatures_campaign_changelist"),
        "campaign page": reverse("admin:signatures_campaign_change", args=[campaign.pk]),
        "dashboard": reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]),
        "invalidation list": reverse("admin:signatures_invalidation_changelist"),
        "new invalidation": reverse("admin:signatures_invalidation_add"),
        "invalidation page": reverse("admin:signatures_invalidation_change", args=[draft.pk]),
    }
    if user.has_perm("signatures.export_signatures"):
        pages |= {
            "hand-in page": reverse("admin:signatures_batch_campaign", args=[campaign.pk]),
            "batch list": reverse("admin:signatures_batch_changelist"),
            "batch page": reverse("admin:signatures_batch_change", args=[batch.pk]),
        }
    if user.has_perm("signatures.enter_paper_signatures"):
        pages |= {
            "paper signatures": reverse("admin:signatures_paperentry_changelist"),
            "type in a sheet": reverse("admin:signatures_paperentry_add"),
            "upload paper signatures": reverse("admin:signatures_paperentry_upload"),
        }
    if user.has_perm("signatures.add_handin"):
        pages |= {
            "hand-in list": reverse("admin:signatures_handin_changelist"),
            "record a hand-in": reverse("admin:signatures_handin_add") + f"?campaign={campaign.pk}",
        }
    if user.has_perm("signatures.add_update"):
        update = busy["update"]
        pages |= {
            "update list": reverse("admin:signatures_update_changelist"),
            "new update": reverse("admin:signatures_update_add"),
            "preview and send": reverse("admin:signatures_update_send", args=[update.pk]),
        }
    return pages


def wider_than_shown(page) -> list[str]:
    """The page, or the admin's scrolling result tables, where content runs past the screen."""
    return page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.results')]
            .filter(e => e.scrollWidth > e.clientWidth + 1)
            .map(e => `${e.className || e.tagName}: ${e.scrollWidth} > ${e.clientWidth}`)"""
    )


@pytest.mark.parametrize("role", ["moderator", "organiser"])
def test_every_staff_page_passes_axe_and_fits_a_laptop_screen(request, site, busy, open_page, role):
    user = request.getfixturevalue(role)
    page = open_page(**LAPTOP)
    sign_in(page, site, user)

    for name, path in staff_pages(busy, user).items():
        response = page.goto(site + path)
        assert response is not None and response.status == 200, name
        assert_accessible(page)
        assert wider_than_shown(page) == [], name


def test_a_moderator_clears_a_flood_of_throwaway_addresses_from_the_admin_home(
    site, busy, open_page, moderator
):
    page = open_page(**LAPTOP)
    sign_in(page, site, moderator)

    page.get_by_role("link", name="12 signatures from mailinator.com in the last hour").click()
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("mark_spam")
    page.get_by_label("Reason").fill("burst of throwaway addresses")
    with page.expect_navigation():
        page.get_by_role("button", name="Run").click()

    assert page.get_by_text("12 signatures changed.").count() == 1
    throwaway = Signature.objects.filter(email_canonical__endswith="@mailinator.com")
    assert set(throwaway.values_list("state", flat=True)) == {Signature.State.SPAM}
    page.goto(site + reverse("admin:index"))
    assert page.get_by_text("from mailinator.com").count() == 0
    assert page.errors == []


def test_an_organiser_reads_today_and_each_country_from_the_dashboard(
    site, busy, open_page, organiser
):
    page = open_page(**LAPTOP)
    sign_in(page, site, organiser)

    page.get_by_role("link", name="Dashboard").first.click()

    figures = page.locator(".dashboard-figures li")
    assert "Confirmed today" in figures.nth(1).inner_text()
    assert figures.nth(1).locator("strong").inner_text() == "4"
    germany = page.get_by_role("row").filter(has_text="Germany")
    assert germany.get_by_role("cell").nth(2).inner_text() == "50.0 %"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").nth(1).click()
    assert download.value.suggested_filename.endswith(".csv")
    assert page.errors == []


@pytest.mark.parametrize("role", ["moderator", "organiser"])
def test_no_staff_page_links_to_a_refusal(request, site, busy, open_page, role):
    user = request.getfixturevalue(role)
    page = open_page(**LAPTOP)
    sign_in(page, site, user)

    for path in staff_pages(busy, user).values():
        page.goto(site + path)
        for href in page.eval_on_selector_all(
            "#content a[href^='/admin/']", "links => links.map(a => a.getAttribute('href'))"
        ):
            response = page.request.get(site + href)
            assert response.status != 403, f"{path} links to {href}"
