"""seed_signatures: many confirmed rows at once, shaped as the model says a signature is."""

from io import StringIO

from django.core.management import call_command

from signatures.models import MAIL_OWED, Signature
from signatures.signing import consent


def test_seeded_rows_are_confirmed_signatures_with_today_s_consent_ready_for_a_batch(campaign):
    call_command(
        "seed_signatures",
        "--campaign",
        campaign.slug,
        "--country",
        "de",
        "--count",
        "5",
        stdout=StringIO(),
    )

    rows = Signature.objects.filter(campaign=campaign)
    assert rows.count() == 5
    assert set(rows.values_list("state", "country", "consent", "consent_version")) == {
        ("confirmed", "DE", True, consent.CURRENT_VERSION)
    }
    assert rows.values("email_canonical").distinct().count() == 5
    assert Signature.objects.unbatched().filter(campaign=campaign).count() == 5
    assert not rows.filter(MAIL_OWED).exists()  # confirmed: no mail owed
