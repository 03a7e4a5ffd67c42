from django.urls import reverse

from signatures.models import Signature


def test_dashboard_links_suspects_to_the_filtered_list(
    client, organiser, campaign, make_signatures
):
    bots = make_signatures(2, domain="bots.example")
    make_signatures(1)
    client.force_login(organiser)
    page = client.get(reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]))
    html = page.content.decode()
    assert "<svg" in html and "<rect" in html
    link = f"?campaign__id__exact={campaign.pk}&amp;domain=bots.example"
    assert link in html

    listing = client.get(
        reverse("admin:signatures_signature_changelist") + link.replace("&amp;", "&")
    )
    assert sorted(s.pk for s in listing.context["cl"].result_list) == sorted(b.pk for b in bots)

    network = bots[0].network_hash
    listing = client.get(reverse("admin:signatures_signature_changelist"), {"network": network})
    assert len(listing.context["cl"].result_list) == 3  # all three share 192.0.2.0/24


def test_organiser_sees_the_dashboard(client, organiser, campaign):
    client.force_login(organiser)
    response = client.get(reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]))
    assert response.status_code == 200
    assert b"Suspicious now" in response.content


def test_staff_without_signature_access_gets_403_on_the_dashboard(
    client, campaign, django_user_model
):
    staff = django_user_model.objects.create_user("staff", "s@example.org", "pw", is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]))
    assert response.status_code == 403


def test_pausing_a_campaign_stops_signing_with_its_message(client, organiser, campaign, sign_data):
    client.force_login(organiser)
    response = client.post(
        reverse("admin:signatures_campaign_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(campaign.pk),
            "form-0-paused": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.paused
    campaign.pause_message = "Back in an hour."
    campaign.save()
    client.logout()

    page = client.get(campaign.get_absolute_url())
    assert b"Back in an hour." in page.content
    assert b'name="email"' not in page.content
    client.post(campaign.get_absolute_url(), sign_data)
    assert not Signature.objects.exists()


def test_preview_shows_the_public_page_to_staff(client, moderator, campaign):
    client.force_login(moderator)
    response = client.get(reverse("admin:signatures_campaign_preview", args=[campaign.pk]))
    assert response.status_code == 200
    assert campaign.petition_text.encode() in response.content
