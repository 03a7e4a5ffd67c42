"""Staff moving signatures between states: chosen ones, or an invalidation's matches."""

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import DatabaseError, connection, transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from petition_site.lib.network import network_hash
from signatures import counts
from signatures.models import Invalidation, Signature, SignatureQuerySet

BATCH_SIZE = 1000

State = Signature.State


class Action(StrEnum):
    RELEASE = "release"  # held, and its owner confirmed: it counts now
    CONFIRM = "confirm"  # counted whether or not its owner confirmed the address
    REJECT = "reject"
    SPAM = "spam"
    RESTORE = "restore"


def target_state(signature: Signature, action: Action) -> str:
    match action:
        case Action.RELEASE:
            proven = signature.state == State.HELD and signature.confirmed_at is not None
            return State.CONFIRMED if proven else signature.state
        case Action.CONFIRM:
            return State.CONFIRMED
        case Action.REJECT:
            return State.REJECTED
        case Action.SPAM:
            return State.SPAM
        case Action.RESTORE:
            if signature.state not in {State.REJECTED, State.SPAM, State.HELD}:
                return signature.state
            # Back to where it was: confirmed if the signer ever confirmed.
            return State.CONFIRMED if signature.confirmed_at else State.PENDING


def move(
    signatures: QuerySet[Signature] | Iterable[int],
    action: Action,
    user_id: int,
    reason: str = "",
    invalidation: Invalidation | None = None,
) -> int:
    """Apply ``action``; count deltas and one audit log entry per changed signature."""
    ids = (
        signatures.values_list("pk", flat=True)
        if isinstance(signatures, QuerySet)
        else list(signatures)
    )
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Signature.objects.select_for_update()
            .filter(pk__in=ids)
            .only(
                "pk",
                "state",
                "confirmed_at",
                "confirmed_by_staff_at",
                "campaign_id",
                "country",
                "invalidation_id",
                "hold_reason",
            )
            .order_by("pk")
        )
        deltas: Counter[tuple[int, str]] = Counter()
        # (old state, hold reason, new state, confirmed by staff without e-mail proof)
        changed: dict[tuple[str, str, str, bool], list[Signature]] = {}
        for signature in rows:
            new = target_state(signature, action)
            if new == signature.state:
                continue
            deltas[signature.campaign_id, signature.country.code] += (new == State.CONFIRMED) - (
                signature.state == State.CONFIRMED
            )
            unproven = new == State.CONFIRMED and signature.confirmed_at is None
            key = (signature.state, signature.hold_reason, new, unproven)
            changed.setdefault(key, []).append(signature)
            signature.state = new
            # Out of the hold, its reason no longer applies (the log keeps it).
            signature.hold_reason = Signature.HoldReason.NONE
            if unproven:
                signature.confirmed_at = signature.confirmed_by_staff_at = now
            if invalidation is not None:
                signature.invalidation = invalidation
            elif action == Action.RESTORE:
                signature.invalidation = None
        moved = [s for group in changed.values() for s in group]
        Signature.objects.bulk_update(
            moved, ["state", "confirmed_at", "confirmed_by_staff_at", "invalidation", "hold_reason"]
        )
        counts.record(deltas)
        why = f": {reason}" if reason else ""
        for (old, hold, new, unproven), group in changed.items():
            held = f" ({Signature.HoldReason(hold).label})" if hold else ""
            how = " by staff, without e-mail proof" if unproven else ""
            LogEntry.objects.log_actions(
                user_id, group, CHANGE, change_message=f"State {old}{held} → {new}{how}{why}"
            )
    return len(moved)


def change_country(signature_id: int, country: str, user_id: int) -> bool:
    """Correct a signature's country: the per-country counts follow and the log says so."""
    with transaction.atomic():
        signature = Signature.objects.select_for_update().get(pk=signature_id)
        old = signature.country.code
        if old == country:
            return False
        if signature.batch_id is not None:
            raise ValueError("The signature is in a hand-in batch: cancel the batch first")
        if signature.state == State.CONFIRMED:
            counts.record({(signature.campaign_id, old): -1, (signature.campaign_id, country): +1})
        signature.country = country
        signature.save(update_fields=["country"])
        LogEntry.objects.log_actions(
            user_id, [signature], CHANGE, change_message=f"Country {old} → {country}"
        )
    return True


def invalidation_queryset(invalidation: Invalidation) -> SignatureQuerySet:
    """Signatures the criteria match that still count or could count."""
    qs = Signature.objects.countable().filter(campaign_id=invalidation.campaign_id)
    if invalidation.email_domain:
        qs = qs.of_domain(invalidation.email_domain)
    if invalidation.network:
        value = invalidation.network.strip()
        hashed = network_hash(value) or value  # an address, or a hash from the dashboard
        qs = qs.filter(network_hash=hashed)
    if invalidation.country:
        qs = qs.filter(country=invalidation.country)
    if invalidation.created_from:
        qs = qs.filter(created_at__gte=invalidation.created_from)
    if invalidation.created_until:
        qs = qs.filter(created_at__lt=invalidation.created_until)
    if invalidation.name_pattern:
        # The full name as staff see it, "Given Family", so "Mickey Mouse" matches.
        full_name = Concat("first_name", Value(" "), "last_name", output_field=CharField())
        qs = qs.alias(shown_name=full_name).filter(shown_name__iregex=invalidation.name_pattern)
    return qs


def preview(invalidation: Invalidation, limit: int = 50) -> list[Signature] | None:
    """The first ``limit`` signatures the criteria match now, oldest first; None
    when a stored pattern does not run."""
    try:
        with transaction.atomic():
            return list(
                invalidation_queryset(invalidation)
                .only("first_name", "last_name", "email_canonical", "country", "created_at")
                .order_by("created_at", "pk")[:limit]
            )
    except DatabaseError:
        return None


REGEX_CHECK = {"postgresql": "SELECT '' ~* %s", "sqlite": "SELECT '' REGEXP %s"}


def pattern_error(pattern: str) -> str | None:
    """What the database says of a name pattern, or None when it runs it.

    The database, not Python, runs the pattern, and the two read some
    patterns differently (PostgreSQL has no (?P<name>...) groups).
    """
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(REGEX_CHECK[connection.vendor], [pattern])
    except DatabaseError as exc:
        return str(exc).splitlines()[0]
    return None


def matching_now(invalidation: Invalidation) -> int | None:
    """How many signatures the criteria match now; None when a stored pattern does not run."""
    try:
        with transaction.atomic():
            return invalidation_queryset(invalidation).count()
    except DatabaseError:
        return None


def run_invalidation_batch(invalidation_id: int) -> bool:
    """Move one batch; return True when more remain. Stops when cancelled."""
    invalidation = Invalidation.objects.active().filter(pk=invalidation_id).first()
    if invalidation is None:
        return False
    ids = list(
        invalidation_queryset(invalidation).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]
    )
    action = Action.SPAM if invalidation.mark_as == State.SPAM else Action.REJECT
    moved = move(ids, action, invalidation.created_by_id, str(invalidation), invalidation)
    more = len(ids) == BATCH_SIZE
    # Only a run still going may be advanced: a cancel in between wins.
    Invalidation.objects.active().filter(pk=invalidation_id).update(
        matched=invalidation.matched + moved,
        state=Invalidation.State.RUNNING if more else Invalidation.State.DONE,
        finished_at=None if more else timezone.now(),
    )
    return more
