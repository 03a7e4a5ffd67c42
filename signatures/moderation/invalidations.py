"""Staff's invalidation runs: start one in the background, cancel it, revert it."""

import logging

from django.db.models import QuerySet
from django.utils import timezone

from signatures.models import Invalidation
from signatures.moderation.states import BATCH_SIZE, Action, State, move
from signatures.moderation.tasks import run_invalidation

logger = logging.getLogger(__name__)


def start(invalidations: QuerySet[Invalidation], user_id: int) -> int:
    """Queue each draft; the worker moves its matches in batches."""
    started = 0
    for invalidation in invalidations.filter(state=Invalidation.State.DRAFT):
        queued = Invalidation.objects.filter(
            pk=invalidation.pk, state=Invalidation.State.DRAFT
        ).update(state=Invalidation.State.QUEUED)
        if queued:
            run_invalidation.enqueue(invalidation.pk)
            logger.info("Staff #%s started %s", user_id, invalidation)
            started += 1
    return started


def cancel_invalidation(invalidation: Invalidation) -> bool:
    return bool(
        Invalidation.objects.active()
        .filter(pk=invalidation.pk)
        .update(state=Invalidation.State.CANCELLED, finished_at=timezone.now())
    )


def revert(invalidation: Invalidation, user_id: int) -> int:
    """Restore every signature this invalidation moved."""
    cancel_invalidation(invalidation)
    restored = 0
    while ids := list(
        invalidation.signatures.filter(state__in=[State.SPAM, State.REJECTED])
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH_SIZE]
    ):
        restored += move(ids, Action.RESTORE, user_id, f"revert {invalidation}")
    Invalidation.objects.filter(pk=invalidation.pk).update(state=Invalidation.State.REVERTED)
    logger.info("%s reverted by staff #%s: %d restored", invalidation, user_id, restored)
    return restored
