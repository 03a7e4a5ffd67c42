"""Moderation tasks: take primary keys, call the moderation modules."""

from django.tasks import task

from signatures.moderation import states as moderation


@task()
def run_invalidation(invalidation_id: int) -> str:
    """One batch per task run, so a cancel takes effect between batches."""
    if moderation.run_invalidation_batch(invalidation_id):
        run_invalidation.enqueue(invalidation_id)
        return "more"
    return "finished"
