import re
import threading

import pytest
from django.db import connection

from signatures.models import Signature


def test_valid_signature_is_stored_once_with_consent_proof(client, campaign, sign_data):
    response = client.post(
        campaign.get_absolute_url(), sign_data | {"contact_opt_in": "on"}, REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 302
    assert response["Location"] == f"/en/{campaign.slug}/thanks/"
    signature = Signature.objects.get()
    assert signature.email == "Ada.Lovelace@example.org"  # the domain in its standard form
    assert signature.email_canonical == "ada.lovelace@example.org"
    assert signature.country.code == "GB"
    assert signature.consent is True
    assert signature.contact_opt_in is True
    assert signature.consent_version == "2026-11"
    assert signature.state == Signature.State.PENDING
    assert len(signature.network_hash) == 32
    assert "203.0.113" not in signature.network_hash


def test_contact_opt_in_is_off_unless_ticked(client, campaign, sign_data):
    client.post(campaign.get_absolute_url(), sign_data)
    assert Signature.objects.get().contact_opt_in is False


def test_addresses_in_one_network_share_a_hash_and_others_do_not(client, campaign, sign_data):
    url = campaign.get_absolute_url()
    client.post(url, sign_data, REMOTE_ADDR="203.0.113.9")
    client.post(url, sign_data | {"email": "b@example.org"}, REMOTE_ADDR="203.0.113.200")
    client.post(url, sign_data | {"email": "c@example.org"}, REMOTE_ADDR="198.51.100.1")
    hashes = list(Signature.objects.order_by("pk").values_list("network_hash", flat=True))
    assert hashes[0] == hashes[1] != hashes[2]


def test_thank_you_page_has_share_links_with_the_campaign_url(client, campaign):
    html = client.get(f"/en/{campaign.slug}/thanks/").content.decode()
    assert "https%3A//petition.example.org/en/test-action/" in html
    assert 'value="https://petition.example.org/en/test-action/"' in html
    assert "<script" not in html


@pytest.mark.parametrize(
    "again",
    ["ada.lovelace@example.org", " ADA.LOVELACE@EXAMPLE.ORG ", "ada.lovelace+x@example.org"],
)
def test_signing_again_stores_nothing_and_answers_like_a_first_signature(
    client, campaign, sign_data, again
):
    first = client.post(campaign.get_absolute_url(), sign_data)
    second = client.post(campaign.get_absolute_url(), sign_data | {"email": again})

    assert Signature.objects.count() == 1
    assert second.status_code == first.status_code == 302
    assert second["Location"] == first["Location"]
    assert without_tokens(client.get(second["Location"])) == without_tokens(
        client.get(first["Location"])
    )


def without_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_address_leave_exactly_one_row(make_campaign, sign_data):
    from django.test import Client

    campaign = make_campaign()
    url = campaign.get_absolute_url()
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def submit(n: int) -> None:
        barrier.wait()
        try:
            response = Client().post(url, sign_data | {"email": f"ADA.lovelace+{n}@example.org"})
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * 8
    assert Signature.objects.filter(campaign=campaign).count() == 1
