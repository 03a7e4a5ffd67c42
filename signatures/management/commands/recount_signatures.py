from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from signatures import counts
from signatures.models import Campaign


class Command(BaseCommand):
    help = "Recount confirmed signatures from the rows and correct any drift in the stored counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", help="Slug of one campaign (default: all).")

    def handle(self, *, campaign: str | None, **options: object) -> None:
        campaigns = Campaign.objects.order_by("slug")
        if campaign:
            campaigns = campaigns.filter(slug=campaign)
            if not campaigns:
                raise CommandError(f"No campaign with slug {campaign!r}.")
        for c in campaigns:
            drift = self._recount(c)
            if not drift:
                self.stdout.write(f"{c.slug}: counts are exact.")
            for country, (was, now) in sorted(drift.items()):
                self.stdout.write(f"{c.slug}: {country} corrected from {was} to {now}.")

    def _recount(self, campaign: Campaign) -> dict[str, tuple[int, int]]:
        for _attempt in range(5):
            try:
                return counts.recount(campaign)
            except OperationalError:
                continue  # a concurrent flush moved the counts; take a new snapshot
        raise CommandError(f"{campaign.slug}: counts kept changing; try again.")
