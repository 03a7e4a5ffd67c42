import threading

import pytest
from django.db import connection

from signatures.handins import batches
from signatures.handins import services as handins
from signatures.models import Batch, Signature
from signatures.moderation import states as moderation
from signatures.signing.services import SignatureData
from tests import factories


def test_a_batch_holds_exactly_the_countrys_confirmed_signatures(
    campaign, make_signatures, organiser
):
    german = make_signatures(3, country="DE")
    make_signatures(2, country="FR")
    make_signatures(1, country="DE", confirm=False)
    spam = make_signatures(1, country="DE")
    moderation.move([spam[0].pk], moderation.Action.SPAM, organiser.pk)

    batch = factories.batch(campaign, "DE", organiser)

    assert batch.signature_count == 3
    assert set(batch.signatures.values_list("pk", flat=True)) == {s.pk for s in german}
    assert batch.created_by == organiser


def test_a_second_batch_holds_only_the_newcomers(campaign, make_signatures):
    make_signatures(2, country="DE")
    first = factories.batch(campaign, "DE", None)
    newcomers = make_signatures(2, country="DE")

    second = factories.batch(campaign, "DE", None)

    assert set(second.signatures.values_list("pk", flat=True)) == {s.pk for s in newcomers}
    assert first.signatures.count() == 2
    assert handins.make(campaign, "DE", None, fill=True) == []
    assert Batch.objects.count() == 2


def test_cancelling_returns_the_signatures_to_the_pool(campaign, make_signatures):
    make_signatures(2, country="DE")
    batch = factories.batch(campaign, "DE", None)

    assert batches.cancel_batch(batch) == 2

    batch.refresh_from_db()
    assert batch.state == Batch.State.CANCELLED
    assert batches.pool(campaign, "DE").count() == 2
    assert factories.batch(campaign, "DE", None).signature_count == 2


def test_a_handed_in_batch_cannot_be_cancelled(campaign, make_signatures):
    make_signatures(1, country="DE")
    batch = factories.batch(campaign, "DE", None)
    Batch.objects.filter(pk=batch.pk).update(files=Batch.Files.READY)  # as the worker leaves it
    assert handins.mark_handed_in(batch, "US Embassy Berlin")
    assert batches.cancel_batch(batch) == 0
    batch.refresh_from_db()
    assert batch.state == Batch.State.HANDED_IN
    assert batch.handed_in_where == "US Embassy Berlin"


def test_batches_for_every_country_at_once(campaign, make_signatures):
    make_signatures(2, country="DE")
    make_signatures(1, country="FR")
    made = handins.make(campaign, "all", None, fill=True)
    assert sorted((b.country.code, b.signature_count) for b in made) == [("DE", 2), ("FR", 1)]


def test_country_table_shows_waiting_signatures_and_past_batches(campaign, make_signatures):
    make_signatures(2, country="DE")
    batch = factories.batch(campaign, "DE", None)
    make_signatures(1, country="DE")
    [row] = batches.country_table(campaign)
    assert (row["name"], row["confirmed"], row["waiting"]) == ("Germany", 3, 1)
    assert row["batches"] == [batch]


@pytest.mark.django_db(transaction=True)
def test_two_organisers_at_the_same_moment_never_share_a_signature(make_campaign):
    from signatures.signing import services

    campaign = make_campaign(requires_confirmation=False)
    for n in range(200):
        data: SignatureData = {
            "first_name": "A",
            "last_name": f"B{n}",
            "email": f"c{n}@example.org",
            "country": "DE",
            "consent": True,
        }
        services.sign(campaign, data, language="en", network="")
    barrier = threading.Barrier(4)
    made: list = []

    def create() -> None:
        barrier.wait()
        try:
            made.extend(handins.make(campaign, "DE", None, fill=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    real = made
    assert sum(b.signature_count for b in real) == 200
    assert Signature.objects.filter(batch__isnull=True).count() == 0
    assert Batch.objects.count() == len(real)
