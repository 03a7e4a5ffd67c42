"""Mail to signers beyond the confirmation: each row is one mail and its own outbox."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signatures.models.signature import Signature


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

    # Mail that only signers who asked to be kept informed get, and may leave.
    NEWS = [Kind.HAND_IN]

    signature = models.ForeignKey(Signature, models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=Kind)
    # What the mail is about, for kinds sent more than once (0 for the others).
    ref = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            # Each signer gets each mail at most once, however often it is asked for.
            models.UniqueConstraint(fields=["signature", "kind", "ref"], name="message_once"),
        ]
        indexes = [
            # The workers' claim: WHERE due_at <= now ORDER BY due_at LIMIT n
            models.Index(fields=["due_at"], condition=Q(due_at__isnull=False), name="message_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
