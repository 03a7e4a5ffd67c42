from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from signatures import services
from signatures.models import Signature


def test_purge_deletes_only_old_pending_signatures(campaign):
    def sign(n: int, age_days: int, confirm: bool = False) -> None:
        data = {
            "first_name": "S",
            "last_name": str(n),
            "email": f"s{n}@example.org",
            "country": "ES",
            "consent": True,
        }
        pk = services.sign(campaign, data, language="en", ip="").signature_id
        if confirm:
            services.confirm(pk)
        Signature.objects.filter(pk=pk).update(created_at=timezone.now() - timedelta(days=age_days))

    sign(1, age_days=40)
    sign(2, age_days=40, confirm=True)
    sign(3, age_days=2)

    out = StringIO()
    call_command("purge_unconfirmed", "--days", "30", stdout=out)

    assert "Deleted 1 unconfirmed" in out.getvalue()
    assert sorted(Signature.objects.values_list("last_name", flat=True)) == ["2", "3"]
