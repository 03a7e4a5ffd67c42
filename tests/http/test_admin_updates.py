"""Updates to signers: written per language, previewed, tested, sent once to those who asked."""

from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from signatures.mail import updates
from signatures.models import Message, Signature, Update
from tests import factories
from tests.helpers import read_csv

ADD = "admin:signatures_update_add"


def texts(campaign, **fields):
    return {
        "campaign": campaign.pk,
        "subject_en": "News from the campaign",
        "text_en": "We handed in 10,000 signatures.",
        "subject_de": "Neues von der Kampagne",
        "text_de": "Wir haben 10.000 Unterschriften übergeben.",
        **fields,
    }


def act(client, update, action, **data):
    return client.post(reverse("admin:signatures_update_act", args=[update.pk, action]), data)


def test_an_update_needs_its_text_in_the_campaigns_language(client, organiser, campaign):
    client.force_login(organiser)
    response = client.post(reverse(ADD), texts(campaign, text_en=""))
    assert response.status_code == 200
    assert "Needed in the campaign&#x27;s language" in response.content.decode()
    assert not Update.objects.exists()


def test_the_preview_shows_every_language_with_the_campaigns_text_as_fallback(
    client, organiser, campaign
):
    client.force_login(organiser)
    response = client.post(reverse(ADD), texts(campaign))
    update = Update.objects.get()
    assert response["Location"] == reverse("admin:signatures_update_send", args=[update.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Neues von der Kampagne" in page and "Wir haben 10.000" in page
    assert page.count("We handed in 10,000 signatures.") == 4  # en, and fr, es, ar fall back
    assert "no text of its own" in page


def test_a_test_goes_to_the_staff_member_in_the_language_chosen(
    client, organiser, campaign, mailoutbox
):
    client.force_login(organiser)
    client.post(reverse(ADD), texts(campaign))
    update = Update.objects.get()
    act(client, update, "test", language="de")
    [mail] = mailoutbox
    assert mail.to == [organiser.email] and mail.subject == "Neues von der Kampagne"
    assert "Wir haben 10.000" in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Message.objects.exists()  # nobody else got it


def test_an_update_goes_once_to_the_confirmed_signers_who_asked_in_the_countries_chosen(
    client, organiser, campaign, run_tasks, mailoutbox
):
    german = factories.signature(campaign, country="DE", contact_opt_in=True, language="de")
    french = factories.signature(campaign, country="FR", contact_opt_in=True, language="fr")
    factories.signature(campaign, country="DE")  # did not ask
    factories.signature(campaign, Signature.State.PENDING, country="DE", contact_opt_in=True)
    left = factories.signature(campaign, country="DE", contact_opt_in=True)
    Signature.objects.filter(pk=left.pk).update(unsubscribed_at=timezone.now())
    factories.signature(campaign, country="IT", contact_opt_in=True)  # not chosen
    run_tasks()  # the pending one's confirmation
    mailoutbox.clear()
    client.force_login(organiser)
    client.post(reverse(ADD), texts(campaign, countries=["DE", "FR"]))
    update = Update.objects.get()

    act(client, update, "send")
    run_tasks()  # queues the mails, and sends them
    run_tasks()

    assert sorted(m.to[0] for m in mailoutbox) == sorted([german.email, french.email])
    by_address = {m.to[0]: m for m in mailoutbox}
    assert by_address[german.email].subject == "Neues von der Kampagne"
    assert by_address[french.email].subject == "News from the campaign"  # the fallback
    assert "/fr/test-action/news/stop/" in by_address[french.email].body
    assert updates.queue_mails(update.pk) == 0  # never a second time
    assert LogEntry.objects.filter(object_id=str(update.pk), change_message="Sent").exists()
    update.refresh_from_db()
    assert update.state == Update.State.SENDING
    assert not client.get(reverse("admin:signatures_update_change", args=[update.pk])).context[
        "has_change_permission"
    ]


def test_moderators_cannot_write_or_send_updates(client, moderator, organiser, campaign):
    update = Update.objects.create(
        campaign=campaign, subjects={"en": "S"}, texts={"en": "T"}, created_by=organiser
    )
    client.force_login(moderator)
    assert client.get(reverse(ADD)).status_code == 403
    assert act(client, update, "send").status_code == 403
    update.refresh_from_db()
    assert update.state == Update.State.DRAFT


def test_the_news_list_export_needs_its_own_permission_and_is_audited(
    client, organiser, campaign, django_user_model
):
    factories.signature(
        campaign, country="DE", contact_opt_in=True, first_name="=cmd", email="a@example.org"
    )
    factories.signature(campaign, country="DE")
    url = reverse("admin:signatures_campaign_news_list", args=[campaign.pk])
    client.force_login(organiser)
    assert client.get(url).status_code == 403

    from django.contrib.auth.models import Permission

    organiser.user_permissions.add(Permission.objects.get(codename="export_news_list"))
    response = client.get(url)

    [header, row] = read_csv(b"".join(response.streaming_content))
    assert header == ["given name", "family name", "e-mail", "country", "language", "signed"]
    assert row[0] == "'=cmd" and row[2] == "a@example.org" and row[3] == "DE"
    log = LogEntry.objects.get(object_id=str(campaign.pk))
    assert log.user == organiser and "1 signers" in log.change_message


def test_pending_signers_get_one_reminder_in_their_language_and_never_a_second(
    campaign, run_tasks, mailoutbox
):
    from django.core.management import call_command

    old = factories.signature(campaign, Signature.State.PENDING, language="es")
    new = factories.signature(campaign, Signature.State.PENDING)
    run_tasks()  # their confirmations
    Signature.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=4))
    mailoutbox.clear()

    call_command("remind_unconfirmed", "--days", "3")
    call_command("remind_unconfirmed", "--days", "3")
    run_tasks()

    [reminder] = mailoutbox
    assert reminder.to == [old.email] and "Recordatorio" in reminder.subject
    assert "/es/test-action/confirm/" in reminder.body
    assert new.email not in [m.to[0] for m in mailoutbox]


def test_a_new_signers_confirmation_goes_before_an_update_already_queued(
    client, organiser, campaign, run_tasks, mailoutbox, settings
):
    settings.MAIL_BATCH_SIZE = 10
    for _ in range(30):
        factories.signature(campaign, contact_opt_in=True)
    update = Update.objects.create(
        campaign=campaign, subjects={"en": "News"}, texts={"en": "Text"}, created_by=organiser
    )
    updates.start_sending(update.pk, organiser.pk)
    updates.queue_mails(update.pk)
    newcomer = factories.signature(campaign, Signature.State.PENDING)

    run_tasks()

    assert len(mailoutbox) == 31
    assert mailoutbox[0].to == [newcomer.email]  # first, though 30 updates waited before it


def test_a_stopped_update_leaves_the_workers_queue_and_comes_back_on_resume(
    client, organiser, campaign, run_tasks, mailoutbox
):
    for _ in range(5):
        factories.signature(campaign, contact_opt_in=True)
    update = Update.objects.create(
        campaign=campaign, subjects={"en": "News"}, texts={"en": "Text"}, created_by=organiser
    )
    updates.start_sending(update.pk, organiser.pk)
    updates.queue_mails(update.pk)
    mailoutbox.clear()
    client.force_login(organiser)

    act(client, update, "stop")
    run_tasks()

    assert mailoutbox == []
    waiting = Message.objects.filter(kind="update", ref=update.pk)
    assert not waiting.filter(due_at__isnull=False).exists()  # no claim looks at them
    assert (
        "5 of 5" not in client.get(reverse("admin:signatures_update_changelist")).content.decode()
    )

    act(client, update, "resume")
    run_tasks()

    assert len(mailoutbox) == 5
    assert updates.progress(update) == updates.Progress(queued=5, sent=5, failed=0)
    listed = client.get(reverse("admin:signatures_update_changelist")).content.decode()
    assert "5 of 5" in listed
