"""Confirmation mail through a real SMTP server on loopback, and through a dead one."""

import email
import re
import socket
from collections.abc import Iterator
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signatures.models import Signature


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_mailers(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def smtp_server(settings) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = smtp_mailers(port)
    yield inbox
    controller.stop()


def test_confirmation_travels_through_smtp_and_its_link_confirms(
    client, campaign, sign_data, run_tasks, smtp_server
):
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()

    [message] = smtp_server.messages
    assert message["To"] == "Ada.Lovelace@Example.org"
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
    port = free_port()  # nothing listens here yet
    settings.MAILERS = smtp_mailers(port)
    response = client.post(campaign.get_absolute_url(), sign_data)
    assert response.status_code == 302  # the signer never waits on SMTP
    run_tasks()

    signature = Signature.objects.get()
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["args"] == [signature.pk, 2]
    assert retry.run_after > timezone.now() + timezone.timedelta(seconds=50)

    # The server comes back and the retry falls due.
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_tasks()
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


def test_a_mail_that_fails_for_good_is_left_failed_for_staff_to_see(
    client, campaign, sign_data, run_tasks, settings
):
    settings.MAILERS = smtp_mailers(free_port())
    settings.MAIL_RETRY_LIMIT = 1
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()

    failed = DBTaskResult.objects.get()
    assert failed.status == TaskResultStatus.FAILED
    assert "ConnectionRefusedError" in failed.exception_class_path
    assert Signature.objects.exists()


def test_signature_and_its_mail_task_are_committed_together(client, campaign, sign_data):
    client.post(campaign.get_absolute_url(), sign_data)
    task = DBTaskResult.objects.get()
    assert task.task_path == "signatures.tasks.send_confirmation"
    assert task.args_kwargs["args"] == [Signature.objects.get().pk]
