"""Template filters: China time, and the Chinese words of engine.domain.vocabulary (task states, roles,
decisions, case statuses, assessment categories) and of the regions (their README titles)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import Flask

from engine.clock import to_china, utcnow
from engine.domain.roles import role_label
from engine.domain.vocabulary import CASE_STATUS_LABELS, CATEGORY_SHORT_LABELS, DECISION_LABELS, TASK_STATE_LABELS
from engine.queries.regions import region_name
from web.kit.current import context


def china_date(moment: datetime | None) -> str:
    return f"{to_china(moment):%Y-%m-%d}" if moment else "—"


def china_time(moment: datetime | None) -> str:
    return f"{to_china(moment):%Y-%m-%d %H:%M}" if moment else "—"


# Deadlines counted in working days end at 23:59:59 Beijing time (engine.domain.calendar.due_at); any other
# time of day is an hour deadline, set by a timer on the step (先行救助 within 24 hours).
_END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class Deadline:
    """How a task's deadline reads in its page header: `text` ("12月5日 14:30 前" for an hour deadline,
    the date for a working-day one) and, for an hour deadline, `urgency` ("剩余 5 小时", "已超时")."""

    text: str
    urgency: str | None
    late: bool


def deadline(due_at: datetime | None, now: datetime | None = None) -> Deadline | None:
    """The deadline of a task (naive UTC) in Beijing time, with an urgency marker when it is to the hour."""
    if due_at is None:
        return None
    local, late = to_china(due_at), due_at <= (now or utcnow())
    if local.time() == _END_OF_DAY:
        return Deadline(f"{local:%Y-%m-%d}", "已超期" if late else None, late)
    left = due_at - (now or utcnow())
    if late:
        urgency = "已超时"
    elif left < timedelta(hours=1):
        urgency = f"剩余 {max(1, int(left / timedelta(minutes=1)))} 分钟"
    else:
        urgency = f"剩余 {int(left / timedelta(hours=1))} 小时"
    return Deadline(f"{local.month}月{local.day}日 {local:%H:%M} 前", urgency, late)


def _label(labels: dict[str, str]) -> Callable[[str | None], str]:
    def label(value: str | None) -> str:
        return labels.get(value, value) if value else "—"

    return label


def init_app(app: Flask) -> None:
    app.add_template_filter(china_date, "china_date")
    app.add_template_filter(china_time, "china_time")
    app.add_template_filter(deadline, "deadline")
    app.add_template_filter(role_label, "role_label")
    app.add_template_filter(_label(TASK_STATE_LABELS), "state_label")
    app.add_template_filter(_label(DECISION_LABELS), "decision_label")
    app.add_template_filter(_label(CASE_STATUS_LABELS), "case_status_label")
    app.add_template_filter(_label(CATEGORY_SHORT_LABELS), "category_label")
    app.add_template_filter(lambda region: region_name(context(), region) or "—", "region_name")
