"""Hand-in batches: per-country lists of signers, and the files made of them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from signatures.models.campaign import Campaign


class BatchQuerySet(models.QuerySet["Batch"]):
    def prepared(self) -> "BatchQuerySet":
        """Made, neither handed in nor cancelled."""
        return self.filter(state=Batch.State.PREPARED)


class Batch(models.Model):
    """The confirmed signatures of one country, handed in together at its US embassy."""

    class State(models.TextChoices):
        PREPARED = "prepared", _("Prepared")
        HANDED_IN = "handed_in", _("Handed in")
        CANCELLED = "cancelled", _("Cancelled")

    class Files(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PREPARING = "preparing", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="batches")
    country = CountryField()
    state = models.CharField(max_length=10, choices=State, default=State.PREPARED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    signature_count = models.PositiveIntegerField(default=0)
    checksum = models.CharField(
        max_length=64, blank=True, help_text=_("SHA-256 of the CSV file when the batch was made.")
    )
    hand_in_on = models.DateField(
        _("date of hand-in"),
        null=True,
        blank=True,
        help_text=_("Planned; printed on the cover letter of the files prepared next."),
    )
    handed_in_at = models.DateTimeField(null=True, blank=True)
    handed_in_where = models.CharField(max_length=200, blank=True, help_text=_("Embassy or city."))
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The files of the current version, made by the worker (signatures.handins.files).
    files = models.CharField(max_length=10, choices=Files, default=Files.QUEUED)
    files_version = models.PositiveIntegerField(default=1)
    files_done = models.PositiveIntegerField(default=0, help_text=_("Names written so far."))
    files_total = models.PositiveIntegerField(default=0)
    files_error = models.TextField(blank=True)
    handed_in_version = models.PositiveIntegerField(null=True, blank=True)
    hand_in = models.ForeignKey(
        "HandIn", models.PROTECT, null=True, blank=True, related_name="batches"
    )

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("batches")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="handed_in") | Q(handed_in_at__isnull=False),
                name="batch_handed_in_has_time",
            ),
        ]
        indexes = [
            # The batch table per campaign: WHERE campaign_id = ? ORDER BY country, created_at
            models.Index(fields=["campaign", "country", "created_at"], name="batch_campaign_cc"),
        ]

    def __str__(self) -> str:
        return f"Batch #{self.pk} {self.country.code}"

    @property
    def file_stem(self) -> str:
        return f"{self.campaign.slug}-{self.country.code}-batch-{self.pk}"


class BatchFile(models.Model):
    """One prepared file of a batch version; written once, never changed."""

    class Kind(models.TextChoices):
        CSV = "csv", "CSV"
        PDF = "pdf", "PDF"

    batch = models.ForeignKey(Batch, models.PROTECT, related_name="batch_files")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=3, choices=Kind)
    volume = models.PositiveIntegerField(default=1)
    volumes = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=300, help_text=_("Its name in the batch file storage."))
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    first_number = models.PositiveIntegerField(default=1)
    last_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "version", "kind", "volume"], name="batchfile_unique_part"
            ),
        ]
        # The batch page lists a batch's files: the unique constraint's index serves it.

    def __str__(self) -> str:
        return self.filename

    @property
    def names(self) -> int:
        """How many names the file lists."""
        return self.last_number - self.first_number + 1

    @property
    def filename(self) -> str:
        stem = f"{self.batch.file_stem}-v{self.version}"
        if self.volumes > 1:
            stem += f"-volume-{self.volume}-of-{self.volumes}"
        return f"{stem}.{self.kind}"
