"""The dashboard's monitoring-alert block (docs/alerts.md): open alerts (待处置 or 核查中) by level, and the
overdue among them (past `Alert.due_at`), for the user's county, or a township head's township (alerts
matched to its villages). One GROUP BY on the register's index (county, status, due)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.domain.roles import Level
from engine.domain.vocabulary_window import ALERT_LEVEL_LABELS
from engine.persistence.alerts import ALERT_OPEN_STATUSES, Alert
from engine.queries.dashboard.model import AlertLevelCount
from engine.queries.dashboard.scope import Scope


def alert_levels(session: Session, scope: Scope, now: datetime) -> list[AlertLevelCount]:
    unit = scope.unit
    where = Alert.township_id == unit.id if unit.level == Level.TOWNSHIP.value else Alert.county_id == unit.id
    overdue = case((Alert.due_at < now, 1), else_=0)
    rows = session.execute(
        select(Alert.level, func.count(), func.sum(overdue))
        .where(where, Alert.status.in_(ALERT_OPEN_STATUSES))
        .group_by(Alert.level)
    ).all()
    found = {level: (int(n), int(late or 0)) for level, n, late in rows}
    return [AlertLevelCount(level, label, *found.get(level, (0, 0))) for level, label in ALERT_LEVEL_LABELS.items()]
