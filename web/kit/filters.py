"""Template filters: China time, and Chinese labels for task states, roles and decisions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask

from engine.clock import to_china
from engine.domain.roles import role_label

STATE_LABELS = {"open": "待签收", "claimed": "已签收", "completed": "已办结", "cancelled": "已取消"}
# design.md §5: every decision form has these values; a step's own extra values show as they are.
DECISION_LABELS = {"approve": "通过", "reject": "不予通过", "return": "退回"}
CASE_STATUS_LABELS = {"open": "办理中", "closed": "已办结", "cancelled": "已撤销"}


def china_date(moment: datetime | None) -> str:
    return f"{to_china(moment):%Y-%m-%d}" if moment else "—"


def china_time(moment: datetime | None) -> str:
    return f"{to_china(moment):%Y-%m-%d %H:%M}" if moment else "—"


def _label(labels: dict[str, str]) -> Callable[[str | None], str]:
    def label(value: str | None) -> str:
        return labels.get(value, value) if value else "—"

    return label


def init_app(app: Flask) -> None:
    app.add_template_filter(china_date, "china_date")
    app.add_template_filter(china_time, "china_time")
    app.add_template_filter(role_label, "role_label")
    app.add_template_filter(_label(STATE_LABELS), "state_label")
    app.add_template_filter(_label(DECISION_LABELS), "decision_label")
    app.add_template_filter(_label(CASE_STATUS_LABELS), "case_status_label")
