"""The app's models, one module per capability; all of them importable from here."""

from signatures.models.batch import Batch, BatchFile, BatchQuerySet
from signatures.models.campaign import (
    PLACEHOLDER_CONTACT,
    PLACEHOLDER_ORGANISATIONS,
    UNSET,
    Campaign,
    CampaignText,
    CampaignTranslation,
)
from signatures.models.counts import CountDelta, CountryCount
from signatures.models.handin import HandIn
from signatures.models.invalidation import Invalidation, InvalidationQuerySet
from signatures.models.news import Message, Update
from signatures.models.paper import PaperEntry
from signatures.models.signature import (
    AWAITING_STATES,
    MAIL_OWED,
    Signature,
    SignatureQuerySet,
    due_now,
    email_domain,
)

__all__ = [
    "AWAITING_STATES",
    "MAIL_OWED",
    "PLACEHOLDER_CONTACT",
    "PLACEHOLDER_ORGANISATIONS",
    "UNSET",
    "Batch",
    "BatchFile",
    "BatchQuerySet",
    "Campaign",
    "CampaignText",
    "CampaignTranslation",
    "CountDelta",
    "CountryCount",
    "HandIn",
    "Invalidation",
    "InvalidationQuerySet",
    "Message",
    "PaperEntry",
    "Signature",
    "SignatureQuerySet",
    "Update",
    "due_now",
    "email_domain",
]
