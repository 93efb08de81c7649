"""Calendar months as their first day: the unit amounts, 年度调标 and 发放名册 count in."""

from __future__ import annotations

from datetime import date


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after (or, negative, before) `month`'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)
