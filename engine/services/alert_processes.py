"""The processes alerts open (docs/alerts.md#processes), inside the caller's transaction: a 动态复核 for an
enrolled household, a 预警核查 (alert_verification) for a household that is not covered. Both start through
engine.services.cases.start_batch (one flush per step of the batch, not per case), and the first task of each
new case is given the alert's deadline: HumanTask.due_at is what the inbox, the overdue view, the dashboard and
the reminder sweep already watch, while the legal clock belongs to the review's own 受理 rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.persistence import Case, Enrollment, HumanTask, User
from engine.persistence.alerts import Alert
from engine.records import audit
from engine.services.cases import start_batch

REVIEW_PROCESS = "periodic_review"
VERIFICATION_PROCESS = "alert_verification"


def open_reviews(ctx: Context, session: Session, user: User, items: list[tuple[Alert, Enrollment, Case]]) -> list[str]:
    """One 动态复核 per new alert of an enrolled household (trigger 监测预警)."""
    if not items:
        return []
    lookups: dict[Any, Any] = {}
    datas = []
    for _alert, enrollment, related in items:
        lookups[("case", related.number)] = related
        datas.append(
            {
                "village": related.village.code,
                "related_case": related.number,
                "trigger": "alert",
                "current_amount": f"{enrollment.monthly_amount:.2f}",
                "household": enrollment.household or {},
            }
        )
        enrollment.next_review_on = None  # in progress: the scheduled batch does not start a second one
    cases = start_batch(ctx, session, user, REVIEW_PROCESS, datas, lookups)
    return _opened(session, user, [alert for alert, _e, _c in items], cases, "alert_review_opened")


def open_verifications(ctx: Context, session: Session, user: User, alerts: list[Alert]) -> list[str]:
    """One 预警核查 per new alert of a household that is neither covered nor in a running case."""
    alerts = [alert for alert in alerts if alert.village is not None]
    if not alerts:
        return []
    datas = [
        {
            "village": alert.village.code,
            "alert_id": alert.id,
            "applicant_name": alert.name,
            "applicant_id_number": alert.id_number,
            "indicator": alert.indicator,
            "level": alert.level,
            "source": alert.source,
            "alerted_on": alert.alerted_on.isoformat(),
        }
        for alert in alerts
        if alert.village is not None  # for mypy: filtered above
    ]
    cases = start_batch(ctx, session, user, VERIFICATION_PROCESS, datas)
    return _opened(session, user, alerts, cases, "alert_verification_opened")


def _opened(session: Session, user: User, alerts: list[Alert], cases: list[Case], action: str) -> list[str]:
    due_by_case: dict[int, datetime] = {}
    for alert, case in zip(alerts, cases, strict=True):
        alert.opened_case_id = case.id
        alert.status, alert.process_state = "verifying", "opened"
        due_by_case[case.id] = alert.due_at
        record_on_case(session, user, alert, case.id, action)
    tasks = session.scalars(
        select(HumanTask).where(HumanTask.case_id.in_(due_by_case), HumanTask.state.in_(("open", "claimed")))
    )
    for task in tasks:
        task.due_at = due_by_case[task.case_id]
    return [case.number for case in cases]


def record_on_case(session: Session, user: User, alert: Alert, case_id: int, action: str) -> None:
    audit.record(
        session,
        action,
        audit.Actor.of(user),
        case_id=case_id,
        details={"alert": alert.id, "level": alert.level, "indicator": alert.indicator, "due_at": alert.due_at},
    )
