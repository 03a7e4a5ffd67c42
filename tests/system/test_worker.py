"""The mail worker stopped politely, or killed outright, in the middle of a send."""

import signal
import time

import pytest
from django.utils import timezone

from signatures.models import Signature
from tests import factories
from tests.system.smtp import SMTPServer


@pytest.fixture
def smtp():
    server = SMTPServer().start()
    yield server
    server.stop()


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
    signature.refresh_from_db()
    assert signature.emails_delivered == 0
    assert not Signature.objects.mail_due(timezone.now()).exists()  # held by the dead worker

    slow_smtp.inbox.stall = 0
    Signature.objects.filter(pk=signature.pk).update(mail_due_at=timezone.now())  # lease over
    worker(EMAIL_URL=slow_smtp.url)
    wait_until(lambda: Signature.objects.get(pk=signature.pk).emails_delivered == 1)

    time.sleep(1)
    assert len(slow_smtp.inbox.to(signature.email)) == 1


def test_two_workers_share_a_rush_and_send_each_mail_once(campaign, worker, smtp, settings):
    signatures = [factories.signature(campaign, Signature.State.PENDING) for _ in range(300)]
    for _ in range(2):
        worker(EMAIL_URL=smtp.url, MAIL_BATCH_SIZE="20")

    wait_until(lambda: not Signature.objects.filter(emails_delivered=0).exists(), seconds=60)

    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(s.email for s in signatures)


def test_the_mail_threads_of_one_worker_send_each_mail_once(campaign, worker, smtp):
    signatures = [factories.signature(campaign, Signature.State.PENDING) for _ in range(200)]
    worker(EMAIL_URL=smtp.url, MAIL_THREADS="4", MAIL_BATCH_SIZE="10")

    wait_until(lambda: not Signature.objects.filter(emails_delivered=0).exists(), seconds=60)

    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(s.email for s in signatures)
    assert smtp.inbox.connections >= 2  # the threads sent side by side, each on its own


def test_a_batch_that_outlasts_its_lease_is_renewed_and_each_mail_goes_out_once(
    campaign, worker, smtp
):
    # 30 mails at 0.6 s a RCPT take 18 s; the lease is 13 s (one send is 12 s at most).
    smtp.inbox.slow_rcpt = 0.6
    signatures = [factories.signature(campaign, Signature.State.PENDING) for _ in range(30)]
    url = f"smtp://127.0.0.1:{smtp.port}?timeout=1"
    for _ in range(2):
        worker(EMAIL_URL=url, MAIL_BATCH_SIZE="30", MAIL_LEASE_SECONDS="13", MAIL_THREADS="1")

    wait_until(lambda: not Signature.objects.filter(emails_delivered=0).exists(), seconds=60)
    time.sleep(1.5)  # a second claim of the same rows would be sending by now

    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(s.email for s in signatures)
