"""CSV files that open safely in a spreadsheet."""

import csv
import io
from collections.abc import Iterable, Iterator

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def neutralise(cell: str) -> str:
    """Make a cell that a spreadsheet would run as a formula read as text."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


class Echo:
    """A file-like object whose write() hands back what it is given."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[bytes]:
    """A CSV file in pieces of about CHUNK lines: UTF-8 with a BOM, header first.

    Every text cell is neutralised, so no spreadsheet runs a formula from it.
    """
    yield "\ufeff".encode() + csv.writer(Echo()).writerow(header).encode()
    buffer = io.StringIO()
    lines = csv.writer(buffer)
    for i, row in enumerate(rows, 1):
        lines.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in row])
        if i % CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()
