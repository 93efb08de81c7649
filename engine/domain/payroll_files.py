"""The 发放名册 as files for the paying bank (docs/payments.md#the-bank-file): CSV (UTF-8 with a byte-order
mark, so Excel reads the Chinese) and XLSX (openpyxl), one column layout for both, a totals row last.

The application form holds no bank account, so the layout carries the payee's full 身份证号 and leaves the
account columns empty: the bank fills them from its own records by that number. Both files are built only
from the roster's stored lines, so a locked month's CSV comes out byte for byte the same every time (its
sha256 is kept at the approval; an XLSX is a zip whose entries carry the time it was written).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from engine.domain.payroll import CATEGORIES, LINE_KINDS, money, month_label, parse_month

COLUMNS: tuple[str, ...] = (
    "序号",
    "乡镇（街道）",
    "村（社区）",
    "领取人姓名",
    "身份证号",
    "银行账号",
    "开户银行",
    "保障类别",
    "发放类型",
    "所属月份",
    "保障人数",
    "金额（元）",
    "案件编号",
)
TOTAL_LABEL = "合计"

# A spreadsheet evaluates a cell that starts like a formula (CSV injection): such cells get a leading quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class FileLine:
    township: str
    village: str
    payee_name: str
    id_number: str
    category: str
    kind: str
    for_month: str  # 'YYYY-MM'
    persons: int
    amount: Decimal
    case_number: str


@dataclass(frozen=True)
class FileRoster:
    county_name: str
    county_code: str
    month: str  # 'YYYY-MM'
    status_label: str
    lines: Sequence[FileLine]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def persons(self) -> int:
        return sum(line.persons for line in self.lines if line.kind == "regular")


def file_name(roster: FileRoster, extension: str) -> str:
    return f"发放名册-{roster.county_name}-{roster.month}.{extension}"


def _cells(index: int, line: FileLine) -> list[object]:
    return [
        index,
        line.township,
        line.village,
        line.payee_name,
        line.id_number,
        "",
        "",
        CATEGORIES.get(line.category, line.category),
        LINE_KINDS.get(line.kind, line.kind),
        line.for_month,
        line.persons if line.kind == "regular" else 0,
        money(line.amount),
        line.case_number,
    ]


def _total_row(roster: FileRoster) -> list[object]:
    return [
        TOTAL_LABEL,
        "",
        "",
        f"{len(roster.lines)} 笔",
        "",
        "",
        "",
        "",
        "",
        "",
        roster.persons,
        money(roster.total),
        "",
    ]


def _defused(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_bytes(roster: FileRoster) -> bytes:
    """Header row, one row per line, the totals row; CRLF line ends; a negative adjustment's amount keeps its
    minus sign behind the defusing quote ('-50.00)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for index, line in enumerate(roster.lines, start=1):
        writer.writerow([_defused(c) for c in _cells(index, line)])
    writer.writerow([_defused(c) for c in _total_row(roster)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(roster: FileRoster) -> bytes:
    """Sheet 发放名册: a title row, the header, the lines (身份证号 as text, amounts as numbers shown with two
    decimals), the totals row. Written in openpyxl's write-only mode: a county's 100,000 lines stream out
    instead of being held as cell objects."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("发放名册")
    title = WriteOnlyCell(
        sheet, f"{roster.county_name} {month_label(parse_month(roster.month))} 低保金发放名册（{roster.status_label}）"
    )
    title.font = Font(bold=True)
    sheet.append([title])
    sheet.append(list(COLUMNS))
    for index, line in enumerate(roster.lines, start=1):
        cells = _cells(index, line)
        cells[4] = _cell(sheet, line.id_number, "@")  # text: an 18-digit number would lose its last digits
        cells[11] = _cell(sheet, float(line.amount), "0.00")  # a number the bank's sheet can sum
        sheet.append(cells)
    total = _total_row(roster)
    total[11] = _cell(sheet, float(roster.total), "0.00")
    sheet.append(total)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet: object, value: object, number_format: str) -> object:
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = number_format
    return cell
