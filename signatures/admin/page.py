"""A signature's own page: the decisions open to staff as buttons, and its history."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from signatures.models import Signature
from signatures.moderation.states import Action

State = Signature.State


def decisions(signature: Signature) -> list[tuple[str, str]]:
    """(action, button label) for what staff may decide on ``signature`` now."""
    state, proven = signature.state, signature.confirmed_at is not None
    found: list[tuple[str, str]] = []
    if state == State.HELD and proven:
        found.append((Action.RELEASE, str(_("Release: it counts now"))))
    elif state == State.HELD:
        found.append((Action.RESTORE, str(_("Release: it counts once confirmed by e-mail"))))
    if state in {State.PENDING, State.HELD} and not proven:
        found.append((Action.CONFIRM, str(_("Confirm without e-mail proof"))))
    if state != State.REJECTED:
        found.append((Action.REJECT, str(_("Reject"))))
    if state != State.SPAM:
        found.append((Action.SPAM, str(_("Mark as spam"))))
    if state in {State.REJECTED, State.SPAM}:
        found.append((Action.RESTORE, str(_("Restore"))))
    return found


def history(signature: Signature, limit: int = 50) -> list[LogEntry]:
    """What staff did to it, newest first: the audit log's entries for this signature."""
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Signature),
            object_id=str(signature.pk),
        )
        .select_related("user")
        .order_by("-action_time")[:limit]
    )
