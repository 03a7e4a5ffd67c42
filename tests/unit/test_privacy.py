import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.core.management import call_command
from django.utils import timezone

from signatures import counts
from signatures.models import Signature
from signatures.signing import services
from signatures.signing.services import SignatureData


def test_anonymize_erases_names_and_addresses_but_keeps_country_counts(campaign, make_signatures):
    make_signatures(2, country="DE")
    make_signatures(1, country="FR")
    before = counts.refresh(campaign)
    campaign.opens_at = timezone.now() - timedelta(days=200)
    campaign.closes_at = timezone.now() - timedelta(days=100)
    campaign.save()

    out = StringIO()
    call_command("anonymize_signatures", "--days", "90", stdout=out)

    assert "Anonymized 3 signatures" in out.getvalue()
    assert not Signature.objects.exclude(first_name="").exists()
    assert not Signature.objects.exclude(email="").exists()
    assert sorted(Signature.objects.values_list("country", flat=True)) == ["DE", "DE", "FR"]
    assert counts.recount(campaign) == {}
    assert counts.refresh(campaign) == before


def test_anonymize_erases_the_names_of_paper_signatures_without_an_address(
    campaign, make_signatures
):
    from signatures.paper import rows
    from signatures.paper import services as paper
    from tests import factories

    [row] = [rows.check({"given_name": "Käthe", "family_name": "K", "country": "DE"})[0]]
    assert row is not None
    paper.enter_row(
        campaign, row, sheet_code="X", language="de", user_id=factories.staff("Volunteers").pk
    )
    campaign.opens_at = timezone.now() - timedelta(days=200)
    campaign.closes_at = timezone.now() - timedelta(days=100)
    campaign.save()

    call_command("anonymize_signatures", "--days", "90", stdout=StringIO())
    call_command("anonymize_signatures", "--days", "90", stdout=StringIO())

    assert Signature.objects.get().first_name == ""
    assert Signature.objects.get().email_canonical.startswith("erased-")


def test_campaigns_closed_recently_are_not_anonymized(campaign, make_signatures):
    make_signatures(1)
    campaign.opens_at = timezone.now() - timedelta(days=20)
    campaign.closes_at = timezone.now() - timedelta(days=10)
    campaign.save()
    call_command("anonymize_signatures", "--days", "90", stdout=StringIO())
    assert Signature.objects.exclude(first_name="").count() == 1


def test_data_subject_request_finds_exports_and_erases(
    campaign, make_campaign, make_signatures, organiser
):
    from signatures.signing import services

    [mine] = make_signatures(1, email="Ada.Lovelace+petition@gmail.com")
    other = make_campaign(slug="other")
    data: SignatureData = {
        "first_name": "Ada",
        "last_name": "L",
        "email": "adalovelace@googlemail.com",
        "country": "GB",
        "consent": True,
    }
    services.sign(other, data, language="en", network="")
    make_signatures(1)  # someone else

    out = StringIO()
    call_command("data_subject_request", "ada.lovelace@gmail.com", stdout=out)
    exported = json.loads(out.getvalue())
    assert sorted(e["campaign"] for e in exported) == sorted([campaign.title, other.title])
    assert {e["email"] for e in exported} == {mine.email, "adalovelace@googlemail.com"}

    call_command(
        "data_subject_request",
        "ada.lovelace@gmail.com",
        "--erase",
        "--by",
        organiser.username,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert Signature.objects.count() == 1
    assert LogEntry.objects.filter(action_flag=DELETION).count() == 2
    assert counts.refresh(campaign).total == 1


def test_erase_needs_a_named_staff_member(make_signatures):
    from django.core.management.base import CommandError

    make_signatures(1, email="x@example.org")
    with pytest.raises(CommandError):
        call_command("data_subject_request", "x@example.org", "--erase", stdout=StringIO())
    assert Signature.objects.count() == 1


def test_purge_deletes_only_old_pending_signatures(campaign):
    def sign(n: int, age_days: int, confirm: bool = False) -> None:
        data: SignatureData = {
            "first_name": "S",
            "last_name": str(n),
            "email": f"s{n}@example.org",
            "country": "ES",
            "consent": True,
        }
        pk = services.sign(campaign, data, language="en", network="").signature_id
        if confirm:
            services.confirm_signature(pk)
        Signature.objects.filter(pk=pk).update(created_at=timezone.now() - timedelta(days=age_days))

    sign(1, age_days=40)
    sign(2, age_days=40, confirm=True)
    sign(3, age_days=2)

    out = StringIO()
    call_command("purge_unconfirmed", "--days", "30", stdout=out)

    assert "Deleted 1 unconfirmed" in out.getvalue()
    assert sorted(Signature.objects.values_list("last_name", flat=True)) == ["2", "3"]
