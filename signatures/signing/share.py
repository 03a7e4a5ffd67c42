"""The picture a shared link shows (og:image): the campaign's title, drawn per language.

Drawn once per text version and language, then kept: Arabic is set right to
left with its letters joined (Pillow's raqm layout), in a font of its script.
"""

import hashlib
from io import BytesIO
from pathlib import Path

from django.core.cache import caches
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, features

from signatures.models import CampaignText

WIDTH, HEIGHT, MARGIN = 1200, 630, 80
YELLOW, BLACK = (255, 255, 0), (26, 26, 26)
FONTS = Path("/usr/share/fonts/truetype/noto")
# Scripts the Latin font lacks; every other language this site speaks is Latin.
SCRIPT_FONTS = {"ar": "NotoSansArabic-Bold.ttf"}
LATIN_FONT = "NotoSans-Bold.ttf"
KEEP_SECONDS = 24 * 3600


def _font(language: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONTS / SCRIPT_FONTS.get(language, LATIN_FONT)
    if path.exists():
        layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
        return ImageFont.truetype(str(path), size, layout_engine=layout)
    return ImageFont.load_default(size)


def _lines(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> list[str]:
    """``text`` broken between words into lines at most ``width`` pixels wide."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _placing(language: str) -> tuple[int, str, str | None]:
    """Where a line of ``language`` starts (x, anchor), and its direction for raqm."""
    if not translation.get_language_info(language)["bidi"]:
        return MARGIN, "la", None
    return WIDTH - MARGIN, "ra", "rtl" if features.check("raqm") else None


def draw(title: str, title_language: str, call: str, call_language: str) -> bytes:
    """A 1200 by 630 PNG: the title large, the call to sign beneath, each in its
    language's font and aligned to its reading side."""
    image = Image.new("RGB", (WIDTH, HEIGHT), YELLOW)
    pen = ImageDraw.Draw(image)
    x, anchor, direction = _placing(title_language)
    size = 72
    font = _font(title_language, size)
    lines = _lines(title, font, WIDTH - 2 * MARGIN)
    while len(lines) > 4 and size > 40:  # a long title gets smaller, not cut
        size -= 8
        font = _font(title_language, size)
        lines = _lines(title, font, WIDTH - 2 * MARGIN)
    y = MARGIN
    for line in lines:
        pen.text(
            (x, y),
            line,
            BLACK,
            font,
            anchor,
            direction=direction,
            language=direction and title_language,
        )
        y += int(size * 1.25)
    pen.rectangle((0, HEIGHT - 24, WIDTH, HEIGHT), fill=BLACK)
    x, anchor, direction = _placing(call_language)
    small = _font(call_language, 44)
    pen.text(
        (x, HEIGHT - 110),
        call,
        BLACK,
        small,
        anchor,
        direction=direction,
        language=direction and call_language,
    )
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def picture(text: CampaignText, language: str) -> bytes:
    """The picture for ``text`` in ``language``, drawn once per version of the text."""
    drawn_from = f"{text.title}\n{language}\n{text.version.isoformat()}"
    key = "share-image:" + hashlib.sha256(drawn_from.encode()).hexdigest()
    local = caches["local"]
    found: bytes | None = local.get(key)
    if found is None:
        with translation.override(language):
            call = _("Sign the petition")
        # A title not yet translated is the original's, in its own language.
        found = draw(text.title, text.lang.get("title", language), call, language)
        local.set(key, found, KEEP_SECONDS)
    return found
