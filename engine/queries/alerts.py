"""The monitoring-alert register (监测预警, docs/alerts.md): the alerts of the user's county (or township), one
alert, an imported batch's result, and the households under monitoring. 身份证号 are masked here; nothing on
these pages shows a number in full."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from engine import policy
from engine.clock import china_today, utcnow
from engine.context import Context
from engine.domain.id_numbers import mask_id_number
from engine.domain.roles import Level
from engine.domain.vocabulary_window import (
    ALERT_INDICATOR_LABELS,
    ALERT_LEVEL_LABELS,
    ALERT_MATCH_LABELS,
    ALERT_OUTCOME_LABELS,
    ALERT_STATUS_LABELS,
    MONITORING_STATUS_LABELS,
)
from engine.errors import NotFound
from engine.lookups import get_user
from engine.persistence import Case, OrgUnit, User
from engine.persistence.alerts import ALERT_OPEN_STATUSES, Alert, AlertBatch, MonitoredHousehold

PAGE_SIZE = 50


@dataclass(frozen=True)
class AlertLine:
    id: int
    id_number: str  # masked
    name: str
    indicator: str
    level: str  # key, for styling
    level_label: str
    source: str
    alerted_on: date
    due_at: datetime
    status: str
    status_label: str
    match_label: str
    outcome_label: str
    village: str
    case_number: str | None
    overdue: bool


@dataclass(frozen=True)
class AlertDetail:
    line: AlertLine
    members: list[str]  # masked
    merged_count: int
    outcome_note: str | None
    closed_at: datetime | None
    batch_id: str
    batch_source: str
    imported_at: datetime


@dataclass(frozen=True)
class Register:
    lines: list[AlertLine]
    total: int
    page: int
    pages: int
    may_import: bool


@dataclass(frozen=True)
class MonitoredLine:
    id_number: str  # masked
    name: str
    village: str
    reason: str
    since: date
    recheck_on: date
    status_label: str
    due: bool


@dataclass(frozen=True)
class BatchView:
    batch_id: str
    source: str
    filename: str | None
    imported_at: datetime
    total: int
    imported: int
    merged: int
    rejected: int
    report: list[dict[str, Any]]


def _user(session: Session, username: str) -> User:
    user = get_user(session, username)
    policy.alerts.check_may_see_register(user)
    return user


def _scoped(query: Select[Any], user: User) -> Select[Any]:
    if user.org_unit.level == Level.TOWNSHIP.value:
        return query.where(Alert.township_id == user.org_unit_id)
    return query.where(Alert.county_id == user.org_unit_id)


def register(
    ctx: Context,
    username: str,
    *,
    status: str = "",
    level: str = "",
    overdue: bool = False,
    page: int = 1,
) -> Register:
    """The register, newest first, filtered by status, level and overdue (past the deadline and still open)."""
    now = utcnow()
    with ctx.db.read() as session:
        user = _user(session, username)
        query = _scoped(select(Alert).where(Alert.merged_into_id.is_(None)), user)
        if status in ALERT_STATUS_LABELS:
            query = query.where(Alert.status == status)
        if level in ALERT_LEVEL_LABELS:
            query = query.where(Alert.level == level)
        if overdue:
            query = query.where(Alert.status.in_(ALERT_OPEN_STATUSES), Alert.due_at < now)
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        rows = session.scalars(query.order_by(Alert.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
        lines = _lines(session, list(rows), now)
        return Register(lines, total, page, pages, policy.alerts.may_import(user))


def _lines(session: Session, alerts: list[Alert], now: datetime) -> list[AlertLine]:
    case_ids = {a.opened_case_id or a.matched_case_id for a in alerts} - {None}
    numbers = dict(session.execute(select(Case.id, Case.number).where(Case.id.in_(case_ids))).tuples().all())
    village_ids = {a.village_id for a in alerts} - {None}
    names = dict(session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(village_ids))).tuples().all())
    return [_line(a, numbers, names, now) for a in alerts]


def _line(alert: Alert, numbers: dict[int, str], names: dict[int, str], now: datetime) -> AlertLine:
    case_id = alert.opened_case_id or alert.matched_case_id
    return AlertLine(
        id=alert.id,
        id_number=mask_id_number(alert.id_number),
        name=alert.name,
        indicator=ALERT_INDICATOR_LABELS.get(alert.indicator, "其他风险"),
        level=alert.level,
        level_label=ALERT_LEVEL_LABELS.get(alert.level, ""),
        source=alert.source,
        alerted_on=alert.alerted_on,
        due_at=alert.due_at,
        status=alert.status,
        status_label=ALERT_STATUS_LABELS.get(alert.status, ""),
        match_label=ALERT_MATCH_LABELS.get(alert.match_kind, ""),
        outcome_label=ALERT_OUTCOME_LABELS.get(alert.outcome or "", ""),
        village=names.get(alert.village_id or 0, "未指定村/社区"),
        case_number=numbers.get(case_id) if case_id else None,
        overdue=alert.status in ALERT_OPEN_STATUSES and alert.due_at < now,
    )


def alert(ctx: Context, username: str, alert_id: int) -> AlertDetail:
    with ctx.db.read() as session:
        user = _user(session, username)
        found = session.get(Alert, alert_id)
        if found is None or found.merged_into_id is not None:
            raise NotFound("没有该预警")
        policy.alerts.check_may_see_alert(user, found)
        batch = session.get(AlertBatch, found.batch_id)
        if batch is None:  # a foreign key: never
            raise NotFound("没有该预警")
        return AlertDetail(
            line=_lines(session, [found], utcnow())[0],
            members=[mask_id_number(str(n)) for n in found.members],
            merged_count=found.merged_count,
            outcome_note=found.outcome_note,
            closed_at=found.closed_at,
            batch_id=batch.batch_id,
            batch_source=batch.source,
            imported_at=batch.imported_at,
        )


def batch(ctx: Context, username: str, batch_id: str) -> BatchView:
    """An imported batch's counts and per-row report (the upload page shows it after the import)."""
    with ctx.db.read() as session:
        user = _user(session, username)
        found = session.scalars(select(AlertBatch).where(AlertBatch.batch_id == batch_id)).first()
        if found is None or found.county_id != _county_id(user):
            raise NotFound(f"没有批次 {batch_id}")
        return BatchView(
            found.batch_id,
            found.source,
            found.filename,
            found.imported_at,
            found.total_rows,
            found.imported_rows,
            found.merged_rows,
            found.rejected_rows,
            list(found.report),
        )


def _county_id(user: User) -> int | None:
    return user.org_unit_id if user.org_unit.level == Level.COUNTY.value else user.org_unit.parent_id


def monitoring(ctx: Context, username: str, limit: int = 500) -> list[MonitoredLine]:
    """Households under monitoring (and being re-checked), soonest re-check first."""
    today = china_today()
    with ctx.db.read() as session:
        user = _user(session, username)
        village = aliased(OrgUnit)
        query = (
            select(MonitoredHousehold, village.name)
            .join(village, village.id == MonitoredHousehold.village_id)
            .where(MonitoredHousehold.status != "ended")
        )
        if user.org_unit.level == Level.TOWNSHIP.value:
            query = query.where(village.parent_id == user.org_unit_id)
        else:
            query = query.where(MonitoredHousehold.county_id == user.org_unit_id)
        rows = session.execute(query.order_by(MonitoredHousehold.recheck_on, MonitoredHousehold.id).limit(limit))
        return [
            MonitoredLine(
                mask_id_number(m.id_number),
                m.name,
                name,
                m.reason,
                m.since,
                m.recheck_on,
                MONITORING_STATUS_LABELS.get(m.status, ""),
                m.status == "monitoring" and m.recheck_on <= today,
            )
            for m, name in rows.tuples()
        ]
