"""The task queue as an operator sees it: tasks whose worker died, and how long work waits."""

import logging
from datetime import timedelta

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)


def requeue_stalled(lease: timedelta) -> int:
    """Queue again every task that has been running longer than ``lease``.

    A worker that is killed (SIGKILL, a lost machine) leaves its task marked
    running; after the lease another worker picks it up. Tasks are written to
    be run again safely: a confirmation mail already delivered is not sent twice.
    """
    requeued = (
        DBTaskResult.objects.running()
        .filter(started_at__lt=timezone.now() - lease)
        .update(status=TaskResultStatus.READY, run_after=timezone.now())
    )
    if requeued:
        logger.warning("Queued again %d tasks whose worker stopped answering", requeued)
    return requeued


def oldest_wait() -> timedelta:
    """How long the task that is due longest has been waiting for a worker."""
    ready = DBTaskResult.objects.ready()
    # run_after holds a far-future sentinel for "as soon as possible".
    asap = ready.filter(run_after=get_date_max()).order_by("enqueued_at")
    delayed = ready.exclude(run_after=get_date_max()).order_by("run_after")
    due_since = [
        moment
        for moment in [
            asap.values_list("enqueued_at", flat=True).first(),
            delayed.values_list("run_after", flat=True).first(),
        ]
        if moment is not None
    ]
    if not due_since:
        return timedelta(0)
    return max(timezone.now() - min(due_since), timedelta(0))
