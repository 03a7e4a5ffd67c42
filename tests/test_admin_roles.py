from django.urls import reverse

from signatures.models import Signature


def test_moderators_can_change_but_not_delete_or_export(moderator):
    assert moderator.has_perm("signatures.change_signature")
    assert not moderator.has_perm("signatures.delete_signature")
    assert not moderator.has_perm("signatures.export_signatures")
    assert not moderator.has_perm("signatures.change_campaign")


def test_organisers_have_everything_moderators_have_plus_exports(moderator, organiser):
    assert moderator.get_all_permissions() < organiser.get_all_permissions()
    assert organiser.has_perm("signatures.export_signatures")
    assert organiser.has_perm("signatures.change_campaign")


def test_moderator_has_no_delete_action(client, moderator, make_signatures):
    make_signatures(1)
    client.force_login(moderator)
    response = client.get(reverse("admin:signatures_signature_changelist"))
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert {"reject_signatures", "mark_spam", "restore_signatures"} <= set(actions)


def test_nobody_adds_signatures_in_the_admin(client, organiser):
    client.force_login(organiser)
    assert client.get(reverse("admin:signatures_signature_add")).status_code == 403


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


def test_admin_path_comes_from_settings(settings):
    from importlib import reload

    from django.urls import clear_url_caches

    import petition_site.urls

    settings.ADMIN_URL = "staff-only/"
    try:
        reload(petition_site.urls)
        clear_url_caches()
        assert reverse("admin:index") == "/staff-only/"
    finally:
        settings.ADMIN_URL = "admin/"
        reload(petition_site.urls)
        clear_url_caches()
    assert reverse("admin:index") == "/admin/"


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
