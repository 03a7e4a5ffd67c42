from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser

from petition_site.lib.backup import BackupError, back_up


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, one consistent snapshot) and the private hand-in "
        "files into a new directory, with a manifest of every table's rows and every "
        "file's checksum. `manage.py restore DIR` loads it into an empty site."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="A new directory.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = back_up(options["out"], settings.DATABASES["default"], storages["batches"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["database"]["tables"]
        rows = sum(table["rows"] for table in tables.values())
        self.stdout.write(
            f"Backed up {rows} rows in {len(tables)} tables and {len(manifest['files'])} files "
            f"to {options['out']}"
        )
