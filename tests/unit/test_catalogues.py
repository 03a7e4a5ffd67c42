"""Every translation catalogue is complete, checked by gettext, and compiled as committed."""

import gettext
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@pytest.mark.parametrize("language", TRANSLATED)
def test_msgfmt_reports_every_message_translated_and_nothing_fuzzy(language, tmp_path):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"

    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(compiled), str(po)],
        capture_output=True,
        text=True,
        check=True,
    )

    assert re.fullmatch(r"\d+ translated messages\.\n", result.stderr), result.stderr
    # The committed .mo is what the site reads: it must say what the .po says.
    with compiled.open("rb") as fresh, (po.with_suffix(".mo")).open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == (  # type: ignore[attr-defined]
            gettext.GNUTranslations(fresh)._catalog  # type: ignore[attr-defined]
        )
