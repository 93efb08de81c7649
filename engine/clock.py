"""The one source of "now". Stored timestamps are naive UTC; freezegun travels this clock in tests.

Working days are counted on the calendar day in China (UTC+8, no daylight saving): a task created at
20:00 Beijing time on a Friday is a Friday task, although it is still morning in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_china(moment: datetime) -> datetime:
    """Naive UTC → aware Beijing time."""
    return moment.replace(tzinfo=UTC).astimezone(CHINA)


def to_utc(moment: datetime) -> datetime:
    """Aware time → naive UTC, as stored."""
    return moment.astimezone(UTC).replace(tzinfo=None)
