import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from signatures.models import Campaign, Signature
from signatures.signing import consent

# What varies from row to row, as SQL over generate_series' n; every other
# column takes the value below or the model's own default.
VARYING = {
    "public_id": "gen_random_uuid()",
    "first_name": "'Förnamn' || n",
    "last_name": "'Efternamn-' || n",
    "email": "%(prefix)s || n || %(suffix)s",
    "email_canonical": "%(prefix)s || n || %(suffix)s",
}


class Command(BaseCommand):
    help = (
        "Add COUNT confirmed signatures of one country, made by the database itself "
        "(generate_series): for trying and measuring hand-in batches at scale. PostgreSQL only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", default="assange", help="Campaign slug.")
        parser.add_argument("--country", required=True, help="ISO 3166 code, e.g. DE.")
        parser.add_argument("--count", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("seed_signatures needs PostgreSQL (generate_series).")
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"No campaign with slug {options['campaign']!r}.")
        country = options["country"].upper()
        sql, params = insert(campaign, country, options["count"])
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            added = cursor.rowcount
        self.stdout.write(f"{added} confirmed signatures added for {country}.")
        self.stdout.write("Counts: run `manage.py recount_signatures` to fold them in.")


def insert(campaign: Campaign, country: str, count: int) -> tuple[str, dict[str, Any]]:
    """INSERT … SELECT of ``count`` confirmed rows: the columns, and every value that
    does not vary, come from the model (its fields and their defaults)."""
    now = timezone.now()
    row = Signature(
        campaign=campaign,
        country=country,
        consent=True,
        consent_version=consent.CURRENT_VERSION,  # the wording signers agree to today
        language="en",
        state=Signature.State.CONFIRMED,
        created_at=now,
        confirmed_at=now,
        emails_sent=1,
        emails_delivered=1,
    )
    params: dict[str, Any] = {
        "count": count,
        "prefix": f"seed-{country}-",
        "suffix": f"-{secrets.token_hex(4)}@example.org",
    }
    columns, values = [], []
    for field in Signature._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(str(field.column)))
        if field.attname in VARYING:
            values.append(VARYING[field.attname])
        else:
            params[field.attname] = field.get_db_prep_save(getattr(row, field.attname), connection)
            values.append(f"%({field.attname})s")
    # Names from the model's metadata and the constants above; every value a parameter.
    sql = (
        f"INSERT INTO {Signature._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM generate_series(1, %(count)s) AS n"
    )
    return sql, params
