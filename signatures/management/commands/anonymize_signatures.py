from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from signatures import privacy


class Command(BaseCommand):
    help = "Erase names and e-mail addresses of campaigns closed for some days; counts stay."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ANONYMIZE_AFTER_DAYS,
            help="Days since the campaign closed (default: %(default)s).",
        )

    def handle(self, *, days: int, **options: object) -> None:
        erased = privacy.anonymize_closed(days)
        self.stdout.write(
            f"Anonymized {erased} signatures of campaigns closed over {days} days ago."
        )
