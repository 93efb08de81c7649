"""The rules of the 发放名册 (docs/payments.md), pure: which months an enrollment pays, the category a line
counts under, the totals by township and category, the months a late approval tops up, and the comparison
of a roster's lines with what the enrollment records say.

A month is always its first day (`date(2027, 1, 1)` is January 2027).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

# Re-exported: the payroll modules count months as rules.month_start / rules.add_months.
from engine.domain.months import add_months as add_months
from engine.domain.months import month_start as month_start
from engine.domain.vocabulary import REGISTERED_TYPES
from engine.errors import InvalidData

# The category of a line: the household's 户籍 (城镇/农村) and whether the whole household or only some of
# its members (单人户, `covered_members`) are covered; 城乡 standards differ, so the bank's county
# accounts and the budget are split this way.
CATEGORIES: dict[str, str] = {
    f"{kind}_{cover}": f"{REGISTERED_TYPES[kind]}·{cover_label}"
    for kind in ("urban", "rural")
    for cover, cover_label in (("whole", "整户保障"), ("single", "单人户保障"))
}
UNKNOWN_CATEGORY = "rural_whole"  # a household without a recorded 户籍 counts as rural, as the assessment does

LINE_KINDS: dict[str, str] = {"regular": "当月发放", "topup": "补发", "adjustment": "调整"}
STATUS_LABELS: dict[str, str] = {"draft": "草稿（未审批）", "locked": "已审批锁定"}

# How far back a roster looks for months a late approval missed: a year, the longest a 补发 is made here.
TOPUP_LOOKBACK_MONTHS = 12

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str, field: str = "month") -> date:
    """'2027-01' → date(2027, 1, 1); InvalidData naming `field` otherwise."""
    found = _MONTH.match(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        raise InvalidData("月份格式有误", {field: ["月份：请按 YYYY-MM 填写，例如 2027-01"]})
    return date(int(found.group(1)), int(found.group(2)), 1)


def month_text(month: date) -> str:
    """'2027-01', as in addresses and file names."""
    return f"{month.year:04d}-{month.month:02d}"


def month_label(month: date) -> str:
    return f"{month.year} 年 {month.month} 月"


def pays_in(starts_on: date, ends_on: date | None, status: str, month: date) -> bool:
    """Whether an enrollment is paid for `month`: from the month of `starts_on` (the first paid month), and
    for every month that begins before `ends_on` (the day payment stops; a 渐退 is paid up to it). A stopped
    enrollment without an end date is not paid: nothing says until when it was."""
    first = month_start(month)
    if first < month_start(starts_on):
        return False
    if ends_on is None:
        return status != "stopped"
    return first < ends_on


def category_of(household: Mapping[str, Any] | None, covered_members: str | None) -> str:
    kind = (household or {}).get("registered_type")
    cover = "single" if covered_members else "whole"
    return f"{kind}_{cover}" if kind in REGISTERED_TYPES else UNKNOWN_CATEGORY.replace("whole", cover)


def applicant_id_number(household: Mapping[str, Any] | None) -> str | None:
    """The 身份证号 of the applicant (the member whose relation is `self`), else of the first member: the bank
    matches the payee's account by it."""
    members = [m for m in (household or {}).get("members") or [] if isinstance(m, dict)]
    chosen = next((m for m in members if m.get("relation") == "self"), members[0] if members else None)
    number = chosen.get("id_number") if chosen else None
    return str(number) if number else None


def money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):.2f}"


@dataclass(frozen=True)
class LineFigures:
    """What the totals need of one line."""

    township_id: int | None
    category: str
    kind: str
    persons: int
    amount: Decimal


@dataclass(frozen=True)
class GroupTotal:
    township_id: int | None
    category: str
    lines: int
    persons: int  # people covered by the month's regular payments (补发 and adjustments add none)
    amount: Decimal


def totals(lines: Iterable[LineFigures]) -> list[GroupTotal]:
    """Lines, persons and amount by township and category, in township then category order."""
    sums: dict[tuple[int | None, str], tuple[int, int, Decimal]] = {}
    for line in lines:
        count, persons, amount = sums.get((line.township_id, line.category), (0, 0, Decimal("0.00")))
        regular = line.persons if line.kind == "regular" else 0
        sums[(line.township_id, line.category)] = (count + 1, persons + regular, amount + line.amount)
    return totals_order([GroupTotal(k[0], k[1], *v) for k, v in sums.items()])


def totals_order(groups: Iterable[GroupTotal]) -> list[GroupTotal]:
    """Township by id (the order they were set up in), then the categories in CATEGORIES order."""
    order = list(CATEGORIES)
    return sorted(
        groups,
        key=lambda g: (
            g.township_id is None,
            g.township_id or 0,
            order.index(g.category) if g.category in order else 99,
        ),
    )


def topup_months(
    starts_on: date,
    ends_on: date | None,
    status: str,
    month: date,
    locked_months: Iterable[date],
    settled: set[date],
) -> list[date]:
    """The months before `month` that a locked roster closed without paying this enrollment (its approval
    came after that roster was locked) and nothing has settled since (`settled`: months it already has a
    line or an adjustment for). Months no roster covers are not topped up: they are paid by their own roster
    when it is generated."""
    return sorted(m for m in locked_months if m < month and m not in settled and pays_in(starts_on, ends_on, status, m))


@dataclass(frozen=True)
class Mismatch:
    """A line the roster has and the records do not (expected None), or the reverse, or with another amount."""

    key: tuple[int, str, date, int | None]  # enrollment, kind, month paid for, adjustment
    recorded: Decimal | None
    expected: Decimal | None


def reconcile(
    recorded: Mapping[tuple[int, str, date, int | None], Decimal],
    expected: Mapping[tuple[int, str, date, int | None], Decimal],
) -> list[Mismatch]:
    """Every key whose amount differs between the roster's lines and what the records give now."""
    keys = sorted(set(recorded) | set(expected), key=lambda k: (k[0], k[1], k[2], k[3] or 0))
    return [
        Mismatch(key, recorded.get(key), expected.get(key)) for key in keys if recorded.get(key) != expected.get(key)
    ]
