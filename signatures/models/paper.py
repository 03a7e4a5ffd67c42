"""Signatures collected on paper: each typed sheet or uploaded file is one entry."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signatures.models.campaign import Campaign


class PaperEntry(models.Model):
    """The signatures of one collection sheet typed in, or of one uploaded file.

    Staff withdraw an entry whole (a sheet found to be forged, a file uploaded
    twice), as long as none of its signatures is in a hand-in batch yet.
    """

    class Kind(models.TextChoices):
        TYPED = "typed", _("Typed in")
        UPLOAD = "upload", _("Uploaded file")

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="paper_entries", verbose_name=_("campaign")
    )
    kind = models.CharField(_("how entered"), max_length=6, choices=Kind)
    sheet_code = models.CharField(_("sheet code"), max_length=9, blank=True)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    language = models.CharField(
        _("language of the sheets"),
        max_length=10,
        help_text=_("Notices to the signers who gave an e-mail address are in this language."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_count = models.PositiveIntegerField(_("signatures withdrawn"), default=0)

    class Meta:
        verbose_name = _("paper entry")
        verbose_name_plural = _("paper signatures")
        permissions = [("enter_paper_signatures", _("Can enter paper signatures"))]
        constraints = [
            # Every row typed from one sheet joins the sheet's entry.
            models.UniqueConstraint(
                fields=["campaign", "sheet_code"],
                condition=Q(kind="typed", withdrawn_at__isnull=True),
                name="paperentry_one_open_typed_sheet",
            ),
        ]
        indexes = [
            # The entries list, newest first: ORDER BY created_at DESC
            models.Index(fields=["-created_at"], name="paperentry_created"),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.UPLOAD:
            return f"{self.file_name} ({self.created_at:%Y-%m-%d})"
        return _("Sheet %(code)s") % {"code": self.sheet_code}
