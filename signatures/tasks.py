"""Where tasks queued before they moved to their rooms are found (signatures.tasks.X).

Each room keeps its own tasks now (signatures.mail.tasks, signatures.moderation.tasks,
signatures.handins.tasks); a task row names the function it runs by its path, so
rows queued under the old paths still run. Nothing new is queued here.
"""

from signatures.handins.tasks import claim_batch, prepare_batch_csv, prepare_batch_pdf
from signatures.mail.tasks import send_confirmation
from signatures.moderation.tasks import run_invalidation

__all__ = [
    "claim_batch",
    "prepare_batch_csv",
    "prepare_batch_pdf",
    "run_invalidation",
    "send_confirmation",
]
