"""Where a signature came from: a partner's site or a campaign tag, never free text.

The values allowed are the ``PARTNER_ORIGINS`` and the ``SOURCE_TAGS`` of the
settings, so the counts per source stay a short, known list.
"""

from django.conf import settings

# Signatures typed in from collection sheets; never accepted from a form.
PAPER = "paper"


def known() -> list[str]:
    """Every source a signature may record, tags first."""
    return [*settings.SOURCE_TAGS, *settings.PARTNER_ORIGINS]


def clean(value: str) -> str:
    """The value if it is a known source, else "" (none)."""
    return value if value in known() else ""
