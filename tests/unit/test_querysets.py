"""The named rules the modules share: which signatures count, wait, or may be batched."""

from django.apps import apps
from django.contrib.auth.models import Group

from signatures.handins import batches
from signatures.handins import services as handins
from signatures.models import Batch, Invalidation, Signature
from signatures.staff import roles
from tests import factories

State = Signature.State


def states(queryset) -> list[str]:
    return sorted(queryset.values_list("state", flat=True))


def test_confirmed_are_the_signatures_that_count(campaign):
    for state in State:
        factories.signature(campaign, state)

    assert states(Signature.objects.confirmed()) == ["confirmed"]


def test_awaiting_confirmation_are_pending_or_held_without_a_confirmation(campaign):
    for state in State:
        factories.signature(campaign, state)
    confirmed_but_held = factories.signature(campaign, State.HELD)
    Signature.objects.filter(pk=confirmed_but_held.pk).update(confirmed_at=campaign.opens_at)

    assert states(Signature.objects.awaiting_confirmation()) == ["held", "pending"]


def test_countable_are_what_an_invalidation_may_move(campaign):
    for state in State:
        factories.signature(campaign, state)

    assert states(Signature.objects.countable()) == ["confirmed", "pending"]


def test_unbatched_are_confirmed_signatures_no_batch_holds(campaign):
    batched = factories.signature(campaign, country="DE")
    factories.batch(campaign, "DE", None)
    waiting = factories.signature(campaign, country="DE")
    factories.signature(campaign, State.PENDING)

    assert list(Signature.objects.unbatched()) == [waiting]
    assert batched not in Signature.objects.unbatched()


def test_of_address_finds_every_spelling_of_one_address(campaign, make_campaign):
    factories.signature(campaign, email="ada.lovelace@gmail.com")
    factories.signature(make_campaign(slug="other"), email="AdaLovelace+x@googlemail.com")
    factories.signature(campaign, email="someone@gmail.com")

    assert Signature.objects.of_address("ADALOVELACE@gmail.com").count() == 2


def test_active_invalidations_are_queued_or_running(campaign, moderator):
    for state in Invalidation.State:
        Invalidation.objects.create(
            campaign=campaign, reason=state, state=state, country="DE", created_by=moderator
        )

    assert sorted(Invalidation.objects.active().values_list("state", flat=True)) == [
        "queued",
        "running",
    ]


def test_prepared_batches_are_neither_handed_in_nor_cancelled(campaign):
    for country in ["DE", "FR", "ES"]:
        factories.signature(campaign, country=country)
    de, _es, fr = handins.make(campaign, "all", None, fill=True)  # by country code
    batches.cancel_batch(de)
    Batch.objects.filter(pk=fr.pk).update(files=Batch.Files.READY)  # as the worker leaves it
    assert handins.mark_handed_in(fr, "Paris")

    assert [b.country.code for b in Batch.objects.prepared()] == ["ES"]


def test_the_role_groups_hold_exactly_the_permissions_roles_defines(db):
    roles.sync(apps)
    for name, codes in roles.ROLES.items():
        granted = Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
        assert sorted(granted) == sorted(codes)
