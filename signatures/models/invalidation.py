"""Invalidations: staff moving every signature that matches some criteria at once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from signatures.models.campaign import Campaign
from signatures.models.signature import Signature


class InvalidationQuerySet(models.QuerySet["Invalidation"]):
    def active(self) -> "InvalidationQuerySet":
        """Started and neither finished nor cancelled: the worker moves its matches."""
        return self.filter(state__in=[Invalidation.State.QUEUED, Invalidation.State.RUNNING])


class Invalidation(models.Model):
    """Staff move every signature matching some criteria out of the count, in batches."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft: preview the matches, then start it")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        REVERTED = "reverted", _("Reverted")

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="invalidations", verbose_name=_("campaign")
    )
    reason = models.CharField(
        _("reason"), max_length=200, help_text=_("Kept in the history of every signature moved.")
    )
    mark_as = models.CharField(
        _("mark as"),
        max_length=10,
        choices=[
            (Signature.State.SPAM, Signature.State.SPAM.label),
            (Signature.State.REJECTED, Signature.State.REJECTED.label),
        ],
        default=Signature.State.SPAM,
    )
    email_domain = models.CharField(
        _("e-mail domain"),
        max_length=253,
        blank=True,
        help_text=_("The part after the @, e.g. mailinator.com."),
    )
    network = models.CharField(
        _("network"),
        max_length=64,
        blank=True,
        help_text=_("An IP address, or the anonymised network shown on the dashboard."),
    )
    name_pattern = models.CharField(
        _("name pattern"),
        max_length=100,
        blank=True,
        help_text=_(
            "Matched against the full name as shown, “Given Family”, ignoring case: "
            "“mickey mouse” finds it anywhere in the name, “^mickey mouse$” only the whole "
            "name (a regular expression)."
        ),
    )
    country = CountryField(_("country"), blank=True)
    created_from = models.DateTimeField(_("signed from"), null=True, blank=True)
    created_until = models.DateTimeField(_("signed before"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.DRAFT)
    matched = models.PositiveIntegerField(_("signatures moved"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = InvalidationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(email_domain="", network="", name_pattern="", country="")
                | Q(created_from__isnull=False)
                | Q(created_until__isnull=False),
                name="invalidation_has_a_criterion",
                violation_error_message=_("Give at least one criterion."),
            ),
        ]

    def __str__(self) -> str:
        return f"Invalidation #{self.pk}: {self.reason}"
