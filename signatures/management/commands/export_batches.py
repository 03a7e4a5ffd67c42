from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signatures import batches
from signatures.models import Campaign


class Command(BaseCommand):
    help = (
        "Make a hand-in batch for each country with signatures not yet batched "
        "(or one country) and write one file per batch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", required=True, help="Campaign slug.")
        parser.add_argument("--country", help="ISO 3166 code, e.g. DE (default: every country).")
        parser.add_argument("--format", choices=["csv", "pdf"], default="csv")
        parser.add_argument("--out", type=Path, default=Path("."), help="Directory for the files.")

    def handle(
        self, *, campaign: str, country: str | None, format: str, out: Path, **options: object
    ) -> None:
        try:
            target = Campaign.objects.get(slug=campaign)
        except Campaign.DoesNotExist as exc:
            raise CommandError(f"No campaign with slug {campaign!r}.") from exc
        out.mkdir(parents=True, exist_ok=True)
        made = (
            [b for b in [batches.create(target, country.upper(), None)] if b]
            if country
            else batches.create_all(target, None)
        )
        for batch in made:
            path = out / f"{batch.file_stem}.{format}"
            with path.open("wb") as file:
                if format == "pdf":
                    file.write(batches.pdf(batch))
                else:
                    for chunk in batches.csv_chunks(batch):
                        file.write(chunk)
            self.stdout.write(f"{path}: {batch.signature_count} signatures ({batch.country.name})")
        if not made:
            self.stdout.write("No signatures waiting for a batch.")
