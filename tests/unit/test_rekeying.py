"""Stored addresses keyed again under stricter rules: duplicates flagged, never deleted."""

from django.apps import apps
from django.core.management import call_command

from signatures import counts
from signatures.models import Signature
from signatures.signing import rekeying


def stored_before_the_rules(campaign, email: str) -> Signature:
    """A confirmed signature as the old rules stored it: the address as its own key."""
    signature = Signature.objects.create(
        campaign=campaign,
        first_name="Dup",
        last_name="Licate",
        email=email,
        email_canonical=email.lower(),
        country="DE",
        consent=True,
        consent_version="2026-11",
        language="en",
        state="confirmed",
        confirmed_at=campaign.opens_at,
    )
    counts.record({(campaign.pk, "DE"): +1})
    return signature


def test_one_mailbox_stored_four_times_is_flagged_for_moderators(campaign, capsys):
    first, *later = [
        stored_before_the_rules(campaign, email)
        for email in [
            "dup@example.net",
            "dup@e\u00adxample.net",
            "dup@ex\u200bample.net",
            "dup@\uff45xample.net",
        ]
    ]
    other = stored_before_the_rules(campaign, "someone@example.net")

    call_command("rekey_addresses")

    assert "3 signatures flagged" in capsys.readouterr().out
    first.refresh_from_db()
    assert (first.email_canonical, first.duplicate_of) == ("dup@example.net", None)
    for signature in later:
        signature.refresh_from_db()
        assert signature.duplicate_of == first
        assert signature.email_canonical == f"dup@example.net#{signature.pk}"
    other.refresh_from_db()
    assert other.duplicate_of is None
    assert Signature.objects.count() == 5  # nothing deleted
    assert counts.refresh(campaign).total == 5  # a moderator decides what counts
    assert rekeying.rekey(apps) == 0  # running it again changes nothing


def test_moderators_find_the_flagged_duplicates(admin_client, campaign):
    stored_before_the_rules(campaign, "dup@example.net")
    later = stored_before_the_rules(campaign, "dup@\uff45xample.net")
    rekeying.rekey(apps)

    page = admin_client.get("/admin/signatures/signature/", {"duplicate": "yes"})

    assert list(page.context["cl"].result_list) == [later]
