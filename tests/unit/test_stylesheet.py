"""The site's stylesheet mirrors for right-to-left pages by construction."""

import re
from pathlib import Path

from django.conf import settings

SITE_CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"
# Properties tied to a physical side; their logical forms (inline-start,
# inline-end) follow the page's direction.
PHYSICAL = re.compile(
    r"(?<![\w-])(left|right|(margin|padding|border)-(left|right)[\w-]*|float|text-align)\s*:"
    r"|:\s*(left|right)\b"
)


def test_the_stylesheet_uses_no_physical_left_or_right_so_arabic_pages_mirror():
    css = re.sub(r"/\*.*?\*/", "", SITE_CSS.read_text(), flags=re.S)
    assert PHYSICAL.findall(css) == []
