"""One factory per model. Signatures go through the signing service, so counts follow."""

from datetime import timedelta
from itertools import count
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.utils import timezone

from petition_site.lib.network import network_hash
from signatures.handins import services as handins
from signatures.models import Batch, Campaign, Signature
from signatures.signing import services
from signatures.staff import roles

_numbers = count()


def campaign(**fields: Any) -> Campaign:
    defaults = {
        "slug": "test-action",
        "title": "Free the press",
        "lead": "A lead paragraph.",
        "body": "First paragraph.\n\nSecond paragraph.",
        "call_to_action": "Sign now.",
        "petition_text": "Drop the charges.",
        "target": "The Attorney General",
        "salutation": "Dear Attorney General",
        "hand_in_note": "Handed in at embassies.",
        "sender_organisation": "Free Press Campaign",
        "sender_contact": "handin@free-press-campaign.org",
        "goal": 1000,
        "opens_at": timezone.now() - timedelta(days=1),
    }
    return Campaign.objects.create(**(defaults | fields))


def signature(
    campaign: Campaign,
    state: str = Signature.State.CONFIRMED,
    *,
    country: str = "DE",
    first_name: str = "Signer",
    last_name: str | None = None,
    email: str | None = None,
    domain: str = "example.org",
    ip: str = "192.0.2.1",
    language: str = "en",
    source: str = "",
    contact_opt_in: bool = False,
) -> Signature:
    """A signature in ``state``, reached the way signers and staff reach it."""
    i = next(_numbers)
    data: services.SignatureData = {
        "first_name": first_name,
        "last_name": last_name if last_name is not None else f"Number{i}",
        "email": email or f"signer{i}@{domain}",
        "country": country,
        "consent": True,
        "source": source,
        "contact_opt_in": contact_opt_in,
    }
    held = state == Signature.State.HELD
    hold = Signature.HoldReason.RATE_LIMIT if held else Signature.HoldReason.NONE
    result = services.sign(campaign, data, language=language, network=network_hash(ip), hold=hold)
    if state == Signature.State.CONFIRMED:
        services.confirm_signature(result.signature_id)
    elif state in {Signature.State.REJECTED, Signature.State.SPAM}:
        # Never confirmed, so never counted: no count delta to write.
        Signature.objects.filter(pk=result.signature_id).update(state=state)
    return Signature.objects.get(pk=result.signature_id)


def staff(group: str) -> User:
    """A staff user (password "pw") in one of the role groups of signatures.staff.roles."""
    if not Group.objects.filter(name=group).exists():
        roles.sync(apps)  # a transactional test before this one emptied the tables
    user = User.objects.create_user(group.lower(), f"{group.lower()}@example.org", "pw")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


def batch(campaign: Campaign, country: str, user: Any = None) -> Batch:
    """A batch of the country's waiting signatures, filled at once as the worker fills it
    (the domain's one way: handins.make)."""
    [made] = handins.make(campaign, country, user, fill=True)
    return made
