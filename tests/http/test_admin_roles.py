from django.urls import reverse


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


def test_a_moderator_sees_no_link_to_the_hand_in_batches(client, moderator, campaign):
    client.force_login(moderator)
    batches = reverse("admin:signatures_batch_campaign", args=[campaign.pk])

    for page in [
        reverse("admin:index"),
        reverse("admin:signatures_campaign_changelist"),
        reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]),
    ]:
        html = client.get(page).content.decode()
        assert batches not in html, page
        assert "Hand-in batches" not in html, page


def test_an_organiser_finds_the_hand_in_batches_from_the_campaign_row(client, organiser, campaign):
    client.force_login(organiser)
    html = client.get(reverse("admin:signatures_campaign_changelist")).content.decode()

    assert reverse("admin:signatures_batch_campaign", args=[campaign.pk]) in html
    assert reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]) in html
    assert f'<a href="/en/{campaign.slug}/sheet.pdf">Collection sheet</a>' in html


def test_a_refused_page_keeps_the_admin_look_and_a_way_back(client, moderator, campaign):
    client.force_login(moderator)

    response = client.get(reverse("admin:signatures_batch_campaign", args=[campaign.pk]))

    assert response.status_code == 403
    html = response.content.decode()
    assert "Not part of your role" in html
    assert f'<a href="{reverse("admin:index")}">Back to the staff home</a>' in html
    assert 'id="site-name"' in html  # the admin's header


def test_a_malformed_admin_request_gets_a_400_in_the_admin_look(client, moderator):
    client.force_login(moderator)

    response = client.get(reverse("admin:signatures_signature_changelist") + "?q=%00")

    assert response.status_code == 400
    assert b"Back to the staff home" in response.content


def test_the_public_site_keeps_its_own_refusal_pages(client, campaign):
    response = client.get("/en/no-such-campaign/")

    assert response.status_code == 404
    assert b"Back to the staff home" not in response.content


def test_every_staff_page_says_which_time_zone_its_times_are_in(client, moderator, campaign):
    client.force_login(moderator)

    html = client.get(reverse("admin:signatures_signature_changelist")).content.decode()

    assert "Times are shown in UTC." in html
