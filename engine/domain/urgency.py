"""Steps measured in hours (先行救助: paid within `advance_payment_hours`, 24 by default), for the task page.

A step's working-day due date (dueWorkingDays) says only the day. A process that gives a step a deadline to
the hour writes it into the workflow data as `<task name>_due_at` (an ISO instant, e.g. temporary_assistance's
`advance_payment_due_at = hours_later_iso(param("advance_payment_hours"))`), which also drives the step's
timer; the task page shows that instant with the hour and an urgency marker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SUFFIX = "_due_at"


@dataclass(frozen=True)
class Urgency:
    deadline: datetime  # naive UTC, as stored
    overdue: bool
    left: str  # "还剩 5 小时 20 分钟" or "已超过 2 小时 5 分钟"


def _instant(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _span(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} 分钟"
    return f"{hours} 小时 {rest} 分钟" if rest else f"{hours} 小时"


def hour_deadline(task_name: str, data: Mapping[str, Any], now: datetime) -> Urgency | None:
    """The deadline to the hour the process set for this step, or None when it set none."""
    deadline = _instant(data.get(task_name + SUFFIX))
    if deadline is None:
        return None
    minutes = int(abs((deadline - now).total_seconds()) // 60)
    if deadline <= now:
        return Urgency(deadline, True, f"已超过 {_span(minutes)}")
    return Urgency(deadline, False, f"还剩 {_span(minutes)}")
