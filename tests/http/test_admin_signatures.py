import json

from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse

from signatures import counts
from signatures.models import Signature
from signatures.signing import services
from tests import factories

CHANGELIST = reverse("admin:signatures_signature_changelist")


def act(client, action: str, signatures, reason: str = ""):
    return client.post(
        CHANGELIST,
        {
            "action": action,
            "_selected_action": [s.pk for s in signatures],
            "reason": reason,
        },
    )


def test_moderator_finds_rejects_and_restores_a_signature_and_the_count_follows(
    client, moderator, campaign, make_signatures
):
    target, *_others = make_signatures(3)
    client.force_login(moderator)
    assert counts.refresh(campaign).total == 3

    found = client.get(CHANGELIST, {"q": target.email.upper()})
    assert list(found.context["cl"].result_list) == [target]

    act(client, "reject_signatures", [target], reason="fake name")
    target.refresh_from_db()
    assert target.state == Signature.State.REJECTED
    assert counts.refresh(campaign).total == 2

    act(client, "restore_signatures", [target])
    target.refresh_from_db()
    assert target.state == Signature.State.CONFIRMED
    assert counts.refresh(campaign).total == 3


def test_every_bulk_action_writes_one_audit_entry_per_signature(client, moderator, make_signatures):
    signatures = make_signatures(4)
    client.force_login(moderator)

    act(client, "mark_spam", signatures, reason="bot wave at 3am")

    entries = LogEntry.objects.filter(user=moderator).order_by("object_id")
    assert sorted(int(e.object_id or 0) for e in entries) == sorted(s.pk for s in signatures)
    assert {e.get_change_message() for e in entries} == {"State confirmed → spam: bot wave at 3am"}
    assert all(e.object_repr.startswith("Signature #") for e in entries)


def test_restoring_a_never_confirmed_signature_makes_it_pending_again(
    client, moderator, make_signatures, campaign
):
    [signature] = make_signatures(confirm=False)
    client.force_login(moderator)
    act(client, "reject_signatures", [signature])
    act(client, "restore_signatures", [signature])
    signature.refresh_from_db()
    assert signature.state == Signature.State.PENDING
    assert counts.refresh(campaign).total == 0


def test_confirming_without_e_mail_proof_asks_first_naming_how_many_lack_it(
    client, moderator, make_signatures, campaign
):
    unproven = make_signatures(2, confirm=False)
    [proven] = make_signatures(1)
    client.force_login(moderator)

    question = act(client, "confirm_signatures", [*unproven, proven])

    assert question.status_code == 200
    page = question.content.decode()
    assert "2 of the selected signatures have no e-mail proof" in page
    assert "Yes, confirm 3 signatures" in page
    assert not Signature.objects.filter(pk__in=[s.pk for s in unproven], state="confirmed").exists()
    assert counts.refresh(campaign).total == 1


def test_staff_confirmation_without_proof_is_recorded_and_found_by_a_filter(
    client, moderator, make_signatures, campaign
):
    [signature] = make_signatures(confirm=False)
    [proven] = make_signatures(1)
    client.force_login(moderator)

    client.post(
        CHANGELIST,
        {"action": "confirm_signatures", "_selected_action": [signature.pk], "post": "yes"},
    )

    signature.refresh_from_db()
    assert signature.state == Signature.State.CONFIRMED
    assert signature.confirmed_by_staff_at is not None
    assert counts.refresh(campaign).total == 2
    entry = LogEntry.objects.get(object_id=str(signature.pk))
    assert entry.user == moderator
    assert entry.get_change_message() == "State pending → confirmed by staff, without e-mail proof"
    found = client.get(CHANGELIST, {"confirmed_by_staff": "yes"})
    assert list(found.context["cl"].result_list) == [signature]
    assert proven.pk not in [s.pk for s in found.context["cl"].result_list]


def test_releasing_counts_held_signatures_whose_owners_confirmed_and_nothing_else(
    client, moderator, campaign, run_tasks
):
    owner_confirmed = factories.signature(campaign, Signature.State.HELD)
    services.confirm_signature(owner_confirmed.pk)
    not_confirmed = factories.signature(campaign, Signature.State.HELD)
    pending = factories.signature(campaign, Signature.State.PENDING)
    client.force_login(moderator)

    act(client, "release_signatures", [owner_confirmed, not_confirmed, pending])

    states = dict(Signature.objects.values_list("pk", "state"))
    assert states == {
        owner_confirmed.pk: "confirmed",
        not_confirmed.pk: "held",
        pending.pk: "pending",
    }
    assert Signature.objects.get(pk=owner_confirmed.pk).confirmed_by_staff_at is None
    assert counts.refresh(campaign).total == 1


def test_resend_action_queues_mail_only_for_pending_signatures_within_budget(
    client, moderator, make_signatures, run_tasks, mailoutbox
):
    from datetime import timedelta

    from django.utils import timezone

    pending = make_signatures(2, confirm=False)
    confirmed = make_signatures(1)
    run_tasks()
    mailoutbox.clear()
    Signature.objects.update(last_email_at=timezone.now() - timedelta(hours=1))
    client.force_login(moderator)

    act(client, "resend_confirmation", [*pending, *confirmed])
    run_tasks()

    assert sorted(m.to[0] for m in mailoutbox) == sorted(s.email for s in pending)
    assert LogEntry.objects.filter(change_message="Confirmation e-mail sent again").count() == 2


def test_staff_resend_tries_an_address_that_was_given_up_on_afresh(
    client, moderator, make_signatures, run_tasks, mailoutbox
):
    from datetime import timedelta

    from django.utils import timezone

    [signature] = make_signatures(1, confirm=False)
    run_tasks()
    mailoutbox.clear()
    Signature.objects.update(
        bounced_at=timezone.now(),
        bounce_reason="Not delivered after 8 attempts: refused",
        mail_attempts=8,
        last_email_at=timezone.now() - timedelta(hours=1),
    )
    client.force_login(moderator)

    act(client, "resend_confirmation", [signature])
    run_tasks()

    assert [m.to[0] for m in mailoutbox] == [signature.email]
    signature.refresh_from_db()
    assert (signature.bounced_at, signature.mail_attempts, signature.emails_delivered) == (
        None,
        0,
        2,
    )


def test_search_by_name_prefix(client, moderator, make_signatures):
    make_signatures(1, last_name="Lovelace")
    make_signatures(1, last_name="Babbage")
    client.force_login(moderator)
    found = client.get(CHANGELIST, {"q": "love"})
    assert [s.last_name for s in found.context["cl"].result_list] == ["Lovelace"]


def test_consent_proof_is_shown_read_only(client, moderator, make_signatures):
    [signature] = make_signatures()
    client.force_login(moderator)
    page = client.get(reverse("admin:signatures_signature_change", args=[signature.pk]))
    html = page.content.decode()
    assert "I agree that my name and country are handed in" in html
    assert "version 2026-11" in html
    assert 'name="consent"' not in html
    assert 'name="email"' not in html


def test_a_page_of_thirty_signatures_costs_no_query_per_row(
    client, moderator, make_signatures, django_assert_max_num_queries
):
    make_signatures(30)
    client.force_login(moderator)
    with django_assert_max_num_queries(12):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 30


def test_admin_export_of_personal_data_needs_its_own_permission(
    client, organiser, make_signatures, django_user_model
):
    [signature] = make_signatures(1)
    changelist = reverse("admin:signatures_signature_changelist")
    action = {"action": "export_personal_data", "_selected_action": [signature.pk]}

    client.force_login(organiser)
    refused = client.post(changelist, action)
    assert refused.status_code == 302  # action not offered: back to the list

    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    response = client.post(changelist, action)
    assert response["Content-Disposition"] == 'attachment; filename="signatures.json"'
    assert json.loads(response.content)[0]["email"] == signature.email
    assert LogEntry.objects.filter(change_message="Exported for a data-subject request").exists()


def test_admin_erase_lowers_the_count_and_is_logged(
    client, campaign, make_signatures, django_user_model
):
    [signature, _other] = make_signatures(2)
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    client.post(
        reverse("admin:signatures_signature_changelist"),
        {"action": "erase_personal_data", "_selected_action": [signature.pk], "reason": "asked"},
    )
    assert not Signature.objects.filter(pk=signature.pk).exists()
    assert counts.refresh(campaign).total == 1
    assert LogEntry.objects.get(action_flag=DELETION).change_message == "Erased: asked"


def test_staff_find_bouncing_addresses_and_why_signatures_are_held(
    client, moderator, campaign, make_signatures
):
    bouncing, _fine = make_signatures(2, confirm=False)
    Signature.objects.filter(pk=bouncing.pk).update(
        bounced_at=bouncing.created_at, bounce_reason="550 No such mailbox"
    )
    held = factories.signature(campaign, Signature.State.HELD)
    client.force_login(moderator)

    listed = client.get(CHANGELIST, {"bouncing": "yes"}).context["cl"].result_list
    assert list(listed) == [bouncing]
    listed = client.get(CHANGELIST, {"hold_reason": "rate_limit"}).context["cl"].result_list
    assert list(listed) == [held]
    page = client.get(reverse("admin:signatures_signature_change", args=[bouncing.pk]))
    assert b"550 No such mailbox" in page.content


def test_a_moderator_corrects_a_country_and_the_counts_follow_at_once(
    client, moderator, campaign, make_signatures
):
    signature, _other = make_signatures(2, country="DE")
    client.force_login(moderator)
    url = reverse("admin:signatures_signature_change", args=[signature.pk])

    answer = client.post(url, {"country": "FR", "first_name": "Someone", "last_name": "Else"})

    assert answer.status_code == 302
    signature.refresh_from_db()
    assert signature.country.code == "FR"
    assert signature.first_name == "Signer"  # names are the signer's to correct, not staff's
    assert counts.get_counts(campaign).by_country == {"DE": 1, "FR": 1}
    assert LogEntry.objects.filter(object_id=str(signature.pk), change_message="Country DE → FR")


def test_a_batched_signature_keeps_its_country(client, moderator, campaign, make_signatures):
    [signature] = make_signatures(1, country="DE")
    factories.batch(campaign, "DE", None)
    client.force_login(moderator)

    answer = client.post(
        reverse("admin:signatures_signature_change", args=[signature.pk]), {"country": "FR"}
    )

    assert "cancel the batch first" in answer.content.decode()
    signature.refresh_from_db()
    assert signature.country.code == "DE"


def test_a_moderators_bulk_action_shows_in_the_public_count_at_once(
    client, moderator, campaign, make_signatures
):
    signatures = make_signatures(3)
    counts.get_counts(campaign)  # the page has read the count: it is cached now
    client.force_login(moderator)

    act(client, "reject_signatures", signatures[:2])

    assert counts.get_counts(campaign).total == 1
