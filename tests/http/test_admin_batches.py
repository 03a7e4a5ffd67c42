import io
import zipfile

import pytest
from django.urls import reverse

from signatures import batches
from signatures.models import Batch
from tests.helpers import read_csv


def test_staff_without_export_permission_gets_403(client, moderator, campaign, make_signatures):
    make_signatures(1, country="DE")
    batch = batches.create(campaign, "DE", None)
    client.force_login(moderator)
    for url in [
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
    batch = batches.create(campaign, "DE", None)
    client.force_login(organiser)
    url = reverse("admin:signatures_batch_full_csv", args=[batch.pk])
    assert client.get(url).status_code == 403

    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    [_header, row] = read_csv(b"".join(client.get(url).streaming_content))
    assert signature.email in row


def test_organiser_makes_batches_and_downloads_them_as_one_zip(
    client, organiser, campaign, make_signatures
):
    make_signatures(2, country="DE")
    make_signatures(1, country="ES")
    client.force_login(organiser)
    table = reverse("admin:signatures_batch_campaign", args=[campaign.pk])

    assert client.post(table, {"country": "all"}).status_code == 302
    response = client.get(reverse("admin:signatures_batch_zip", args=[campaign.pk]))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert [n.rsplit(".", 1)[1] for n in names] == ["csv", "pdf", "csv", "pdf"]
    assert "-DE-" in names[0] and "-ES-" in names[2]
    assert len(read_csv(archive.read(names[0]))) == 3


def test_mark_handed_in_from_the_batch_list(client, organiser, campaign, make_signatures):
    make_signatures(1, country="DE")
    batch = batches.create(campaign, "DE", None)
    client.force_login(organiser)
    client.post(
        reverse("admin:signatures_batch_changelist"),
        {"action": "mark_handed_in", "_selected_action": [batch.pk], "where": "Berlin"},
    )
    batch.refresh_from_db()
    assert (batch.state, batch.handed_in_where) == ("handed_in", "Berlin")


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


def test_a_batch_for_one_country_by_its_code(client, organiser, campaign, make_signatures):
    make_signatures(2, country="DE")
    make_signatures(1, country="FR")
    client.force_login(organiser)

    client.post(reverse("admin:signatures_batch_campaign", args=[campaign.pk]), {"country": "de"})

    assert [(b.country.code, b.signature_count) for b in Batch.objects.all()] == [("DE", 2)]
