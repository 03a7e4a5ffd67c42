import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from signatures import counts
from signatures.models import Invalidation, Signature
from signatures.moderation import invalidations
from signatures.moderation import states as moderation
from tests import factories


@pytest.fixture
def bot_wave(make_signatures):
    bots = make_signatures(5, domain="bots.example")
    people = make_signatures(3)
    return bots, people


def create_draft(client, campaign, **criteria) -> Invalidation:
    data = {"campaign": campaign.pk, "reason": "bot wave", "mark_as": "spam"} | criteria
    response = client.post(reverse("admin:signatures_invalidation_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Invalidation.objects.latest("pk")


def test_draft_previews_its_matches_and_moves_nothing(client, moderator, campaign, bot_wave):
    client.force_login(moderator)
    draft = create_draft(client, campaign, email_domain="bots.example")

    page = client.get(reverse("admin:signatures_invalidation_change", args=[draft.pk]))

    assert b"Matching now" in page.content
    assert moderation.invalidation_queryset(draft).count() == 5
    assert Signature.objects.filter(state="confirmed").count() == 8


def test_an_invalidation_needs_a_criterion(client, moderator, campaign):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:signatures_invalidation_add"),
        {"campaign": campaign.pk, "reason": "x", "mark_as": "spam"},
    )
    assert b"Give at least one criterion." in response.content


def test_started_invalidation_moves_matches_in_batches_links_and_logs_them(
    client, moderator, campaign, bot_wave, run_tasks, monkeypatch
):
    monkeypatch.setattr(moderation, "BATCH_SIZE", 2)
    bots, _people = bot_wave
    client.force_login(moderator)
    draft = create_draft(client, campaign, email_domain="bots.example")

    client.post(
        reverse("admin:signatures_invalidation_changelist"),
        {"action": "start_invalidations", "_selected_action": [draft.pk]},
    )
    run_tasks()

    draft.refresh_from_db()
    assert draft.state == Invalidation.State.DONE
    assert draft.matched == 5
    assert set(draft.signatures.values_list("pk", flat=True)) == {b.pk for b in bots}
    assert set(Signature.objects.filter(state="spam").values_list("pk", flat=True)) == {
        b.pk for b in bots
    }
    assert counts.refresh(campaign).total == 3
    assert LogEntry.objects.filter(change_message__contains="bot wave").count() == 5


def test_cancelled_invalidation_stops_between_batches(
    client, moderator, campaign, bot_wave, monkeypatch
):
    monkeypatch.setattr(moderation, "BATCH_SIZE", 2)
    client.force_login(moderator)
    draft = create_draft(client, campaign, email_domain="bots.example")
    Invalidation.objects.filter(pk=draft.pk).update(state=Invalidation.State.QUEUED)

    assert moderation.run_invalidation_batch(draft.pk) is True
    invalidations.cancel_invalidation(draft)
    assert moderation.run_invalidation_batch(draft.pk) is False

    assert Signature.objects.filter(state="spam").count() == 2
    draft.refresh_from_db()
    assert draft.state == Invalidation.State.CANCELLED


def test_reverting_restores_every_signature_it_moved(
    client, moderator, campaign, bot_wave, run_tasks
):
    client.force_login(moderator)
    draft = create_draft(client, campaign, email_domain="bots.example")
    client.post(
        reverse("admin:signatures_invalidation_changelist"),
        {"action": "start_invalidations", "_selected_action": [draft.pk]},
    )
    run_tasks()
    client.post(
        reverse("admin:signatures_invalidation_changelist"),
        {"action": "revert_invalidations", "_selected_action": [draft.pk]},
    )

    draft.refresh_from_db()
    assert draft.state == Invalidation.State.REVERTED
    assert Signature.objects.filter(state="confirmed").count() == 8
    assert counts.refresh(campaign).total == 8


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"network": "198.51.100.99"}, 2),
        ({"name_pattern": "^bad"}, 1),
        ({"country": "FR"}, 2),
    ],
)
def test_criteria_select_by_network_name_and_country(
    client, moderator, campaign, make_signatures, criteria, expected
):
    make_signatures(2, ip="198.51.100.7", country="FR")
    make_signatures(1, first_name="Badbot", ip="203.0.113.5")
    client.force_login(moderator)
    draft = create_draft(client, campaign, **criteria)
    assert moderation.invalidation_queryset(draft).count() == expected


def test_an_invalid_name_pattern_is_refused(client, moderator, campaign):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:signatures_invalidation_add"),
        {"campaign": campaign.pk, "reason": "x", "mark_as": "spam", "name_pattern": "(unclosed"},
    )
    assert b"Not a valid regular expression" in response.content


@pytest.mark.parametrize("pattern", ["(?P<n>Dup)", "x{1,99999}"])
def test_a_pattern_python_reads_but_postgresql_does_not_is_refused(
    client, moderator, campaign, pattern
):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:signatures_invalidation_add"),
        {"campaign": campaign.pk, "reason": "x", "mark_as": "spam", "name_pattern": pattern},
    )
    assert b"Not a valid regular expression" in response.content
    assert not Invalidation.objects.exists()


def test_an_overlong_pattern_is_refused(client, moderator, campaign):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:signatures_invalidation_add"),
        {"campaign": campaign.pk, "reason": "x", "mark_as": "spam", "name_pattern": "a" * 101},
    )
    assert b"at most 100 characters" in response.content


def test_a_stored_pattern_that_does_not_run_breaks_no_page(client, moderator, campaign, bot_wave):
    broken = Invalidation.objects.create(
        campaign=campaign, reason="old", name_pattern="(?P<n>Dup)", created_by=moderator
    )
    client.force_login(moderator)

    assert client.get(reverse("admin:signatures_invalidation_changelist")).status_code == 200
    page = client.get(reverse("admin:signatures_invalidation_change", args=[broken.pk]))
    assert page.status_code == 200
    assert b"The name pattern does not run." in page.content


def test_the_name_pattern_matches_the_full_name_as_shown(client, moderator, campaign):
    mouse = factories.signature(campaign, first_name="Mickey", last_name="Mouse")
    factories.signature(campaign, first_name="Mickey", last_name="Rourke")
    factories.signature(campaign, first_name="Minnie", last_name="Mouse")
    client.force_login(moderator)

    draft = create_draft(client, campaign, name_pattern="mickey mouse")

    assert list(moderation.invalidation_queryset(draft)) == [mouse]


def test_the_preview_lists_the_first_fifty_matches_with_name_domain_country_and_time(
    client, moderator, campaign, make_signatures
):
    bots = make_signatures(55, domain="bots.example", country="FR")
    make_signatures(2)
    client.force_login(moderator)
    draft = create_draft(client, campaign, email_domain="bots.example")

    html = client.get(
        reverse("admin:signatures_invalidation_change", args=[draft.pk])
    ).content.decode()

    assert "55 signatures match; the first 50:" in html
    table = html[
        html.index('<table class="preview">') : html.index(
            "</table>", html.index('<table class="preview">')
        )
    ]
    assert table.count("<tr>") == 51  # a header and fifty rows
    first = bots[0]
    assert f"<td>{first.full_name}</td><td>bots.example</td><td>France</td>" in table
    assert bots[50].full_name not in table
    assert Signature.objects.filter(state="confirmed").count() == 57  # nothing moved yet


def test_a_single_match_is_counted_in_the_singular(client, moderator, campaign, make_signatures):
    make_signatures(1, domain="lonely.example")
    client.force_login(moderator)
    draft = create_draft(client, campaign, email_domain="lonely.example")

    html = client.get(
        reverse("admin:signatures_invalidation_change", args=[draft.pk])
    ).content.decode()

    assert "1 signature matches." in html
