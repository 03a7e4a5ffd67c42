"""Hand-ins in public: recorded by organisers from their batches, with a photo, and
announced to the signers of those batches who asked to be kept informed."""

import io
import logging
import uuid
import warnings
from dataclasses import dataclass
from datetime import date

from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from signatures.handins import files as batch_files
from signatures.handins import services
from signatures.models import Batch, BatchFile, Campaign, HandIn, Message, Signature

logger = logging.getLogger(__name__)

PHOTO_MAX_BYTES = 10 * 1024 * 1024
# Larger pictures are refused before they are decoded (a decompression bomb).
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_SIDE = 1600


class BadPhoto(ValueError):
    """The upload is not a photo the site can show."""


class BadBatches(ValueError):
    """A batch the hand-in names cannot be handed in with it."""


def clean_photo(data: bytes) -> bytes:
    """The photo as a JPEG of at most ``PHOTO_SIDE`` pixels a side, its metadata gone."""
    if len(data) > PHOTO_MAX_BYTES:
        raise BadPhoto("too large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > PHOTO_MAX_PIXELS:
                    raise BadPhoto("too many pixels")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                picture = ImageOps.exif_transpose(image).convert("RGB")
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise BadPhoto(str(exc)) from exc
    picture.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
    out = io.BytesIO()
    # A new JPEG from the pixels alone: no EXIF, GPS or comments carried over.
    picture.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def record_hand_in(
    campaign: Campaign,
    *,
    country: str,
    day: date,
    place: str,
    batch_ids: list[int],
    notes: dict[str, str],
    photo: bytes | None,
    user_id: int,
) -> HandIn:
    """Record a hand-in of prepared batches, mark them handed in, and queue its mails."""
    name = ""
    if photo is not None:
        name = batch_files.storage().save(
            f"hand-in-photos/{uuid.uuid4().hex}.jpg", ContentFile(photo)
        )
    now = timezone.now()
    with transaction.atomic():
        batches = list(
            Batch.objects.select_for_update().filter(pk__in=batch_ids, campaign=campaign)
        )
        wrong = [
            b
            for b in batches
            if b.country.code != country
            or b.state != Batch.State.PREPARED
            or b.files != Batch.Files.READY
        ]
        if wrong or len(batches) != len(set(batch_ids)) or not batches:
            raise BadBatches(", ".join(str(b) for b in wrong))
        hand_in = HandIn.objects.create(
            campaign=campaign,
            country=country,
            handed_in_on=day,
            place=place,
            notes={language: text for language, text in notes.items() if text},
            photo=name,
            signature_count=sum(b.signature_count for b in batches),
            created_by_id=user_id,
            created_at=now,
        )
        for batch in batches:
            if not services.mark_handed_in(batch, place, hand_in):
                raise BadBatches(str(batch))
        queued = announce(hand_in)
        # Pages rendered from the campaign's texts show the hand-in from now on.
        Campaign.objects.filter(pk=campaign.pk).update(updated_at=now)
        LogEntry.objects.log_actions(
            user_id, [hand_in], ADDITION, change_message=f"Recorded; {queued} signers to be told"
        )
    logger.info("%s recorded: %d signatures, %d mails", hand_in, hand_in.signature_count, queued)
    return hand_in


def announce(hand_in: HandIn) -> int:
    """One mail per signer of its batches who asked to be kept informed, never twice."""
    informed = (
        Signature.objects.filter(batch__hand_in=hand_in, contact_opt_in=True)
        .filter(unsubscribed_at__isnull=True)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    return Message.objects.queue(
        Message.Kind.HAND_IN, informed.iterator(chunk_size=5000), hand_in.pk
    )


@dataclass(frozen=True)
class Place:
    """Where one signer's name stands in the files handed in."""

    number: int
    volume: int
    volumes: int
    file: str


def place_of(signature: Signature) -> Place | None:
    """The signer's number in the handed-in list and the PDF volume holding it."""
    batch = signature.batch
    if batch is None or batch.handed_in_version is None:
        return None
    number = Signature.objects.filter(batch=batch, pk__lte=signature.pk).count()
    volume = (
        BatchFile.objects.filter(
            batch=batch,
            version=batch.handed_in_version,
            kind=BatchFile.Kind.PDF,
            first_number__lte=number,
            last_number__gte=number,
        )
        .select_related("batch__campaign")
        .first()
    )
    if volume is None:
        return None
    return Place(number, volume.volume, volume.volumes, volume.filename)


def handed_in_files(hand_ins: list[HandIn]) -> dict[int, list[BatchFile]]:
    """The files each hand-in carried, with their SHA-256, for anyone to check a copy."""
    by_hand_in: dict[int, list[BatchFile]] = {h.pk: [] for h in hand_ins}
    files = (
        BatchFile.objects.filter(batch__hand_in__in=hand_ins, version=F("batch__handed_in_version"))
        .select_related("batch__campaign")
        .order_by("batch_id", "kind", "volume")
    )
    for file in files:
        assert file.batch.hand_in_id is not None
        by_hand_in[file.batch.hand_in_id].append(file)
    return by_hand_in


def photo(hand_in: HandIn) -> bytes:
    with batch_files.storage().open(hand_in.photo, "rb") as stored:
        return bytes(stored.read())
