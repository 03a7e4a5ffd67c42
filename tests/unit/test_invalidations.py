"""Starting, cancelling and reverting invalidations, without the admin."""

from signatures import counts
from signatures.models import Invalidation, Signature
from signatures.moderation import invalidations


def test_starting_queues_only_drafts_and_the_worker_moves_their_matches(
    campaign, moderator, make_signatures, run_tasks
):
    make_signatures(3, domain="bots.example")
    make_signatures(2)
    draft = Invalidation.objects.create(
        campaign=campaign, reason="bots", email_domain="bots.example", created_by=moderator
    )
    done = Invalidation.objects.create(
        campaign=campaign, reason="old", country="FR", created_by=moderator, state="done"
    )

    started = invalidations.start(Invalidation.objects.all(), moderator.pk)
    run_tasks()

    assert started == 1
    draft.refresh_from_db()
    done.refresh_from_db()
    assert (draft.state, draft.matched, done.state) == ("done", 3, "done")
    assert Signature.objects.filter(state="spam").count() == 3
    assert counts.refresh(campaign).total == 2


def test_starting_twice_queues_one_run(campaign, moderator, make_signatures):
    draft = Invalidation.objects.create(
        campaign=campaign, reason="bots", country="DE", created_by=moderator
    )
    assert invalidations.start(Invalidation.objects.filter(pk=draft.pk), moderator.pk) == 1
    assert invalidations.start(Invalidation.objects.filter(pk=draft.pk), moderator.pk) == 0
