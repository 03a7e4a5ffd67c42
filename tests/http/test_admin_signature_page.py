"""A signature's own page: its decisions as buttons, and its history beside them."""

import re

from django.urls import reverse

from signatures import counts
from signatures.models import Signature
from tests import factories


def page(client, signature) -> str:
    response = client.get(reverse("admin:signatures_signature_change", args=[signature.pk]))
    assert response.status_code == 200
    return response.content.decode()


def decide(client, signature, action: str, reason: str = ""):
    return client.post(
        reverse("admin:signatures_signature_moderate", args=[signature.pk]),
        {"action": action, "reason": reason},
    )


def buttons(html: str) -> list[str]:
    return re.findall(r'<button type="submit" name="action" value="(\w+)"', html)


def test_a_held_signature_whose_owner_confirmed_is_released_by_its_button(
    client, moderator, campaign
):
    held = factories.signature(campaign, Signature.State.HELD)
    Signature.objects.filter(pk=held.pk).update(confirmed_at=held.created_at)
    client.force_login(moderator)
    assert buttons(page(client, held)) == ["release", "reject", "spam"]

    response = decide(client, held, "release", "a real person")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:signatures_signature_change", args=[held.pk])
    held.refresh_from_db()
    assert held.state == Signature.State.CONFIRMED
    assert held.hold_reason == ""  # a released signature shows no hold reason
    assert counts.refresh(campaign).total == 1
    html = page(client, held)
    assert "State held (Past a rate limit) → confirmed: a real person" in html
    assert html.count("Past a rate limit") == 1  # in its history only


def test_the_history_lists_each_decision_with_who_made_it(client, moderator, campaign):
    signature = factories.signature(campaign)
    client.force_login(moderator)

    decide(client, signature, "spam", "bot wave")
    decide(client, signature, "restore")
    html = page(client, signature)

    assert buttons(html) == ["reject", "spam"]
    first = html.index("State spam → confirmed")
    second = html.index("State confirmed → spam: bot wave")
    assert first < second  # newest first
    assert html.count("moderators:") == 2


def test_confirming_without_proof_needs_a_reason(client, moderator, campaign):
    pending = factories.signature(campaign, Signature.State.PENDING)
    client.force_login(moderator)
    assert "confirm" in buttons(page(client, pending))

    decide(client, pending, "confirm")
    pending.refresh_from_db()
    assert pending.state == Signature.State.PENDING

    decide(client, pending, "confirm", "signed on paper at the stall, known to us")
    pending.refresh_from_db()
    assert pending.state == Signature.State.CONFIRMED
    assert pending.confirmed_by_staff_at is not None


def test_a_decision_no_longer_open_changes_nothing(client, moderator, campaign):
    confirmed = factories.signature(campaign)
    client.force_login(moderator)

    decide(client, confirmed, "release")

    confirmed.refresh_from_db()
    assert confirmed.state == Signature.State.CONFIRMED


def test_a_get_on_the_decision_address_changes_nothing(client, moderator, campaign):
    signature = factories.signature(campaign)
    client.force_login(moderator)

    response = client.get(
        reverse("admin:signatures_signature_moderate", args=[signature.pk]), {"action": "spam"}
    )

    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.state == Signature.State.CONFIRMED
