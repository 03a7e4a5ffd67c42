from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from signatures.signing import rekeying


class Command(BaseCommand):
    help = (
        "Recompute every signature's address key after the address rules changed; "
        "flag (never delete) signatures that now share a key with an earlier one."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        flagged = rekeying.rekey(apps)
        self.stdout.write(f"{flagged} signatures flagged as possible duplicates.")
