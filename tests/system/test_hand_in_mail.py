"""A published hand-in's mail, through a real SMTP server, and leaving the news from it."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from signatures.handins import public, services
from signatures.mail import news, updates
from signatures.models import Message, Signature, Update
from signatures.signing import services as signing
from tests import factories
from tests.helpers import found, shown_count
from tests.system.smtp import Inbox, SMTPServer


@pytest.fixture
def smtp_server(settings) -> Iterator[Inbox]:
    server = SMTPServer(inbox=Inbox(pipelining=True)).start()
    settings.MAILERS = server.mailers()
    yield server.inbox
    server.stop()


def test_a_published_hand_in_reaches_exactly_the_informed_signers_of_its_batches_once(
    client, campaign, organiser, run_tasks, smtp_server, settings
):
    settings.BATCH_NAMES_PER_VOLUME = 2
    informed = [
        factories.signature(campaign, country="DE", contact_opt_in=True, language="de"),
        factories.signature(campaign, country="DE"),
        factories.signature(campaign, country="DE", contact_opt_in=True, language="en"),
    ]
    factories.signature(campaign, country="FR", contact_opt_in=True)  # not handed in
    withdrawn = factories.signature(campaign, country="DE", contact_opt_in=True)
    [batch] = services.make(campaign, "DE", None)
    run_tasks()  # the batch's files
    batch.refresh_from_db()
    signing.withdraw_signature(withdrawn.pk)  # withdrew after the batch was made
    smtp_server.messages.clear()

    hand_in = public.record_hand_in(
        campaign,
        country="DE",
        day=timezone.localdate(),
        place="US-Botschaft Berlin",
        batch_ids=[batch.pk],
        notes={"en": "With a vigil."},
        photo=None,
        user_id=organiser.pk,
    )
    run_tasks()
    run_tasks()

    assert sorted(m["To"] for m in smtp_server.messages) == sorted(
        [informed[0].email, informed[2].email]
    )
    german = smtp_server.to(informed[0].email)[0]
    assert "Botschaft" in german["Subject"]  # the language they signed in
    text = german.get_body(preferencelist=("plain",)).get_content()
    assert "US-Botschaft Berlin" in text
    assert "Nummer 1" in text and "Band 1 von 2" in text  # where their own name stands
    assert f"/de/{campaign.slug}/handins/" in text
    english = smtp_server.to(informed[2].email)[0]
    english_text = english.get_body(preferencelist=("plain",)).get_content()
    assert "number 3" in english_text and "volume 2 of 2" in english_text
    assert "With a vigil." in english_text

    # RFC 8058: a one-click address in the header, and a POST to it as a mail client sends it.
    header = german["List-Unsubscribe"]
    assert german["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = found(r"<(https://petition\.example\.org/\S+/news/stop/\S+/)>", header)
    assert url in text  # and the same link in the text
    path = url.removeprefix("https://petition.example.org")
    assert client.get(path).status_code == 200  # a link scanner
    assert Signature.objects.get(pk=informed[0].pk).unsubscribed_at is None
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Signature.objects.get(pk=informed[0].pk).unsubscribed_at is not None
    assert shown_count(client, campaign) == 5 - 1  # still counted; only the withdrawn one left

    # Never twice for the same hand-in.
    assert public.announce(hand_in) == 0
    run_tasks()
    assert len(smtp_server.messages) == 2
    assert Message.objects.filter(kind="handin", sent_at__isnull=False).count() == 2


def test_news_to_a_refused_address_is_given_up_and_to_a_greylisted_one_tried_again(
    campaign, organiser, run_tasks, smtp_server
):
    gone = factories.signature(campaign, contact_opt_in=True, email="gone@example.org")
    later = factories.signature(campaign, contact_opt_in=True, email="later@example.org")
    smtp_server.greylisted.add("later@example.org")
    update = Update.objects.create(
        campaign=campaign, subjects={"en": "News"}, texts={"en": "Text"}, created_by=organiser
    )
    updates.start_sending(update.pk, organiser.pk)
    updates.queue_mails(update.pk)
    smtp_server.messages.clear()
    smtp_server.refuse = None

    # The relay refuses one address for good (550), then greylists the other (451).
    hour = timezone.now() + timedelta(hours=1)
    Message.objects.filter(signature=later).update(due_at=hour)
    smtp_server.refuse = "550 5.1.1 No such user"
    news.deliver_news()
    smtp_server.refuse = None
    bounced = Message.objects.get(signature=gone)
    assert bounced.due_at is None and bounced.failed.startswith("550")

    Message.objects.filter(signature=later).update(due_at=timezone.now())
    news.deliver_news()
    waiting = Message.objects.get(signature=later)
    assert waiting.sent_at is None and waiting.attempts == 1
    assert waiting.due_at is not None and waiting.due_at > timezone.now()  # after a back-off

    smtp_server.greylisted.clear()
    Message.objects.filter(pk=waiting.pk).update(due_at=timezone.now())
    news.deliver_news()
    assert [m["To"] for m in smtp_server.messages] == ["later@example.org"]
    assert updates.progress(update) == updates.Progress(queued=2, sent=1, failed=1)
