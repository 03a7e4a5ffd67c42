"""The floor for signing: the least a signature can cost under the same gunicorn.

A bare WSGI app, no Django request cycle: it parses the form and INSERTs the
site's own row into the site's own table (same indexes, same synchronous
commit), with the columns and values the model itself gives. The site's sign
POST is measured against it (docs/benchmarks.md): what it costs beyond this is
Django, the form, the checks and the answer.
"""

import os
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petition_site.settings")
django.setup()

from django.db import connection  # noqa: E402 (after django.setup)
from django.utils import timezone  # noqa: E402

from petition_site.lib.addresses import canonical_email  # noqa: E402
from signatures.models import Campaign, Signature  # noqa: E402
from signatures.signing import consent  # noqa: E402

FIELDS = [field for field in Signature._meta.concrete_fields if not field.primary_key]
COLUMNS = [str(field.column) for field in FIELDS]
INSERT = (
    f"INSERT INTO {Signature._meta.db_table} ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(FIELDS))})"
)
CAMPAIGN_ID = Campaign.objects.values_list("pk", flat=True).get(slug="assange")


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ["REQUEST_METHOD"] != "POST":  # the benchmark asking whether it is up
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]
    size = int(environ.get("CONTENT_LENGTH") or 0)
    form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
    now = timezone.now()
    row = Signature(
        campaign_id=CAMPAIGN_ID,
        public_id=uuid.uuid4(),
        first_name=form["first_name"],
        last_name=form["last_name"],
        email=form["email"],
        email_canonical=canonical_email(form["email"]),
        country=form["country"],
        consent=form.get("consent") == "on",
        consent_version=consent.CURRENT_VERSION,
        language="en",
        created_at=now,
        emails_sent=1,
        last_email_at=now,
        mail_due_at=now,
    )
    values = [f.get_db_prep_save(getattr(row, f.attname), connection) for f in FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(INSERT, values)
    start_response("302 Found", [("Location", "/en/assange/thanks/"), ("Content-Length", "0")])
    return [b""]
