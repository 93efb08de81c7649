"""CSV files for spreadsheet programs (the dashboard's tables, the auditor's exports): UTF-8 with a byte-order
mark, so Excel and its kin read the Chinese as such, and no cell a spreadsheet would evaluate."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# A spreadsheet runs a cell that starts like a formula (CSV injection): such cells get a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """The cell as text a spreadsheet shows and never evaluates."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """The rows as CSV text (CRLF line ends, every cell quoted as needed and defused), behind a byte-order mark."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(str(cell)) for cell in row])
    return "\ufeff" + out.getvalue()
