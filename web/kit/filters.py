"""Template filters: China time, and the Chinese words of engine.domain.vocabulary (task states, roles,
decisions, case statuses, assessment categories) and of the regions (their README titles)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask

from engine.clock import to_china
from engine.domain.roles import role_label
from engine.domain.vocabulary import CASE_STATUS_LABELS, CATEGORY_SHORT_LABELS, DECISION_LABELS, TASK_STATE_LABELS
from engine.queries.regions import region_name
from web.kit.current import context


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
    app.add_template_filter(_label(TASK_STATE_LABELS), "state_label")
    app.add_template_filter(_label(DECISION_LABELS), "decision_label")
    app.add_template_filter(_label(CASE_STATUS_LABELS), "case_status_label")
    app.add_template_filter(_label(CATEGORY_SHORT_LABELS), "category_label")
    app.add_template_filter(lambda region: region_name(context(), region) or "—", "region_name")
