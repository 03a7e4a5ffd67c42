from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from signatures import privacy


class Command(BaseCommand):
    help = "Delete signatures still unconfirmed after a number of days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PURGE_UNCONFIRMED_DAYS,
            help="Age in days after which a pending signature is deleted (default: %(default)s).",
        )

    def handle(self, *, days: int, **options: object) -> None:
        deleted = privacy.purge_unconfirmed(days)
        self.stdout.write(f"Deleted {deleted} unconfirmed signatures older than {days} days.")
