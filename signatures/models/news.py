"""Mail to signers beyond the confirmation: each row is one mail and its own outbox."""

from collections.abc import Iterable
from itertools import islice

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signatures.models.campaign import Campaign
from signatures.models.signature import Signature

QUEUE_CHUNK = 5000


class Update(models.Model):
    """News the organisers write to the signers who asked to be kept informed."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        STOPPED = "stopped", _("Stopped")

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="updates", verbose_name=_("campaign")
    )
    # Subject and text by language code; the campaign's language is the fallback.
    subjects = models.JSONField(_("subjects"), default=dict)
    texts = models.JSONField(_("texts"), default=dict)
    # Country codes it goes to; empty: every country.
    countries = models.JSONField(_("countries"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    sent_at = models.DateTimeField(_("sending began"), null=True, blank=True)

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates to signers")
        permissions = [
            ("send_update", _("Can send updates to signers")),
            ("export_news_list", _("Can export the signers who asked for news")),
        ]

    def __str__(self) -> str:
        return self.subject(self.campaign.language)

    def subject(self, language: str) -> str:
        return str(self.subjects.get(language) or self.subjects.get(self.campaign.language, ""))

    def text(self, language: str) -> str:
        return str(self.texts.get(language) or self.texts.get(self.campaign.language, ""))


class MessageQuerySet(models.QuerySet["Message"]):
    def queue(self, kind: str, signature_ids: Iterable[int], ref: int = 0) -> int:
        """One mail of ``kind`` (about ``ref``) due now for each signature, in chunks;
        a signer who has it already is skipped (the unique constraint). How many are new."""
        mine = self.filter(kind=kind, ref=ref)
        before = mine.count()
        now = timezone.now()
        ids = iter(signature_ids)
        while chunk := list(islice(ids, QUEUE_CHUNK)):
            self.bulk_create(
                [Message(signature_id=pk, kind=kind, ref=ref, due_at=now) for pk in chunk],
                ignore_conflicts=True,
            )
        return mine.count() - before


class Message(models.Model):
    """One mail owed to one signer: a paper signature's notice, and later news.

    A worker takes it once ``due_at`` has passed, as it takes confirmations
    (``signatures.mail.news``), but only when no confirmation is due, so a new
    signer's link never waits behind news. ``due_at`` is cleared once the mail
    is delivered or given up.
    """

    class Kind(models.TextChoices):
        PAPER_NOTICE = "paper", _("Paper signature recorded")
        HAND_IN = "handin", _("Handed in")
        UPDATE = "update", _("Update")
        REMINDER = "reminder", _("Reminder to confirm")

    # Mail that only signers who asked to be kept informed get, and may leave.
    NEWS = [Kind.HAND_IN, Kind.UPDATE]

    signature = models.ForeignKey(Signature, models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=Kind)
    # What the mail is about, for kinds sent more than once (0 for the others).
    ref = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed = models.CharField(max_length=300, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        constraints = [
            # Each signer gets each mail at most once, however often it is asked for.
            models.UniqueConstraint(fields=["signature", "kind", "ref"], name="message_once"),
        ]
        indexes = [
            # The workers' claim: WHERE due_at <= now ORDER BY due_at LIMIT n
            models.Index(fields=["due_at"], condition=Q(due_at__isnull=False), name="message_due"),
            # An update's or hand-in's progress, and stopping it:
            # WHERE kind = ? AND ref = ? [AND sent_at IS NULL]
            models.Index(fields=["kind", "ref"], name="message_kind_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
