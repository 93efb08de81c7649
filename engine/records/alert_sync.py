"""What a process tells an alert (docs/alerts.md#outcomes), written back with the rest of a step's results
(engine.records.writeback.persist calls `apply_alert_outcome` after the enrolment change).

`alert_verification` ends by setting the data key `alert_outcome` ({"outcome": no_risk | advise_application |
monitor, "note", "visit_date", "recheck_months"}): the alert it was opened for is closed, or put under
monitoring with a MonitoredHousehold due for its re-check `recheck_months` later. A 动态复核 opened by an alert
(trigger "alert") closes its alert when it completes. Each alert takes one outcome, so replaying a step does
nothing twice. Only steps that carry one of these cost a query.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import china_today, utcnow
from engine.domain.assessment.deductions import add_months
from engine.domain.vocabulary import OUTCOME_LABELS
from engine.domain.vocabulary_window import ALERT_OUTCOME_LABELS
from engine.persistence import Case, ProcessInstance
from engine.persistence.alerts import Alert, MonitoredHousehold
from engine.records import audit

REVIEW_PROCESS = "periodic_review"
DEFAULT_RECHECK_MONTHS = 3


def apply_alert_outcome(
    session: Session,
    case: Case,
    instance: ProcessInstance,
    data: dict[str, Any],
    actor: audit.Actor,
    *,
    completed: bool,
) -> None:
    raw = data.get("alert_outcome")
    review_done = completed and case.kind == REVIEW_PROCESS and data.get("trigger") == "alert"
    if not isinstance(raw, dict) and not review_done:
        return
    alert = session.scalars(select(Alert).where(Alert.opened_case_id == case.id)).first()
    if alert is None or alert.outcome is not None:
        return
    _end_earlier_monitoring(session, alert)
    if isinstance(raw, dict):
        outcome = str(raw.get("outcome"))
        if outcome not in ALERT_OUTCOME_LABELS:
            return
        alert.outcome, alert.outcome_note = outcome, str(raw.get("note") or "")[:2000]
    else:
        alert.outcome = "reviewed"
        alert.outcome_note = f"动态复核结论：{OUTCOME_LABELS.get(case.outcome or '', '已办结')}"
    monitored = _monitor(session, alert, case, raw) if alert.outcome == "monitor" else None
    alert.status = "monitoring" if monitored is not None else "closed"
    alert.closed_at = utcnow()
    audit.record(
        session,
        "alert_outcome_recorded",
        actor,
        case_id=case.id,
        instance_id=instance.id,
        details={
            "alert": alert.id,
            "outcome": alert.outcome,
            "recheck_on": monitored.recheck_on.isoformat() if monitored is not None else None,
        },
    )


def _monitor(session: Session, alert: Alert, case: Case, raw: Any) -> MonitoredHousehold:
    months = raw.get("recheck_months") if isinstance(raw, dict) else None
    today = china_today()
    monitored = MonitoredHousehold(
        id_number=alert.id_number,
        name=alert.name,
        village_id=case.village_id,
        county_id=alert.county_id,
        reason=alert.outcome_note or ALERT_OUTCOME_LABELS["monitor"],
        alert_id=alert.id,
        case_id=case.id,
        since=today,
        recheck_on=add_months(today, months if isinstance(months, int) and months > 0 else DEFAULT_RECHECK_MONTHS),
        status="monitoring",
    )
    session.add(monitored)
    session.flush()
    return monitored


def _end_earlier_monitoring(session: Session, alert: Alert) -> None:
    """The re-check of a monitored household ends that monitoring (a new one starts if it finds so again)."""
    for earlier in session.scalars(select(MonitoredHousehold).where(MonitoredHousehold.recheck_alert_id == alert.id)):
        earlier.status = "ended"
