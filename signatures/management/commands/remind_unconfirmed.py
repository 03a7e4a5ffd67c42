from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from signatures.mail import news


class Command(BaseCommand):
    help = "Send one reminder to confirm to each signer still pending after a number of days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.CONFIRMATION_REMINDER_DAYS,
            help="Days after signing before the reminder (default: %(default)s; 0: none).",
        )

    def handle(self, *, days: int, **options: object) -> None:
        queued = news.queue_reminders(days) if days > 0 else 0
        self.stdout.write(f"Queued {queued} reminders to signers pending for {days} days.")
