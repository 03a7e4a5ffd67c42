import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from signatures import privacy


class Command(BaseCommand):
    help = (
        "Find every signature of an e-mail address; print what is held about it as JSON, "
        "and with --erase delete it (recorded in the admin log under --by)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", help="The person's e-mail address, as they give it.")
        parser.add_argument("--erase", action="store_true", help="Delete the signatures.")
        parser.add_argument("--by", help="Username of the staff member handling the request.")

    def handle(self, *, address: str, erase: bool, by: str | None, **options: object) -> None:
        found = list(privacy.signatures_of(address))
        self.stdout.write(json.dumps(privacy.personal_data(found), indent=2, ensure_ascii=False))
        if not erase:
            return
        if not by:
            raise CommandError("--erase needs --by USERNAME, for the audit log.")
        try:
            user = get_user_model().objects.get(username=by)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {by!r}.") from exc
        erased = privacy.erase([s.pk for s in found], user.pk, "Data-subject request: erased")
        self.stderr.write(f"Erased {erased} signatures.")
