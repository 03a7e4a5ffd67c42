"""Signatures: who signed, in which state, and the confirmation mail each is owed."""

import uuid
from datetime import datetime

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, StrIndex, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from petition_site.lib.addresses import canonical_email
from signatures.models.campaign import Campaign

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


def email_domain() -> Substr:
    """The part of the stored address after its "@", as the domain index holds it."""
    return Substr("email_canonical", StrIndex("email_canonical", models.Value("@")) + 1)


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

    def of_domain(self, domain: str) -> "SignatureQuerySet":
        """Every signature whose address is at ``domain`` (served by an index)."""
        domain = domain.strip().lstrip("@").lower()
        return self.alias(domain=email_domain()).filter(domain=domain)

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

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="signatures", verbose_name=_("campaign")
    )
    first_name = models.CharField(_("given name"), max_length=100)
    last_name = models.CharField(_("family name"), max_length=100)
    # In links, never the sequential id: a link names a signature nobody can guess.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(
        _("e-mail address"),
        max_length=254,
        blank=True,
        help_text=_(
            "As typed, with the domain in its standard form; blank on a paper "
            "signature that gave none."
        ),
    )
    email_canonical = models.CharField(max_length=254, editable=False)
    country = CountryField(_("country"))
    consent = models.BooleanField(
        _("consent to hand-in"),
        help_text=_("Agreed to have name and country handed in with the petition."),
    )
    contact_opt_in = models.BooleanField(_("keep me informed"), default=False)
    # Left all news by the link in a mail: recorded, and never mailed news again.
    unsubscribed_at = models.DateTimeField(_("left the news"), null=True, blank=True)
    consent_version = models.CharField(max_length=20, editable=False)
    language = models.CharField(_("language"), max_length=10, editable=False)
    network_hash = models.CharField(
        _("network (anonymised)"), max_length=32, blank=True, editable=False
    )
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("The partner site or campaign link it came from."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    hold_reason = models.CharField(
        _("why held"),
        max_length=10,
        choices=HoldReason,
        default=HoldReason.NONE,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("signed"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Set when staff confirmed it without its owner's e-mail proof ("Confirm
    # without e-mail proof"): the audit log says who.
    confirmed_by_staff_at = models.DateTimeField(
        _("confirmed by staff without e-mail proof"), null=True, blank=True, editable=False
    )
    # Mails queued, and mails the mail server accepted: a restarted worker
    # skips a mail whose number is already delivered.
    emails_sent = models.PositiveSmallIntegerField(_("mails asked for"), default=0)
    emails_delivered = models.PositiveSmallIntegerField(_("mails delivered"), default=0)
    last_email_at = models.DateTimeField(_("last mail"), null=True, blank=True)
    # The row is its own outbox: a mail is owed while emails_delivered is
    # behind emails_sent, and a worker takes it once mail_due_at has passed
    # (moved on while a worker holds it, and after each failed attempt).
    mail_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    bounced_at = models.DateTimeField(
        _("address refused"),
        null=True,
        blank=True,
        help_text=_("The mail server refused this address for good."),
    )
    bounce_reason = models.CharField(_("why refused"), max_length=300, blank=True)
    invalidation = models.ForeignKey(
        "Invalidation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("invalidation"),
    )
    # Set when stricter address rules found this address signed already,
    # earlier, under another spelling: a moderator decides which one counts.
    duplicate_of = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("same address as"),
    )
    # A signature collected on paper: the sheet it was typed from, and its entry.
    sheet_code = models.CharField(_("sheet code"), max_length=9, blank=True, editable=False)
    paper_entry = models.ForeignKey(
        "PaperEntry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        editable=False,
        verbose_name=_("paper entry"),
    )
    batch = models.ForeignKey(
        "Batch",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("hand-in batch"),
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        permissions = [
            ("export_signatures", _("Can export signatures and hand-in batches")),
            ("export_personal_data", _("Can export signatures with e-mail addresses")),
        ]
        constraints = [
            # One signature per person and campaign, whatever the case,
            # +tag or Gmail dots of the address typed. A paper signature may
            # give no address.
            models.UniqueConstraint(
                fields=["campaign", "email_canonical"],
                condition=~Q(email_canonical=""),
                name="signature_unique_email_per_campaign",
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
            # Admin search and filter by domain, and invalidations by domain:
            # WHERE SUBSTRING(email_canonical, STRPOS(email_canonical, '@') + 1) = ?
            models.Index(email_domain(), name="signature_email_domain"),
            # The dashboard's confirmed today, this week and per day:
            # WHERE campaign_id = ? AND state = 'confirmed' AND confirmed_at >= ?
            models.Index(
                fields=["campaign", "confirmed_at"],
                condition=Q(state="confirmed"),
                name="signature_confirmed_at",
            ),
            # Admin search by name, WHERE UPPER(last_name::text) LIKE 'ABC%', and
            # a paper signature's likely duplicates (the same name, iexact), are
            # served by PostgreSQL-only pattern indexes made in migration 0003.
            # The mail workers' claim and the health check's oldest wait:
            # WHERE <mail owed> AND mail_due_at <= now ORDER BY mail_due_at LIMIT n
            models.Index(fields=["mail_due_at"], condition=MAIL_OWED, name="signature_mail_due"),
            # A paper entry's signatures, to count or withdraw them:
            # WHERE paper_entry_id = ?
            models.Index(
                fields=["paper_entry"],
                condition=Q(paper_entry__isnull=False),
                name="signature_paper_entry",
            ),
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

    @property
    def address_domain(self) -> str:
        """The address's domain, as ``email_domain()`` reads it in SQL."""
        return self.email_canonical.rpartition("@")[2]


# A signature in one of these states may still be confirmed by its signer.
AWAITING_STATES = [Signature.State.PENDING, Signature.State.HELD]
