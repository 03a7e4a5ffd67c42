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
