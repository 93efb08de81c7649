"""动态监测 re-checks (docs/alerts.md#monitoring): a household put under monitoring by a 预警核查 is verified
again on its re-check date. The worker's job `recheck_due` opens, once per household, a new alert (source
监测复查, yellow: a routine check) with its alert_verification, in a batch of its own per county, acting as
the county clerk who imported the first alert (or another active importer of that county when that person
no longer may). The household moves to "rechecking"; the new verification's outcome ends that monitoring
(engine.records.alert_sync) and may start a new one."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import china_today, utcnow
from engine.context import Context
from engine.domain.alerts import content_hash
from engine.domain.vocabulary_window import MONITORING_RECHECK_SOURCE
from engine.persistence import OrgUnit, User, UserRole
from engine.persistence.alerts import Alert, AlertBatch, MonitoredHousehold
from engine.records import audit
from engine.records.window import working_days_due
from engine.services import alert_processes

log = logging.getLogger("dibao.alerts")

CHUNK = 200
RECHECK_LEVEL = "yellow"


def recheck_due(ctx: Context) -> int:
    """Open the re-check of every monitored household whose date has come; how many were opened."""
    today = china_today()
    with ctx.db.write() as session:
        query = (
            select(MonitoredHousehold)
            .where(MonitoredHousehold.status == "monitoring", MonitoredHousehold.recheck_on <= today)
            .order_by(MonitoredHousehold.id)
            .limit(CHUNK)
        )
        if ctx.db.is_postgres:
            query = query.with_for_update(skip_locked=True)  # another worker's households are skipped
        by_county: dict[int, list[MonitoredHousehold]] = defaultdict(list)
        for monitored in session.scalars(query):
            by_county[monitored.county_id].append(monitored)
        opened = 0
        for county_id, households in by_county.items():
            opened += _recheck_county(ctx, session, county_id, households)
        return opened


def _acting_user(session: Session, county_id: int, households: list[MonitoredHousehold]) -> User | None:
    first = session.get(Alert, households[0].alert_id) if households[0].alert_id else None
    batch = session.get(AlertBatch, first.batch_id) if first is not None else None
    importer = session.get(User, batch.imported_by_id) if batch is not None else None
    if importer is not None and importer.active and policy.alerts.may_import(importer):
        return importer
    candidates = session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.org_unit_id == county_id, User.active.is_(True), UserRole.role.in_(policy.alerts.IMPORTING_ROLES))
        .order_by(User.id)
    )
    return next((u for u in candidates if policy.alerts.may_import(u)), None)


def _recheck_county(ctx: Context, session: Session, county_id: int, households: list[MonitoredHousehold]) -> int:
    user = _acting_user(session, county_id, households)
    county = session.get(OrgUnit, county_id)
    if user is None or county is None:
        log.warning("县 %s 没有可办理监测复查的县民政经办人员，%d 户监测复查暂未启动", county_id, len(households))
        return 0
    now = utcnow()
    ids = ",".join(str(h.id) for h in households)
    batch = AlertBatch(
        batch_id=f"monitoring-{county.code}-{now:%Y%m%d%H%M%S%f}"[:64],
        county_id=county_id,
        source=MONITORING_RECHECK_SOURCE,
        filename=None,
        content_sha256=content_hash(ids.encode()),
        imported_by_id=user.id,
        imported_at=now,
        total_rows=len(households),
        imported_rows=len(households),
        merged_rows=0,
        rejected_rows=0,
        report=[],
    )
    session.add(batch)
    session.flush()
    due = working_days_due(ctx, session, county.region, f"alert_deadline_days_{RECHECK_LEVEL}", now)
    alerts = [_recheck_alert(session, batch, row, monitored, due) for row, monitored in enumerate(households, 1)]
    session.flush()
    for monitored, alert in zip(households, alerts, strict=True):
        monitored.status, monitored.recheck_alert_id = "rechecking", alert.id
    alert_processes.open_verifications(ctx, session, user, alerts)
    audit.record(
        session,
        "alert_monitoring_rechecks_opened",
        audit.Actor.of(user),
        details={"batch_id": batch.batch_id, "households": len(households)},
    )
    return len(households)


def _recheck_alert(
    session: Session, batch: AlertBatch, row: int, monitored: MonitoredHousehold, due: datetime
) -> Alert:
    earlier = session.get(Alert, monitored.alert_id) if monitored.alert_id else None
    village = monitored.village
    alert = Alert(
        batch_id=batch.id,
        row=row,
        county_id=batch.county_id,
        township_id=village.parent_id,
        village_id=village.id,
        id_number=monitored.id_number,
        name=monitored.name,
        members=list(earlier.members) if earlier is not None else [],
        indicator=earlier.indicator if earlier is not None else "other",
        level=RECHECK_LEVEL,
        source=MONITORING_RECHECK_SOURCE,
        alerted_on=china_today(),
        imported_at=batch.imported_at,
        due_at=due,
        status="open",
        match_kind="none",
        merged_count=0,
    )
    session.add(alert)
    return alert
