"""Campaigns: what a petition says, in its own language and in translations."""

import re
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def time_zones() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


# Older than any row: the version of a text that has no translation row.
UNSET = datetime.min.replace(tzinfo=UTC)


# What the settings say when nobody has named the organisers (PRIVACY_CONTROLLER,
# PRIVACY_CONTACT): never printed on a letter to an embassy.
PLACEHOLDER_ORGANISATIONS = {"", "The campaign organisers"}
PLACEHOLDER_CONTACT = re.compile(
    r"@(localhost\b|[\w.-]*\b(example\.(org|com|net)|example|invalid|test)\b)", re.IGNORECASE
)


class Campaign(models.Model):
    slug = models.SlugField(
        _("web address"), unique=True, help_text=_("The campaign's address: /en/<this>/.")
    )
    title = models.CharField(_("title"), max_length=200)
    lead = models.TextField(_("lead paragraph"), blank=True)
    body = models.TextField(
        _("the case"), blank=True, help_text=_("Paragraphs separated by a blank line.")
    )
    call_to_action = models.TextField(_("call to action"), blank=True)
    petition_text = models.TextField(_("petition text"), help_text=_("What supporters sign."))
    target = models.CharField(_("addressed to"), max_length=200)
    salutation = models.CharField(_("salutation"), max_length=200)
    hand_in_note = models.TextField(_("note on the hand-in"), blank=True)
    goal = models.PositiveIntegerField(_("goal (signatures)"), default=10000)
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    language = models.CharField(
        _("original language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    requires_confirmation = models.BooleanField(
        _("confirm by e-mail"),
        default=True,
        help_text=_("Signatures count only after the e-mail link is used."),
    )
    paused = models.BooleanField(
        _("paused"),
        default=False,
        help_text=_("Stop taking signatures for now, e.g. during an attack."),
    )
    pause_message = models.TextField(
        _("message while paused"),
        blank=True,
        help_text=_("Shown instead of the form while signing is paused."),
    )
    # Who hands the petition in: named in the cover letter and as the PDF's author.
    sender_organisation = models.CharField(
        _("sending organisation"),
        max_length=200,
        blank=True,
        help_text=_("Blank: the organisation named in the site's settings."),
    )
    sender_contact = models.CharField(
        _("reply address"),
        max_length=300,
        blank=True,
        help_text=_("Address or e-mail for the embassy's reply."),
    )
    sender_signatory = models.CharField(
        _("signed by"), max_length=200, blank=True, help_text=_("Who signs the cover letter.")
    )
    proof_of_work = models.BooleanField(
        _("puzzle against floods"),
        default=False,
        help_text=_(
            "During a flood: signers' browsers solve a small puzzle (ALTCHA, no third party). "
            "Needs JavaScript."
        ),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zones,
        default="UTC",
        help_text=_("Staff pages show this campaign's days and times in it."),
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

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

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
    lead = models.TextField(_("lead paragraph"), blank=True)
    body = models.TextField(blank=True)
    call_to_action = models.TextField(_("call to action"), blank=True)
    petition_text = models.TextField(blank=True)
    target = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The addressee as the letter names them in this language."),
    )
    salutation = models.CharField(max_length=200, blank=True)
    hand_in_note = models.TextField(_("note on the hand-in"), blank=True)
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
