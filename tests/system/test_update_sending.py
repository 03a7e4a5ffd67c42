"""An update to a thousand signers, sent by two workers, stopped half-way and resumed."""

import time
from collections import Counter

import pytest

from signatures.mail import updates
from signatures.models import Message, Signature, Update
from tests import factories
from tests.system.smtp import SMTPServer


@pytest.fixture
def smtp():
    server = SMTPServer().start()
    server.inbox.slow_rcpt = 0.004  # a real relay's pace, so the stop lands half-way
    yield server
    server.stop()


def sent(update: Update) -> int:
    return Message.objects.filter(kind="update", ref=update.pk, sent_at__isnull=False).count()


def wait_until(condition, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_an_update_stopped_half_way_and_resumed_reaches_each_signer_once(
    campaign, worker, smtp, organiser
):
    signers = [factories.signature(campaign, contact_opt_in=True) for _ in range(1000)]
    factories.signature(campaign, contact_opt_in=False)
    update = Update.objects.create(
        campaign=campaign,
        subjects={"en": "News"},
        texts={"en": "The petition was handed in."},
        created_by=organiser,
    )
    updates.start_sending(update.pk, organiser.pk)
    assert updates.queue_mails(update.pk) == 1000
    for _ in range(2):
        worker(EMAIL_URL=smtp.url, MAIL_BATCH_SIZE="20")

    wait_until(lambda: sent(update) >= 200)
    updates.stop(update.pk, organiser.pk)
    time.sleep(2)  # the batches in hand when it stopped are handed back
    held_at = sent(update)
    time.sleep(1)
    assert sent(update) == held_at < 1000  # nothing more goes out while stopped

    updates.resume(update.pk, organiser.pk)
    wait_until(lambda: sent(update) == 1000)
    time.sleep(1)

    received = Counter(message["To"] for message in smtp.inbox.messages)
    assert set(received) == {s.email for s in signers}
    assert set(received.values()) == {1}  # each signer once
    assert not Signature.objects.filter(contact_opt_in=False, messages__isnull=False).exists()
