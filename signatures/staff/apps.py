from django.conf import settings
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import pre_save

from signatures.staff.usernames import normalise_on_save


class StaffAdminConfig(AdminConfig):
    """The admin, on the site in signatures.staff.site (lockout, TOTP)."""

    default_site = "signatures.staff.site.StaffAdminSite"

    def ready(self) -> None:
        super().ready()
        pre_save.connect(
            normalise_on_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="normalise"
        )
