from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from signatures.models import Campaign
from signatures.signing import consent


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
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO signatures_signature
                    (campaign_id, public_id, first_name, last_name, email, email_canonical,
                     country, consent, contact_opt_in, consent_version, language, network_hash,
                     state, hold_reason, created_at, confirmed_at, emails_sent,
                     emails_delivered, bounce_reason, source, mail_attempts)
                SELECT %(campaign)s, gen_random_uuid(), 'Förnamn' || n, 'Efternamn-' || n,
                       'seed-' || %(country)s || '-' || n || '-' || s.nonce || '@example.org',
                       'seed-' || %(country)s || '-' || n || '-' || s.nonce || '@example.org',
                       %(country)s, true, false, %(consent)s, 'en', '', 'confirmed', '',
                       now(), now(), 1, 1, '', '', 0
                FROM generate_series(1, %(count)s) AS n,
                     (SELECT substr(md5(random()::text), 1, 8) AS nonce) AS s
                """,
                {
                    "campaign": campaign.pk,
                    "country": country,
                    "count": options["count"],
                    # The wording signers agree to today, as the sign form records it.
                    "consent": consent.CURRENT_VERSION,
                },
            )
            added = cursor.rowcount
        self.stdout.write(f"{added} confirmed signatures added for {country}.")
        self.stdout.write("Counts: run `manage.py recount_signatures` to fold them in.")
