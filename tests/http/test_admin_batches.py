import datetime
import io
import zipfile

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from pypdf import PdfReader

from signatures.handins import files as batch_files
from signatures.handins import services as handins
from signatures.models import Batch, BatchFile
from tests import factories
from tests.helpers import read_csv


def test_staff_without_export_permission_gets_403(
    client, moderator, campaign, make_signatures, run_tasks
):
    make_signatures(1, country="DE")
    [batch] = handins.make(campaign, "DE", None)
    run_tasks()
    client.force_login(moderator)
    for url in [
        *(reverse("admin:signatures_batch_file", args=[f.pk]) for f in BatchFile.objects.all()),
        reverse("admin:signatures_batch_csv", args=[batch.pk]),
        reverse("admin:signatures_batch_pdf", args=[batch.pk]),
        reverse("admin:signatures_batch_zip", args=[campaign.pk]),
        reverse("admin:signatures_batch_campaign", args=[campaign.pk]),
        reverse("admin:signatures_batch_full_csv", args=[batch.pk]),
    ]:
        assert client.get(url).status_code == 403, url


def test_the_full_export_with_addresses_needs_its_own_permission(
    client, organiser, campaign, make_signatures, django_user_model
):
    [signature] = make_signatures(1, country="DE")
    batch = factories.batch(campaign, "DE", None)
    client.force_login(organiser)
    url = reverse("admin:signatures_batch_full_csv", args=[batch.pk])
    assert client.get(url).status_code == 403

    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    [_header, row] = read_csv(b"".join(client.get(url).streaming_content))
    assert signature.email in row


def test_organiser_makes_batches_and_downloads_them_as_one_zip(
    client, organiser, campaign, make_signatures, run_tasks
):
    make_signatures(2, country="DE")
    make_signatures(1, country="ES")
    client.force_login(organiser)
    table = reverse("admin:signatures_batch_campaign", args=[campaign.pk])

    assert client.post(table, {"country": "all"}).status_code == 302
    run_tasks()
    response = client.get(reverse("admin:signatures_batch_zip", args=[campaign.pk]))
    assert response.streaming

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert [n.rsplit(".", 1)[1] for n in names] == ["csv", "pdf", "csv", "pdf"]
    assert "-DE-" in names[0] and "-ES-" in names[2]
    assert len(read_csv(archive.read(names[0]))) == 3


def test_the_organiser_sets_the_date_of_hand_in_and_the_cover_letter_carries_it(
    client, organiser, campaign, make_signatures, run_tasks
):
    make_signatures(1, country="DE")
    client.force_login(organiser)
    table = reverse("admin:signatures_batch_campaign", args=[campaign.pk])

    response = client.post(table, {"country": "DE", "hand_in_on": "2026-12-10"})

    assert response.status_code == 302
    batch = Batch.objects.get()
    assert batch.hand_in_on == datetime.date(2026, 12, 10)
    run_tasks()
    pdf = BatchFile.objects.get(batch=batch, kind="pdf")
    with batch_files.storage().open(pdf.name, "rb") as content:
        letter = PdfReader(content).pages[0].extract_text()
    assert "Date of hand-in" in letter and "10 December 2026" in letter


def test_batches_are_handed_in_by_recording_the_hand_in_not_by_a_list_action(
    client, organiser, campaign
):
    client.force_login(organiser)
    page = client.get(reverse("admin:signatures_batch_changelist")).content.decode()
    assert "mark_selected_handed_in" not in page
    batch_page = client.get(reverse("admin:signatures_batch_campaign", args=[campaign.pk]))
    assert "Record a hand-in" in batch_page.content.decode()


@pytest.mark.parametrize("country", ["", "XX", "D", "de-DE", "ALL"])
def test_a_batch_without_a_real_country_is_a_form_error(
    client, organiser, campaign, make_signatures, country
):
    make_signatures(2, country="DE")
    make_signatures(1, country="FR")
    client.force_login(organiser)

    answer = client.post(
        reverse("admin:signatures_batch_campaign", args=[campaign.pk]), {"country": country}
    )

    assert answer.status_code == 200
    assert "Choose a country from the list." in answer.content.decode()
    assert not Batch.objects.exists()


def test_a_batch_for_one_country_by_its_code(
    client, organiser, campaign, make_signatures, run_tasks
):
    make_signatures(2, country="DE")
    make_signatures(1, country="FR")
    client.force_login(organiser)

    client.post(reverse("admin:signatures_batch_campaign", args=[campaign.pk]), {"country": "de"})
    run_tasks()

    assert [(b.country.code, b.signature_count) for b in Batch.objects.all()] == [("DE", 2)]


def test_a_prepared_file_downloads_privately_and_the_download_is_logged(
    client, organiser, campaign, make_signatures, run_tasks
):
    make_signatures(2, country="DE")
    [batch] = handins.make(campaign, "DE", None)
    run_tasks()
    client.force_login(organiser)
    pdf = BatchFile.objects.get(kind="pdf")

    response = client.get(reverse("admin:signatures_batch_file", args=[pdf.pk]))

    assert response.streaming
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert response["Content-Length"] == str(pdf.size)
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    logged = LogEntry.objects.get(object_id=str(batch.pk))
    assert logged.change_message == f"Downloaded {pdf.filename} (SHA-256 {pdf.sha256})"
    assert logged.user == organiser


def test_the_batch_page_shows_progress_and_refreshes_itself_until_ready(
    client, organiser, campaign, make_signatures, run_tasks
):
    make_signatures(3, country="DE")
    client.force_login(organiser)
    page = reverse("admin:signatures_batch_campaign", args=[campaign.pk])
    client.post(page, {"country": "DE"})

    waiting = client.get(page).content.decode()
    assert '<progress value="0"' in waiting
    assert "data-check-again" in waiting and "js/staff.js" in waiting
    assert "Queued" in waiting

    run_tasks()
    ready = client.get(page).content.decode()
    assert "<progress" not in ready and "data-check-again" not in ready
    assert "version 1" in ready


def test_a_failure_is_shown_with_its_reason_and_a_retry_button(
    client, organiser, campaign, make_signatures
):
    make_signatures(1, country="DE")
    [batch] = handins.make(campaign, "DE", None)
    Batch.objects.filter(pk=batch.pk).update(files="failed", files_error="PDF volume 1: disk full")
    client.force_login(organiser)
    page = reverse("admin:signatures_batch_campaign", args=[campaign.pk])

    html = client.get(page).content.decode()
    assert "Preparing the files failed: PDF volume 1: disk full" in html
    assert 'name="files" value="retry"' in html

    client.post(page, {"files": "retry", "batch": batch.pk})
    batch.refresh_from_db()
    assert (batch.files, batch.files_error) == ("queued", "")


def test_the_batch_list_filters_by_the_countries_that_have_batches(
    client, organiser, campaign, make_signatures
):
    make_signatures(1, country="DE")
    make_signatures(1, country="NO")
    handins.make(campaign, "all", None)
    client.force_login(organiser)

    changelist = client.get(reverse("admin:signatures_batch_changelist"))

    specs = changelist.context["cl"].filter_specs
    spec = next(f for f in specs if getattr(f, "parameter_name", "") == "country")
    assert [code for code, _name in spec.lookup_choices] == ["DE", "NO"]


def test_the_batch_page_shows_the_letter_s_addressee_and_sender_before_a_batch_is_made(
    client, organiser, campaign
):
    campaign.sender_signatory = "Maria Beispiel"
    campaign.save()
    client.force_login(organiser)

    html = client.get(reverse("admin:signatures_batch_campaign", args=[campaign.pk])).text

    assert "The Attorney General" in html and "Dear Attorney General," in html
    assert "Maria Beispiel, Free Press Campaign" in html
    assert "handin@free-press-campaign.org" in html
    assert "No files can be prepared" not in html


@pytest.mark.parametrize(
    ("organisation", "contact"),
    [("", ""), ("Free Press Campaign", ""), ("", "handin@free-press-campaign.org")],
    ids=["no sender", "no contact", "no organisation"],
)
def test_preparing_files_is_refused_until_the_letter_names_a_real_sender(
    client, organiser, campaign, make_signatures, settings, organisation, contact
):
    # The settings' own defaults: what a letter said when nobody named the organisers.
    settings.HANDIN_ORGANISATION = "The campaign organisers"
    settings.HANDIN_CONTACT = "privacy@example.org"
    campaign.sender_organisation, campaign.sender_contact = organisation, contact
    campaign.save()
    make_signatures(2, country="DE")
    client.force_login(organiser)
    page = reverse("admin:signatures_batch_campaign", args=[campaign.pk])

    before = client.get(page).text
    assert "No files can be prepared until the sender is filled in." in before
    answer = client.post(page, {"country": "all"}, follow=True)

    assert "Nothing was prepared:" in answer.text
    assert not Batch.objects.exists()
    with pytest.raises(handins.SenderMissing):
        handins.make(campaign, "DE", None)
