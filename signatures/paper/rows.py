"""One row of a collection sheet, checked the same way whether typed or uploaded."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from petition_site.lib import addresses
from petition_site.lib.spreadsheet import FORMULA_PREFIXES
from signatures.signing.forms import clean_name
from signatures.signing.sheets import normalise_code

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_CELL = 254
MAX_NAME = 100  # as the sign form and the table allow
# How many problems a report lists; the rest are counted.
MAX_PROBLEMS = 200

# The columns of an upload, by the names a spreadsheet may give them.
COLUMNS = {
    "given_name": "given_name",
    "first_name": "given_name",
    "family_name": "family_name",
    "last_name": "family_name",
    "country": "country",
    "email": "email",
    "e_mail": "email",
    "email_address": "email",
    "keep_informed": "keep_informed",
    "keep_me_informed": "keep_informed",
    "sheet_code": "sheet_code",
    "sheet": "sheet_code",
}
REQUIRED = ("given_name", "family_name", "country")
LABELS = {
    "given_name": gettext_lazy("given name"),
    "family_name": gettext_lazy("family name"),
    "country": gettext_lazy("country"),
    "email": gettext_lazy("e-mail"),
    "keep_informed": gettext_lazy("keep informed"),
    "sheet_code": gettext_lazy("sheet code"),
}
TICKED = {"x", "yes", "y", "1", "true", "ja", "oui", "sí", "si", "نعم", "✓", "✔"}


class BadFile(ValueError):
    """The file as a whole cannot be read: the message says why."""


@dataclass(frozen=True)
class PaperRow:
    first_name: str
    last_name: str
    country: str
    email: str  # "" when none was given
    email_canonical: str
    keep_informed: bool
    sheet_code: str


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    reason: str


@lru_cache(maxsize=1)
def country_lookup() -> dict[str, str]:
    """Country codes by their code and their name in every language the site speaks."""
    names: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, name in countries:
                names[str(name).casefold()] = code
    for code, _name in countries:
        names[code.casefold()] = code
    return names


def check(values: dict[str, str]) -> tuple[PaperRow | None, list[tuple[str, str]]]:
    """The row, cleaned, or the (column, reason) of each thing wrong with it."""
    wrong: list[tuple[str, str]] = []
    cleaned: dict[str, str] = {}
    for column, value in values.items():
        if "\x00" in value:
            wrong.append((column, _("holds a NUL character")))
        elif len(value) > MAX_CELL:
            wrong.append((column, _("is longer than %(n)d characters") % {"n": MAX_CELL}))
        elif value.lstrip().startswith(FORMULA_PREFIXES) and column != "email":
            wrong.append((column, _("starts with =, +, - or @, like a spreadsheet formula")))
        else:
            cleaned[column] = value.strip()
    for column in ("given_name", "family_name"):
        if column not in cleaned:
            continue
        try:
            cleaned[column] = clean_name(cleaned[column])
        except forms.ValidationError as exc:
            missing = not cleaned[column]
            wrong.append((column, _("missing name") if missing else " ".join(exc.messages)))
        else:
            if len(cleaned[column]) > MAX_NAME:
                wrong.append((column, _("is longer than %(n)d characters") % {"n": MAX_NAME}))
    if "country" in cleaned:
        code = country_lookup().get(cleaned["country"].casefold())
        if code is None:
            wrong.append(
                ("country", _("unknown country: %(value)s") % {"value": cleaned["country"]})
            )
        cleaned["country"] = code or ""
    email = cleaned.get("email", "")
    canonical = ""
    if email:
        if email.startswith(FORMULA_PREFIXES):
            wrong.append(("email", _("starts with =, +, - or @, like a spreadsheet formula")))
        else:
            try:
                forms.EmailField().clean(email)
                email = addresses.normalise(email)
                canonical = addresses.canonical_email(email)
            except (forms.ValidationError, addresses.InvalidAddress):
                wrong.append(
                    ("email", _("not a valid e-mail address: %(value)s") % {"value": email})
                )
    code = cleaned.get("sheet_code", "")
    if code:
        printed = normalise_code(code)
        if printed is None:
            wrong.append(
                ("sheet_code", _("not a code the site printed: %(value)s") % {"value": code})
            )
        code = printed or ""
    if wrong:
        return None, wrong
    return (
        PaperRow(
            first_name=cleaned["given_name"],
            last_name=cleaned["family_name"],
            country=cleaned["country"],
            email=email,
            email_canonical=canonical,
            keep_informed=bool(email) and cleaned.get("keep_informed", "").casefold() in TICKED,
            sheet_code=code,
        ),
        [],
    )


def read_csv(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, values by column) of each row of an upload; BadFile if it cannot be read."""
    if len(data) > MAX_BYTES:
        raise BadFile(
            _("The file is larger than %(mb)d MB. Split it into smaller files.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadFile(
            _("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”.")
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise BadFile(_("The first line could not be read as CSV.")) from exc
    names = [COLUMNS.get(_column_key(cell)) for cell in header or []]
    missing = [LABELS[column] for column in REQUIRED if column not in names]
    if header is None or missing:
        raise BadFile(
            _(
                "The first line must name the columns: given_name, family_name, country, "
                "and optionally email, keep_informed, sheet_code. Missing: %(missing)s."
            )
            % {"missing": ", ".join(str(m) for m in missing)}
        )
    try:
        for number, cells in enumerate(reader, 2):
            if number - 1 > MAX_ROWS:
                raise BadFile(
                    _("The file has more than %(n)s rows. Split it into smaller files.")
                    % {"n": f"{MAX_ROWS:,}"}
                )
            if not any(cell.strip() for cell in cells):
                continue
            yield (
                number,
                {
                    name: cells[i] if i < len(cells) else ""
                    for i, name in enumerate(names)
                    if name is not None
                },
            )
    except csv.Error as exc:
        raise BadFile(
            _("Line %(line)d could not be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def _column_key(cell: str) -> str:
    return "_".join(cell.strip().strip("\ufeff").casefold().replace("-", "_").split())
