"""Confirmation mail through a real SMTP server on loopback, and through a dead one."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signatures.mail import tasks
from signatures.models import Signature
from tests import factories
from tests.helpers import found, free_port
from tests.system.smtp import Inbox, SMTPServer


@pytest.fixture(params=[False, True], ids=["one reply at a time", "pipelining"])
def smtp_server(request, settings) -> Iterator[Inbox]:
    """The mail server, without and with PIPELINING: every test runs against both."""
    server = SMTPServer(inbox=Inbox(pipelining=request.param)).start()
    settings.MAILERS = server.mailers()
    yield server.inbox
    server.stop()


def test_confirmation_travels_through_smtp_and_its_link_confirms(
    client, campaign, sign_data, run_tasks, smtp_server
):
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()

    [message] = smtp_server.messages
    assert message["To"] == "Ada.Lovelace@example.org"
    assert campaign.title in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<a href=" in html
    path = found(r"https://petition\.example\.org(/\S+/confirm/\S+/)", text)

    assert client.get(path).status_code == 200
    client.post(path)
    assert Signature.objects.get().state == Signature.State.CONFIRMED


def due_now(signature: Signature) -> None:
    """As when the back-off (or a dead worker's lease) is over."""
    Signature.objects.filter(pk=signature.pk).update(mail_due_at=timezone.now())


def test_a_dead_mail_server_delays_the_mail_but_loses_nothing(
    client, campaign, sign_data, run_tasks, settings
):
    server = SMTPServer()  # not started: nothing listens yet
    settings.MAILERS = server.mailers()
    response = client.post(campaign.get_absolute_url(), sign_data)
    assert response.status_code == 302  # the signer never waits on SMTP
    run_tasks()

    signature = Signature.objects.get()
    assert (signature.emails_delivered, signature.mail_attempts) == (0, 1)
    assert signature.mail_due_at is not None
    assert signature.mail_due_at > timezone.now() + timedelta(seconds=50)

    # The server comes back and the retry falls due.
    server.start()
    try:
        due_now(signature)
        run_tasks()
    finally:
        server.stop()
    assert len(server.inbox.messages) == 1
    signature.refresh_from_db()
    assert (signature.emails_delivered, signature.mail_attempts) == (1, 0)


def test_a_mail_that_fails_for_good_is_marked_for_staff_to_see(
    client, campaign, sign_data, run_tasks, settings
):
    settings.MAILERS = SMTPServer(free_port()).mailers()
    settings.MAIL_RETRY_LIMIT = 2
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()
    due_now(Signature.objects.get())
    run_tasks()

    signature = Signature.objects.get()
    assert signature.bounced_at is not None  # the admin's "Bouncing" filter
    assert signature.bounce_reason.startswith("Not delivered after 2 attempts")
    assert "refused" in signature.bounce_reason
    due_now(signature)
    run_tasks()  # and it is left alone
    assert Signature.objects.get().mail_attempts == 2


def test_a_signature_is_its_own_outbox_one_insert_and_no_task(client, campaign, sign_data):
    with CaptureQueriesContext(connection) as queries:
        client.post(campaign.get_absolute_url(), sign_data)

    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "signatures_signature" in inserts[0]
    assert not DBTaskResult.objects.exists()
    assert list(Signature.objects.mail_due(timezone.now())) == [Signature.objects.get()]


def test_an_address_the_server_refuses_for_good_is_marked_bouncing_and_not_retried(
    client, campaign, sign_data, run_tasks, smtp_server
):
    smtp_server.refuse = "550 5.1.1 No such mailbox"
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()

    signature = Signature.objects.get()
    assert signature.bounced_at is not None
    assert signature.bounce_reason == "550 5.1.1 No such mailbox"
    assert not Signature.objects.mail_due(timezone.now() + timedelta(days=1)).exists()


@pytest.mark.parametrize(
    ("refusal", "answer"),
    [
        ("refuse", "451 4.7.1 Greylisted, try again later"),
        # Our configuration, not the signer's address: retried, never a bounce.
        ("refuse_sender", "553 5.7.1 Sender address rejected: not owned by you"),
    ],
    ids=["greylisted address", "refused sender"],
)
def test_a_refusal_that_is_not_the_signers_for_good_is_retried_later(
    client, campaign, sign_data, run_tasks, smtp_server, refusal, answer
):
    setattr(smtp_server, refusal, answer)
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()

    signature = Signature.objects.get()
    assert (signature.bounced_at, signature.mail_attempts) == (None, 1)
    assert smtp_server.messages == []

    setattr(smtp_server, refusal, None)
    due_now(signature)
    run_tasks()
    assert [m["To"] for m in smtp_server.messages] == [signature.email]


def test_a_worker_that_runs_again_sends_nothing_twice(
    client, campaign, sign_data, run_tasks, smtp_server
):
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()
    due_now(Signature.objects.get())  # as when another worker's lease ran out
    run_tasks()

    assert len(smtp_server.messages) == 1
    signature = Signature.objects.get()
    assert (signature.emails_sent, signature.emails_delivered) == (1, 1)


def test_a_mail_sent_again_is_the_same_message(client, campaign, sign_data, run_tasks, smtp_server):
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()
    # As when the worker died after the server's "250" but before recording it.
    Signature.objects.update(emails_delivered=0)
    due_now(Signature.objects.get())
    run_tasks()

    first, again = smtp_server.messages
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"].endswith("@localhost>")  # the sending domain


def test_many_mails_go_out_over_one_connection_per_batch(
    client, campaign, run_tasks, smtp_server, settings
):
    settings.MAIL_BATCH_SIZE = 50
    for _ in range(120):
        factories.signature(campaign, Signature.State.PENDING)
    run_tasks()

    assert len(smtp_server.messages) == 120
    assert smtp_server.connections <= 3  # one per claim of 50, at most
    assert not Signature.objects.filter(emails_delivered=0).exists()


def test_a_mail_queued_as_a_task_before_the_outbox_is_sent_once(campaign, run_tasks, smtp_server):
    signature = factories.signature(campaign, Signature.State.PENDING)
    result = tasks.send_confirmation.enqueue(signature.pk)
    # Queued before the tasks moved to their rooms: the row names the old path.
    DBTaskResult.objects.filter(pk=result.id).update(task_path="signatures.tasks.send_confirmation")
    run_tasks()

    assert len(smtp_server.messages) == 1
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


def test_a_worker_kept_for_hand_in_files_leaves_the_mail_to_others(
    campaign, run_tasks, smtp_server
):
    factories.signature(campaign, Signature.State.PENDING)
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "--no-mail", verbosity=0)
    assert smtp_server.messages == []

    run_tasks()
    assert len(smtp_server.messages) == 1


def test_a_server_that_offers_pipelining_gets_the_envelope_in_one_write(
    campaign, run_tasks, smtp_server
):
    for _ in range(3):
        factories.signature(campaign, Signature.State.PENDING)
    run_tasks()

    assert len(smtp_server.messages) == 3
    # DATA had come with each RCPT exactly when the server said it could take it.
    assert smtp_server.pipelined == [smtp_server.pipelining] * 3


def test_after_a_refused_address_the_next_mail_of_the_batch_still_goes_through(
    campaign, run_tasks, smtp_server, settings
):
    settings.MAIL_BATCH_SIZE = 50
    refused = factories.signature(campaign, Signature.State.PENDING, email="gone@example.org")
    accepted = factories.signature(campaign, Signature.State.PENDING, email="here@example.org")

    async def refuse_one(server, session, envelope, address, options):
        if address == "gone@example.org":
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handle_RCPT = refuse_one
    run_tasks()

    refused.refresh_from_db()
    assert refused.bounce_reason == "550 5.1.1 No such mailbox"
    assert [m["To"] for m in smtp_server.messages] == [accepted.email]


def test_a_greylisted_address_waits_alone_and_the_rest_of_its_batch_goes_out_at_once(
    campaign, run_tasks, smtp_server, settings
):
    settings.MAIL_BATCH_SIZE = 50
    greylisted = factories.signature(campaign, Signature.State.PENDING, email="grey@example.org")
    others = [factories.signature(campaign, Signature.State.PENDING) for _ in range(19)]
    smtp_server.greylisted = {greylisted.email}

    run_tasks()

    assert sorted(m["To"] for m in smtp_server.messages) == sorted(s.email for s in others)
    greylisted.refresh_from_db()
    assert (greylisted.emails_delivered, greylisted.mail_attempts) == (0, 1)
    assert greylisted.mail_due_at is not None
    assert greylisted.mail_due_at > timezone.now()  # its own retry, after a back-off
    assert not Signature.objects.mail_due(timezone.now()).exists()
