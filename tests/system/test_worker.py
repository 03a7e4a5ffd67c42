"""The mail worker stopped politely, or killed outright, in the middle of a send."""

import signal
import time

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from signatures.models import Signature
from tests import factories
from tests.system.smtp import SMTPServer


@pytest.fixture
def slow_smtp():
    server = SMTPServer().start()
    server.inbox.stall = 3.0  # the server takes its time to accept each message
    yield server
    server.stop()


def wait_until(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_sigterm_lets_the_current_mail_finish(campaign, worker, slow_smtp):
    signature = factories.signature(campaign, Signature.State.PENDING)
    process = worker(EMAIL_URL=slow_smtp.url)
    wait_until(slow_smtp.inbox.receiving.is_set)

    # A supervisor that loses patience, or Ctrl-C pressed twice.
    process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=15) == 0
    assert len(slow_smtp.inbox.to(signature.email)) == 1
    task = DBTaskResult.objects.get()
    assert (task.status, task.return_value) == (TaskResultStatus.SUCCESSFUL, "sent")
    signature.refresh_from_db()
    assert signature.emails_delivered == 1


def test_the_mail_of_a_killed_worker_is_sent_once_by_another_after_the_lease(
    campaign, worker, slow_smtp
):
    signature = factories.signature(campaign, Signature.State.PENDING)
    first = worker(EMAIL_URL=slow_smtp.url)
    wait_until(slow_smtp.inbox.receiving.is_set)

    first.kill()  # mid-send: the server never accepts that message
    first.wait(timeout=5)
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING

    slow_smtp.inbox.stall = 0
    worker(EMAIL_URL=slow_smtp.url, TASK_LEASE_SECONDS="2")
    wait_until(lambda: DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL)

    time.sleep(1)
    assert len(slow_smtp.inbox.to(signature.email)) == 1
    assert len(DBTaskResult.objects.get().worker_ids) == 2
