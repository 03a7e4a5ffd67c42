"""Hand-ins: the days the petition was handed in at an embassy, as the public sees them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from signatures.models.campaign import Campaign


class HandIn(models.Model):
    """One hand-in at one country's US embassy, carrying one or more batches.

    Its signature count is the sum of its batches', never typed. Signers of
    those batches who asked to be kept informed are mailed once when it is
    recorded (``Message.Kind.HAND_IN``).
    """

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="hand_ins", verbose_name=_("campaign")
    )
    country = CountryField(_("country"))
    handed_in_on = models.DateField(_("day of the hand-in"))
    place = models.CharField(_("place"), max_length=200, help_text=_("The embassy or city."))
    # The public note, by language code; the campaign's language is the fallback.
    notes = models.JSONField(_("public note"), default=dict, blank=True)
    photo = models.CharField(
        _("photo"), max_length=300, blank=True, help_text=_("Its name in the file storage.")
    )
    signature_count = models.PositiveIntegerField(_("signatures"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("hand-in")
        verbose_name_plural = _("hand-ins")
        indexes = [
            # The public list and the campaign page, newest first:
            # WHERE campaign_id = ? ORDER BY handed_in_on DESC, id DESC
            models.Index(fields=["campaign", "-handed_in_on", "-id"], name="handin_campaign_day"),
        ]

    def __str__(self) -> str:
        return f"{self.country.name}, {self.handed_in_on:%Y-%m-%d}"

    def note(self, language: str) -> str:
        return str(self.notes.get(language) or self.notes.get(self.campaign.language) or "")
