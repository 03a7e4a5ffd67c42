import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from signatures import counts
from signatures.models import Signature


def test_privacy_notice_names_the_controller_and_contact(client, db, settings):
    settings.PRIVACY_CONTROLLER = "Example Section of the Campaign"
    settings.PRIVACY_CONTACT = "dpo@example.org"
    html = client.get("/en/privacy/").content.decode()
    assert "Example Section of the Campaign" in html
    assert 'href="mailto:dpo@example.org"' in html


def test_the_form_links_to_the_privacy_notice(client, campaign):
    assert b'href="/en/privacy/"' in client.get(campaign.get_absolute_url()).content


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
    from signatures import services

    [mine] = make_signatures(1, email="Ada.Lovelace+petition@gmail.com")
    other = make_campaign(slug="other")
    data = {
        "first_name": "Ada",
        "last_name": "L",
        "email": "adalovelace@googlemail.com",
        "country": "GB",
        "consent": True,
    }
    services.sign(other, data, language="en", ip="")
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


def test_admin_export_of_personal_data_needs_its_own_permission(
    client, organiser, make_signatures, django_user_model
):
    [signature] = make_signatures(1)
    changelist = reverse("admin:signatures_signature_changelist")
    action = {"action": "export_personal_data", "_selected_action": [signature.pk]}

    client.force_login(organiser)
    refused = client.post(changelist, action)
    assert refused.status_code == 302  # action not offered: back to the list

    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    response = client.post(changelist, action)
    assert response["Content-Disposition"] == 'attachment; filename="signatures.json"'
    assert json.loads(response.content)[0]["email"] == signature.email
    assert LogEntry.objects.filter(change_message="Exported for a data-subject request").exists()


def test_admin_erase_lowers_the_count_and_is_logged(
    client, campaign, make_signatures, django_user_model
):
    [signature, _other] = make_signatures(2)
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    client.post(
        reverse("admin:signatures_signature_changelist"),
        {"action": "erase_personal_data", "_selected_action": [signature.pk], "reason": "asked"},
    )
    assert not Signature.objects.filter(pk=signature.pk).exists()
    assert counts.refresh(campaign).total == 1
    assert LogEntry.objects.get(action_flag=DELETION).change_message == "Erased: asked"
