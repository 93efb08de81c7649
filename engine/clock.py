"""The one source of "now". Stored timestamps are naive UTC; freezegun travels this clock in tests.

Working days are counted on the calendar day in China (UTC+8, no daylight saving): a task created at
20:00 Beijing time on a Friday is a Friday task, although it is still morning in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


# Demo mode only (engine.services.demo_clock): how far this process's clock has been travelled. Zero
# unless travelled, so freezegun keeps working; per process, so a restart (or another process) forgets it.
_offset = timedelta(0)
# The engine host's child processes (engine.workflow.host_child) run each step at the moment the
# requesting process sent with it: its freezegun time, its demo travel, and one instant for the step.
_pinned: datetime | None = None


def utcnow() -> datetime:
    if _pinned is not None:
        return _pinned
    return datetime.now(UTC).replace(tzinfo=None) + _offset


@contextmanager
def pinned(moment: datetime) -> Iterator[None]:
    """Within the block, utcnow() is `moment` (naive UTC). For one thread per process only."""
    global _pinned
    previous, _pinned = _pinned, moment
    try:
        yield
    finally:
        _pinned = previous


def wallclock() -> datetime:
    """Real UTC now (naive), never travelled by the demo clock: for lifetimes that protect accounts. A demo
    travel of 8 days must not sign out the administrator who made it."""
    return datetime.now(UTC).replace(tzinfo=None)


def offset() -> timedelta:
    return _offset


def set_offset(value: timedelta) -> None:
    """Travel this process's clock (demo mode); timedelta(0) is real time again."""
    global _offset
    _offset = value


def china_today() -> date:
    """Today's calendar day in Beijing, on this clock (frozen, travelled or pinned alike)."""
    return to_china(utcnow()).date()


def to_china(moment: datetime) -> datetime:
    """Naive UTC → aware Beijing time."""
    return moment.replace(tzinfo=UTC).astimezone(CHINA)


def to_utc(moment: datetime) -> datetime:
    """Aware time → naive UTC, as stored."""
    return moment.astimezone(UTC).replace(tzinfo=None)
