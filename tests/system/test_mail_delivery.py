"""Confirmation mail through a real SMTP server on loopback, and through a dead one."""

import re
from collections.abc import Iterator

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signatures.models import Signature
from tests.helpers import free_port
from tests.system.smtp import Inbox, SMTPServer


@pytest.fixture
def smtp_server(settings) -> Iterator[Inbox]:
    server = SMTPServer().start()
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
    path = re.search(r"https://petition\.example\.org(/\S+/confirm/\S+/)", text).group(1)

    assert client.get(path).status_code == 200
    client.post(path)
    assert Signature.objects.get().state == Signature.State.CONFIRMED


def test_a_dead_mail_server_delays_the_mail_but_loses_nothing(
    client, campaign, sign_data, run_tasks, settings
):
    server = SMTPServer()  # not started: nothing listens yet
    settings.MAILERS = server.mailers()
    response = client.post(campaign.get_absolute_url(), sign_data)
    assert response.status_code == 302  # the signer never waits on SMTP
    run_tasks()

    signature = Signature.objects.get()
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["args"] == [signature.pk, 2]
    assert retry.run_after > timezone.now() + timezone.timedelta(seconds=50)

    # The server comes back and the retry falls due.
    server.start()
    try:
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_tasks()
    finally:
        server.stop()
    assert len(server.inbox.messages) == 1
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


def test_a_mail_that_fails_for_good_is_left_failed_for_staff_to_see(
    client, campaign, sign_data, run_tasks, settings
):
    settings.MAILERS = SMTPServer(free_port()).mailers()
    settings.MAIL_RETRY_LIMIT = 1
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()

    failed = DBTaskResult.objects.get()
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "signatures.mailing.TemporaryFailure"
    assert "Connection refused" in failed.traceback
    assert Signature.objects.exists()


def test_signature_and_its_mail_task_are_committed_together(client, campaign, sign_data):
    client.post(campaign.get_absolute_url(), sign_data)
    task = DBTaskResult.objects.get()
    assert task.task_path == "signatures.tasks.send_confirmation"
    assert task.args_kwargs["args"] == [Signature.objects.get().pk]


def test_an_address_the_server_refuses_for_good_is_marked_bouncing_and_not_retried(
    client, campaign, sign_data, run_tasks, smtp_server
):
    smtp_server.refuse = "550 5.1.1 No such mailbox"
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()

    signature = Signature.objects.get()
    assert signature.bounced_at is not None
    assert signature.bounce_reason == "550 5.1.1 No such mailbox"
    task = DBTaskResult.objects.get()
    assert (task.status, task.return_value) == (TaskResultStatus.SUCCESSFUL, "bounced")


def test_a_temporary_refusal_is_retried_later(client, campaign, sign_data, run_tasks, smtp_server):
    smtp_server.refuse = "451 4.7.1 Greylisted, try again later"
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()

    assert Signature.objects.get().bounced_at is None
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["args"][1] == 2

    smtp_server.refuse = None
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_tasks()
    assert len(smtp_server.messages) == 1


def test_a_task_that_runs_again_sends_nothing_twice(
    client, campaign, sign_data, run_tasks, smtp_server
):
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()
    # As when a worker died after sending and its task was queued again.
    DBTaskResult.objects.update(status=TaskResultStatus.READY)
    run_tasks()

    assert len(smtp_server.messages) == 1
    signature = Signature.objects.get()
    assert (signature.emails_sent, signature.emails_delivered) == (1, 1)


def test_a_mail_sent_again_is_the_same_message(client, campaign, sign_data, run_tasks, smtp_server):
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()
    # As when the worker died after the server's "250" but before recording it.
    Signature.objects.update(emails_delivered=0)
    DBTaskResult.objects.update(status=TaskResultStatus.READY)
    run_tasks()

    first, again = smtp_server.messages
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"].endswith("@localhost>")  # the sending domain
