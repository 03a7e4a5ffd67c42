from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petition_site.lib.network import network_hash
from signatures import counts
from signatures.models import CountDelta, CountryCount, Signature
from signatures.signing import services
from signatures.signing.services import SignatureData


def sign(campaign, n: int, country: str = "DE") -> int:
    data: SignatureData = {
        "first_name": "Signer",
        "last_name": f"N{n}",
        "email": f"signer{n}@example.org",
        "country": country,
        "consent": True,
    }
    return services.sign(
        campaign, data, language="en", network=network_hash("192.0.2.1")
    ).signature_id


def test_confirmations_are_counted_per_country(campaign):
    for n in range(3):
        services.confirm_signature(sign(campaign, n, "DE"))
    services.confirm_signature(sign(campaign, 9, "FR"))
    sign(campaign, 10, "FR")  # pending: not counted

    tally = counts.refresh(campaign)

    assert tally.total == 4
    assert tally.by_country == {"DE": 3, "FR": 1}
    assert not CountDelta.objects.exists()


def test_signing_never_updates_a_shared_counter_row(campaign):
    signature_id = sign(campaign, 1)
    with CaptureQueriesContext(connection) as queries:
        services.confirm_signature(signature_id)
    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert any('INSERT INTO "signatures_countdelta"' in sql for sql in writes)
    assert not any("signatures_countrycount" in sql for sql in writes)
    assert not any("signatures_campaign" in sql for sql in writes)


def test_recount_corrects_drift_and_reports_it(campaign):
    for n in range(2):
        services.confirm_signature(sign(campaign, n, "DE"))
    counts.refresh(campaign)
    CountryCount.objects.filter(country="DE").update(confirmed=7)
    Signature.objects.filter(last_name="N0").update(country="AT")  # changed behind our back

    out = StringIO()
    call_command("recount_signatures", "--campaign", campaign.slug, stdout=out)

    assert "DE corrected from 7 to 1" in out.getvalue()
    assert "AT corrected from 0 to 1" in out.getvalue()
    assert counts.refresh(campaign).by_country == {"AT": 1, "DE": 1}

    out = StringIO()
    call_command("recount_signatures", stdout=out)
    assert f"{campaign.slug}: counts are exact." in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_pending_deltas_are_not_counted_twice_by_a_recount(make_campaign):
    campaign = make_campaign()
    services.confirm_signature(sign(campaign, 1))
    # The delta is still unflushed when the recount starts.
    assert CountDelta.objects.count() == 1
    drift = counts.recount(campaign)
    assert drift == {}
    assert counts.refresh(campaign).total == 1
