"""Time as the auditor's reads show and filter it: stored naive UTC instants in Beijing time, to the second.

Apart because the events, the timers, the objections and the personal-data report's date range all go
through the same conversions, and an auditor compares these texts across exports.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from engine.clock import CHINA, to_china, to_utc


def china(moment: datetime) -> str:
    """A stored instant (naive UTC) in Beijing time."""
    return f"{to_china(moment):%Y-%m-%d %H:%M:%S}"


def china_text(value: Any) -> str:
    """An ISO timestamp from event details (naive UTC) in Beijing time."""
    if not isinstance(value, str) or not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return china(to_utc(moment) if moment.tzinfo is not None else moment)


def china_midnight(day: date) -> datetime:
    """The first instant of a Beijing date, as naive UTC."""
    return to_utc(datetime.combine(day, time.min, tzinfo=CHINA))
