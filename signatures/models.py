import re
import uuid
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from signatures.addresses import canonical_email

# Older than any row: the version of a text that has no translation row.
UNSET = datetime.min.replace(tzinfo=UTC)


# What the settings say when nobody has named the organisers (PRIVACY_CONTROLLER,
# PRIVACY_CONTACT): never printed on a letter to an embassy.
PLACEHOLDER_ORGANISATIONS = {"", "The campaign organisers"}
PLACEHOLDER_CONTACT = re.compile(
    r"@(localhost\b|[\w.-]*\b(example\.(org|com|net)|example|invalid|test)\b)", re.IGNORECASE
)


class Campaign(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    lead = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text=_("Paragraphs separated by a blank line."))
    call_to_action = models.TextField(blank=True)
    petition_text = models.TextField(help_text=_("What supporters sign."))
    target = models.CharField(max_length=200)
    salutation = models.CharField(max_length=200)
    hand_in_note = models.TextField(blank=True)
    goal = models.PositiveIntegerField(default=10000)
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    requires_confirmation = models.BooleanField(
        default=True, help_text=_("Signatures count only after the e-mail link is used.")
    )
    paused = models.BooleanField(
        default=False, help_text=_("Stop taking signatures for now, e.g. during an attack.")
    )
    pause_message = models.TextField(
        blank=True, help_text=_("Shown instead of the form while signing is paused.")
    )
    # Who hands the petition in: named in the cover letter and as the PDF's author.
    sender_organisation = models.CharField(
        max_length=200, blank=True, help_text=_("Blank: the HANDIN_ORGANISATION setting.")
    )
    sender_contact = models.CharField(
        max_length=300, blank=True, help_text=_("Address or e-mail for the embassy's reply.")
    )
    sender_signatory = models.CharField(
        max_length=200, blank=True, help_text=_("Who signs the cover letter.")
    )
    proof_of_work = models.BooleanField(
        default=False,
        help_text=_(
            "During a flood: signers' browsers solve a small puzzle (ALTCHA, no third party). "
            "Needs JavaScript."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="campaign_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("signatures:campaign", args=[self.slug])

    def takes_signatures(self, now: datetime | None = None) -> bool:
        return self.is_open(now) and not self.paused

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)

    def has_closed(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.closes_at is not None and now >= self.closes_at

    def accepts_confirmations(self, now: datetime | None = None) -> bool:
        """Links keep working for a grace period after closing, for late readers."""
        if self.closes_at is None:
            return True
        grace = timedelta(hours=settings.CONFIRMATION_GRACE_HOURS)
        return (now or timezone.now()) < self.closes_at + grace

    @property
    def organisation(self) -> str:
        return self.sender_organisation or settings.HANDIN_ORGANISATION

    @property
    def contact(self) -> str:
        return self.sender_contact or settings.HANDIN_CONTACT

    def sender_problems(self) -> list[str]:
        """What keeps the hand-in letter from naming a real sender; empty when it does."""
        problems = []
        if self.organisation.strip() in PLACEHOLDER_ORGANISATIONS:
            problems.append(str(_("The letter names no organisation as its sender.")))
        if not self.contact.strip() or PLACEHOLDER_CONTACT.search(self.contact):
            problems.append(str(_("The letter gives no real address for the embassy's reply.")))
        return problems

    def text(self, language: str) -> "CampaignText":
        """The campaign's texts in ``language``, falling back field by field to its own."""
        if language != self.language:
            for translation in self.translations.all():
                if translation.language == language:
                    return CampaignText(self, translation, language)
        return CampaignText(self, None, language)


class CampaignText:
    """A campaign's texts in one language, and the version that keys pages rendered from them."""

    title: str
    lead: str
    body: str
    call_to_action: str
    petition_text: str
    target: str
    salutation: str
    hand_in_note: str
    pause_message: str

    TRANSLATED = [
        "title",
        "lead",
        "body",
        "call_to_action",
        "petition_text",
        "target",
        "salutation",
        "hand_in_note",
        "pause_message",
    ]

    def __init__(
        self, campaign: Campaign, translation: "CampaignTranslation | None", language: str = ""
    ) -> None:
        # lang[field]: the original's language where a field falls back to it
        # on a page in another language, so assistive technology switches voice.
        self.lang: dict[str, str] = {}
        for name in self.TRANSLATED:
            value = getattr(translation, name, "") if translation else ""
            setattr(self, name, value or getattr(campaign, name))
            if not value and language and language != campaign.language:
                self.lang[name] = campaign.language
        self.language = translation.language if translation else campaign.language
        self.version = max(campaign.updated_at, translation.updated_at if translation else UNSET)

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class CampaignTranslation(models.Model):
    """A campaign's texts in another language; blank fields show the original."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(max_length=200, blank=True)
    lead = models.TextField(blank=True)
    body = models.TextField(blank=True)
    call_to_action = models.TextField(blank=True)
    petition_text = models.TextField(blank=True)
    target = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The addressee as the letter names them in this language."),
    )
    salutation = models.CharField(max_length=200, blank=True)
    hand_in_note = models.TextField(blank=True)
    pause_message = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "language"], name="campaigntranslation_unique_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} ({self.language})"


# A confirmation mail is owed: one more was asked for than delivered, to an
# address that has not bounced, of a signature still waiting for it.
MAIL_OWED = Q(
    emails_delivered__lt=models.F("emails_sent"),
    bounced_at__isnull=True,
    confirmed_at__isnull=True,
    state__in=["pending", "held"],
)


def due_now(now: datetime) -> Coalesce:
    """``mail_due_at`` for a mail asked for now: unchanged while a worker holds
    the row or it waits to be retried, else now."""
    return Coalesce(models.F("mail_due_at"), now)


class SignatureQuerySet(models.QuerySet["Signature"]):
    def confirmed(self) -> "SignatureQuerySet":
        """Signatures that count."""
        return self.filter(state=Signature.State.CONFIRMED)

    def mail_due(self, now: datetime) -> "SignatureQuerySet":
        """Signatures owed a confirmation mail that a worker may send now."""
        return self.filter(MAIL_OWED, mail_due_at__lte=now)

    def awaiting_confirmation(self) -> "SignatureQuerySet":
        """Signed, but the signer has not yet used the e-mail link."""
        return self.filter(state__in=AWAITING_STATES, confirmed_at__isnull=True)

    def countable(self) -> "SignatureQuerySet":
        """Counted now or once confirmed: what an invalidation may move out."""
        return self.filter(state__in=[Signature.State.PENDING, Signature.State.CONFIRMED])

    def unbatched(self) -> "SignatureQuerySet":
        """Confirmed signatures no hand-in batch holds yet."""
        return self.confirmed().filter(consent=True, batch__isnull=True)

    def of_address(self, address: str) -> "SignatureQuerySet":
        """Every signature of one person's address, however it was typed."""
        return self.filter(email_canonical=canonical_email(address))


class Signature(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        HELD = "held", _("Held for review")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    class HoldReason(models.TextChoices):
        NONE = "", _("Not held")
        RATE_LIMIT = "rate_limit", _("Past a rate limit")
        UNCHECKED = "unchecked", _("Rate limits could not be checked")
        FAST = "fast", _("Sent faster than people type")
        REPLAYED = "replayed", _("Sent with a form already used")

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="signatures")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # In links, never the sequential id: a link names a signature nobody can guess.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(
        max_length=254, help_text=_("As typed, with the domain in its standard form.")
    )
    email_canonical = models.CharField(max_length=254, editable=False)
    country = CountryField()
    consent = models.BooleanField(
        help_text=_("Agreed to have name and country handed in with the petition.")
    )
    contact_opt_in = models.BooleanField(default=False)
    consent_version = models.CharField(max_length=20, editable=False)
    language = models.CharField(max_length=10, editable=False)
    network_hash = models.CharField(max_length=32, blank=True, editable=False)
    source = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("The partner site or campaign tag it came from (signatures.sources)."),
    )
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    hold_reason = models.CharField(
        max_length=10, choices=HoldReason, default=HoldReason.NONE, blank=True, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Set when staff confirmed it without its owner's e-mail proof ("Confirm
    # without e-mail proof"): the audit log says who.
    confirmed_by_staff_at = models.DateTimeField(
        _("confirmed by staff without e-mail proof"), null=True, blank=True, editable=False
    )
    # Mails queued, and mails the mail server accepted: a restarted worker
    # skips a mail whose number is already delivered.
    emails_sent = models.PositiveSmallIntegerField(default=0)
    emails_delivered = models.PositiveSmallIntegerField(default=0)
    last_email_at = models.DateTimeField(null=True, blank=True)
    # The row is its own outbox: a mail is owed while emails_delivered is
    # behind emails_sent, and a worker takes it once mail_due_at has passed
    # (moved on while a worker holds it, and after each failed attempt).
    mail_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    bounced_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The mail server refused this address for good.")
    )
    bounce_reason = models.CharField(max_length=300, blank=True)
    invalidation = models.ForeignKey(
        "Invalidation", models.SET_NULL, null=True, blank=True, related_name="signatures"
    )
    # Set when stricter address rules found this address signed already,
    # earlier, under another spelling: a moderator decides which one counts.
    duplicate_of = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    batch = models.ForeignKey(
        "Batch", models.SET_NULL, null=True, blank=True, related_name="signatures"
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        permissions = [
            ("export_signatures", _("Can export signatures and hand-in batches")),
            ("export_personal_data", _("Can export signatures with e-mail addresses")),
        ]
        constraints = [
            # One signature per person and campaign, whatever the case,
            # +tag or Gmail dots of the address typed.
            models.UniqueConstraint(
                fields=["campaign", "email_canonical"], name="signature_unique_email_per_campaign"
            ),
            models.CheckConstraint(condition=Q(consent=True), name="signature_requires_consent"),
            models.CheckConstraint(
                condition=~Q(state="confirmed") | Q(confirmed_at__isnull=False),
                name="signature_confirmed_has_time",
            ),
        ]
        indexes = [
            # Recounts and per-country hand-in batches:
            # WHERE campaign_id = ? AND state = 'confirmed' [AND country = ?]
            models.Index(
                fields=["campaign", "state", "country"], name="signature_campaign_state_cc"
            ),
            # Signatures per day and newest-first lists:
            # WHERE campaign_id = ? ORDER BY created_at
            models.Index(fields=["campaign", "created_at"], name="signature_campaign_created"),
            # Batch files and the batch table's "not yet batched" column:
            # WHERE batch_id = ? ORDER BY id / WHERE batch_id IS NULL AND ...
            models.Index(fields=["batch", "id"], name="signature_batch"),
            # The admin's list, newest first, filtered or not:
            # ORDER BY created_at DESC, id DESC LIMIT 100
            models.Index(fields=["created_at", "id"], name="signature_created"),
            # Admin search by exact address, across campaigns:
            # WHERE email_canonical = ?
            models.Index(fields=["email_canonical"], name="signature_email"),
            # Admin search by name, WHERE UPPER(last_name::text) LIKE 'ABC%', is
            # served by PostgreSQL-only pattern indexes made in migration 0003.
            # The mail workers' claim and the health check's oldest wait:
            # WHERE <mail owed> AND mail_due_at <= now ORDER BY mail_due_at LIMIT n
            models.Index(fields=["mail_due_at"], condition=MAIL_OWED, name="signature_mail_due"),
            # purge_unconfirmed: WHERE state = 'pending' AND created_at < ?
            models.Index(
                fields=["created_at"],
                condition=Q(state="pending"),
                name="signature_pending_created",
            ),
        ]

    def __str__(self) -> str:
        # No personal data: this text is copied into the admin's audit log.
        return f"Signature #{self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# A signature in one of these states may still be confirmed by its signer.
AWAITING_STATES = [Signature.State.PENDING, Signature.State.HELD]


class CountryCount(models.Model):
    """Confirmed signatures per campaign and country, kept by ``signatures.counts``."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="country_counts")
    country = CountryField()
    confirmed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "country"], name="countrycount_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.country.code}: {self.confirmed}"


class CountDelta(models.Model):
    """A +1 or -1 written in the transaction that confirms or removes a signature.

    Signers only ever insert here, so they never queue on a shared counter row;
    ``signatures.counts.flush`` folds the deltas into ``CountryCount``.
    """

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="+")
    country = models.CharField(max_length=2)
    delta = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.country}: {self.delta:+d}"


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

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="invalidations")
    reason = models.CharField(max_length=200)
    mark_as = models.CharField(
        max_length=10,
        choices=[
            (Signature.State.SPAM, Signature.State.SPAM.label),
            (Signature.State.REJECTED, Signature.State.REJECTED.label),
        ],
        default=Signature.State.SPAM,
    )
    email_domain = models.CharField(max_length=253, blank=True)
    network = models.CharField(
        max_length=64, blank=True, help_text=_("An IP address or the hash shown on the dashboard.")
    )
    name_pattern = models.CharField(
        max_length=100, blank=True, help_text=_("Regular expression matched against full names.")
    )
    country = CountryField(blank=True)
    created_from = models.DateTimeField(null=True, blank=True)
    created_until = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT)
    matched = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

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
    # The files of the current version, made by the worker (signatures.batch_files).
    files = models.CharField(max_length=10, choices=Files, default=Files.QUEUED)
    files_version = models.PositiveIntegerField(default=1)
    files_done = models.PositiveIntegerField(default=0, help_text=_("Names written so far."))
    files_total = models.PositiveIntegerField(default=0)
    files_error = models.TextField(blank=True)
    handed_in_version = models.PositiveIntegerField(null=True, blank=True)

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
    def filename(self) -> str:
        stem = f"{self.batch.file_stem}-v{self.version}"
        if self.volumes > 1:
            stem += f"-volume-{self.volume}-of-{self.volumes}"
        return f"{stem}.{self.kind}"
