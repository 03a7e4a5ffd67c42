"""The queues as an operator sees them: tasks whose worker died, and how long work waits.

Two queues: the task table (invalidations, hand-in files) and the mail owed by
signature rows (signatures.mail.outbox).
"""

import logging
from datetime import timedelta

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from signatures.models import Signature

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


def prune_finished(keep: timedelta) -> int:
    """Delete the results of tasks that finished longer than ``keep`` ago.

    django-tasks-db keeps every row; without this the task table grows for
    ever. Failed ones are kept as long: staff may still look at them.
    """
    deleted, _by_model = (
        DBTaskResult.objects.finished().filter(finished_at__lt=timezone.now() - keep).delete()
    )
    if deleted:
        logger.info("Pruned %d finished task results", deleted)
    return deleted


def oldest_wait() -> timedelta:
    """How long the mail or task that is due longest has been waiting for a worker."""
    now = timezone.now()
    mail_due = (
        Signature.objects.mail_due(now)
        .order_by("mail_due_at")
        .values_list("mail_due_at", flat=True)
        .first()
    )
    ready = DBTaskResult.objects.ready()
    # run_after holds a far-future sentinel for "as soon as possible".
    asap = ready.filter(run_after=get_date_max()).order_by("enqueued_at")
    delayed = ready.exclude(run_after=get_date_max()).order_by("run_after")
    due_since = [
        moment
        for moment in [
            asap.values_list("enqueued_at", flat=True).first(),
            delayed.values_list("run_after", flat=True).first(),
            mail_due,
        ]
        if moment is not None
    ]
    if not due_since:
        return timedelta(0)
    return max(now - min(due_since), timedelta(0))
