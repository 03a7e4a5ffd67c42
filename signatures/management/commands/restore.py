from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser

from petition_site.lib.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database and an empty "
        "file storage, then check every table's rows and every file against its manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="The backup's directory.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(
                options["directory"], settings.DATABASES["default"], storages["batches"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"Restored and checked {len(tables)} tables and {len(manifest['files'])} files: "
            "every row and every file matches the backup."
        )
