"""The task table as an operator keeps it: finished results pruned, the rest kept."""

from datetime import timedelta

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signatures.mail import queue
from signatures.moderation.tasks import run_invalidation


def queued(status: str, finished_days_ago: float | None) -> DBTaskResult:
    result = run_invalidation.enqueue(1)
    finished = (
        timezone.now() - timedelta(days=finished_days_ago)
        if finished_days_ago is not None
        else None
    )
    DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished)
    return DBTaskResult.objects.get(pk=result.id)


def test_finished_results_older_than_the_kept_days_are_pruned_and_nothing_else(db):
    old_done = queued(TaskResultStatus.SUCCESSFUL, 20)
    old_failed = queued(TaskResultStatus.FAILED, 20)
    recent = queued(TaskResultStatus.SUCCESSFUL, 1)
    waiting = queued(TaskResultStatus.READY, None)

    assert queue.prune_finished(timedelta(days=14)) == 2

    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk}
    assert old_done.pk not in left and old_failed.pk not in left
