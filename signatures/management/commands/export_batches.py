import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signatures.handins import batches
from signatures.handins import files as batch_files
from signatures.handins import services as handins
from signatures.models import Batch, Campaign


class Command(BaseCommand):
    help = (
        "Make a hand-in batch for each country with signatures not yet batched (or one "
        "country), prepare its files here with progress shown, and copy them to --out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", required=True, help="Campaign slug.")
        parser.add_argument("--country", help="ISO 3166 code, e.g. DE (default: every country).")
        parser.add_argument("--format", choices=["csv", "pdf"], help="Copy only these files.")
        parser.add_argument("--out", type=Path, default=Path("."), help="Directory for the files.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            campaign = Campaign.objects.get(slug=options["campaign"])
        except Campaign.DoesNotExist as exc:
            raise CommandError(f"No campaign with slug {options['campaign']!r}.") from exc
        if problems := campaign.sender_problems():
            raise CommandError(" ".join([*problems, "Fill in the sender on the campaign first."]))
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        country = options["country"].upper() if options["country"] else "all"
        made = handins.make(campaign, country, None, fill=True)
        for batch in made:
            self.prepare(batch)
            for file in batch_files.current(batch):
                if options["format"] in {None, file.kind}:
                    with (
                        batch_files.storage().open(file.name, "rb") as source,
                        (out / file.filename).open("wb") as target,
                    ):
                        shutil.copyfileobj(source, target)
                    self.stdout.write(f"{out / file.filename}: SHA-256 {file.sha256}")
        if not made:
            self.stdout.write("No signatures waiting for a batch.")

    def prepare(self, batch: Batch) -> None:
        label = f"{batch.country.code} ({batch.signature_count:,} names)"
        batch_files.write_csv(batch.pk, batch.files_version)
        total = batches.volumes(batch.signature_count)
        for volume in range(1, total + 1):
            batch_files.write_pdf(batch.pk, batch.files_version, volume)
            self.progress(label, volume, total)

    def progress(self, label: str, done: int, total: int) -> None:
        """A bar redrawn in place on a terminal; a line per step anywhere else."""
        if self.stdout.isatty():
            filled = round(30 * done / total)
            bar = "#" * filled + " " * (30 - filled)
            ending = "\n" if done == total else ""
            self.stdout.write(f"\r{label} [{bar}] {done}/{total} PDF volumes", ending=ending)
            self.stdout.flush()
        else:
            self.stdout.write(f"{label}: PDF volume {done} of {total} written")
