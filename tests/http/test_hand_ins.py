"""Hand-ins recorded by organisers from their batches, and shown to the public."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from signatures.handins import batches, services
from signatures.models import Batch, HandIn, Message
from tests import factories

RECORD = "admin:signatures_handin_add"


def jpeg_with_gps(size=(3000, 2000)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (52.0, 30.0, 0.0), 4: (13.0, 24.0, 0.0)}  # GPS latitude and longitude
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "JPEG", exif=exif)
    return out.getvalue()


def record(client, campaign, batches, **fields):
    data = {
        "country": "DE",
        "handed_in_on": "2026-11-20",
        "place": "US embassy, Berlin",
        "batches": [b.pk for b in batches],
        "note_en": "Handed in with a vigil.",
        "note_de": "Mit einer Mahnwache übergeben.",
        **fields,
    }
    return client.post(f"{reverse(RECORD)}?campaign={campaign.pk}", data)


def ready_batch(campaign, country, run_tasks) -> Batch:
    """A batch whose files the worker has prepared, as the batch page makes it."""
    [batch] = services.make(campaign, country, None)
    run_tasks()
    batch.refresh_from_db()
    assert batch.files == Batch.Files.READY
    return batch


@pytest.fixture
def german_batch(campaign, make_signatures, run_tasks):
    make_signatures(3, country="DE")
    return ready_batch(campaign, "DE", run_tasks)


def test_an_organiser_records_a_hand_in_from_the_batch_page_and_the_public_sees_it(
    client, organiser, campaign, german_batch
):
    client.force_login(organiser)
    batch_page = client.get(reverse("admin:signatures_batch_campaign", args=[campaign.pk]))
    assert f"{reverse(RECORD)}?campaign={campaign.pk}" in batch_page.content.decode()

    photo = SimpleUploadedFile("vigil.jpg", jpeg_with_gps(), "image/jpeg")
    response = record(client, campaign, [german_batch], photo=photo)

    assert response.status_code == 302
    hand_in = HandIn.objects.get()
    assert hand_in.handed_in_on == datetime.date(2026, 11, 20)  # the day, not the click
    assert hand_in.signature_count == 3  # from the batch, never typed
    german_batch.refresh_from_db()
    assert german_batch.state == Batch.State.HANDED_IN and german_batch.hand_in == hand_in
    client.logout()

    with translation.override("de"):
        public = reverse("signatures:hand_ins", args=[campaign.slug])
    page = client.get(public).content.decode()
    assert "US embassy, Berlin" in page and "Mit einer Mahnwache übergeben." in page
    assert "3 Unterschriften" in page
    [csv_file] = [f for f in german_batch.batch_files.all() if f.kind == "csv"]
    assert csv_file.sha256 in page and csv_file.filename in page

    picture = client.get(reverse("signatures:hand_in_photo", args=[campaign.slug, hand_in.pk]))
    assert picture["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(picture.content))
    assert max(image.size) == 1600
    assert not image.getexif()  # no camera, no place

    campaign_page = client.get(campaign.get_absolute_url()).content.decode()
    assert "US embassy, Berlin" in campaign_page and public in campaign_page
    count = json.loads(client.get(f"/{campaign.slug}/count.json").content)
    assert count["hand_ins"] == [
        {"country": "DE", "date": "2026-11-20", "place": "US embassy, Berlin", "signatures": 3}
    ]


def test_the_dashboard_lists_the_hand_ins(client, organiser, campaign, german_batch):
    client.force_login(organiser)
    record(client, campaign, [german_batch])
    dashboard = client.get(reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]))
    assert "US embassy, Berlin" in dashboard.content.decode()


def test_the_public_page_lists_hand_ins_newest_first_and_says_when_there_are_none(
    client, organiser, campaign, make_signatures, run_tasks
):
    assert (
        "Nothing has been handed in yet"
        in client.get(f"/en/{campaign.slug}/handins/").content.decode()
    )
    client.force_login(organiser)
    for country, day, place in [("DE", "2026-10-01", "Berlin"), ("FR", "2026-11-01", "Paris")]:
        make_signatures(1, country=country)
        batch = ready_batch(campaign, country, run_tasks)
        record(client, campaign, [batch], country=country, handed_in_on=day, place=place)
    page = client.get(f"/en/{campaign.slug}/handins/").content.decode()
    assert page.index("Paris") < page.index("Berlin")


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # a few kB, 400 megapixels
    return out.getvalue()


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (b"%PDF-1.7 not a picture", "not a photo the site can show"),
        (_bomb(), "not a photo the site can show"),
        (b"\xff\xd8" + b"0" * (50 * 1024 * 1024), "larger than 10 MB"),
    ],
    ids=["not an image", "decompression bomb", "50 MB"],
)
def test_a_photo_that_is_not_one_is_refused_and_nothing_is_recorded(
    client, organiser, campaign, german_batch, photo, message
):
    client.force_login(organiser)
    response = record(
        client, campaign, [german_batch], photo=SimpleUploadedFile("x.jpg", photo, "image/jpeg")
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not HandIn.objects.exists()
    german_batch.refresh_from_db()
    assert german_batch.state == Batch.State.PREPARED


def test_a_batch_of_another_country_or_a_cancelled_one_is_refused(
    client, organiser, campaign, german_batch, make_signatures, run_tasks
):
    make_signatures(1, country="FR")
    french = ready_batch(campaign, "FR", run_tasks)
    make_signatures(1, country="IT")
    cancelled = ready_batch(campaign, "IT", run_tasks)
    batches.cancel_batch(cancelled)
    client.force_login(organiser)

    other = record(client, campaign, [german_batch, french]).content.decode()
    assert f"Batch {french.pk} is of France, not of Germany" in other
    gone = record(client, campaign, [cancelled], country="IT").content.decode()
    assert f"Batch {cancelled.pk} is cancelled" in gone
    future = record(client, campaign, [german_batch], handed_in_on="2099-01-01").content.decode()
    assert "once it has happened" in future
    assert not HandIn.objects.exists()
    assert not Batch.objects.filter(state=Batch.State.HANDED_IN).exists()


def test_moderators_cannot_record_hand_ins(client, moderator, campaign, german_batch):
    client.force_login(moderator)
    assert record(client, campaign, [german_batch]).status_code == 403
    assert not HandIn.objects.exists()


def test_a_hand_in_queues_one_mail_per_informed_signer_of_its_batches_only(
    client, organiser, campaign, make_signatures, run_tasks
):
    told = factories.signature(campaign, country="DE", contact_opt_in=True)
    factories.signature(campaign, country="DE")  # did not ask
    left = factories.signature(campaign, country="DE", contact_opt_in=True)
    left.unsubscribed_at = timezone.now()
    left.save()
    factories.signature(campaign, country="FR", contact_opt_in=True)  # another batch
    batch = ready_batch(campaign, "DE", run_tasks)
    client.force_login(organiser)

    record(client, campaign, [batch])

    assert list(Message.objects.filter(kind="handin").values_list("signature_id", flat=True)) == [
        told.pk
    ]
    listed = client.get(reverse("admin:signatures_handin_changelist")).content.decode()
    assert "0 of 1" in listed  # queued, not yet sent
