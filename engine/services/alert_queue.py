"""Opening the processes of queued alerts (docs/alerts.md#processes): a batch that opens more than
`alerts.INLINE_STARTS` processes stores its alerts with `process_state` "queued" in the import's transaction,
and the worker's job 预警开启核查 opens them here, CHUNK per transaction, acting as the batch's importer.
A chunk that fails is retried alert by alert; an alert whose process cannot start is marked "failed" and
logged (it stays in the register as 待处置), so one bad row never blocks the queue."""

from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy import select, update

from engine.context import Context
from engine.persistence import Case, Enrollment, User
from engine.persistence.alerts import Alert, AlertBatch
from engine.services import alert_processes

log = logging.getLogger("dibao.alerts")

CHUNK = 50


def open_queued(ctx: Context) -> int:
    """Open the next chunk of queued alerts' processes; how many alerts were handled."""
    with ctx.db.read() as session:
        query = select(Alert.id).where(Alert.process_state == "queued").order_by(Alert.id).limit(CHUNK)
        ids = list(session.scalars(query))
    if not ids:
        return 0
    try:
        return _open(ctx, ids)
    except Exception:
        log.exception("批量开启预警核查失败，逐条重试")
    done = 0
    for alert_id in ids:
        try:
            done += _open(ctx, [alert_id])
        except Exception:
            log.exception("预警 %s 的复核或核查流程未能开启", alert_id)
            with ctx.db.write() as session:
                session.execute(update(Alert).where(Alert.id == alert_id).values(process_state="failed"))
            done += 1
    return done


def _open(ctx: Context, ids: list[int]) -> int:
    with ctx.db.write() as session:
        query = select(Alert).where(Alert.id.in_(ids), Alert.process_state == "queued").order_by(Alert.id)
        if ctx.db.is_postgres:
            query = query.with_for_update(skip_locked=True)  # another worker's alerts are skipped
        alerts = list(session.scalars(query))
        by_importer: dict[int, list[Alert]] = defaultdict(list)
        for alert in alerts:
            batch = session.get(AlertBatch, alert.batch_id)
            if batch is not None:
                by_importer[batch.imported_by_id].append(alert)
        for user_id, group in by_importer.items():
            user = session.get(User, user_id)
            if user is None:
                continue
            reviews = []
            for alert in group:
                enrollment = session.get(Enrollment, alert.enrollment_id) if alert.enrollment_id else None
                case = session.get(Case, alert.matched_case_id) if alert.matched_case_id else None
                if alert.match_kind == "enrollment" and enrollment is not None and case is not None:
                    reviews.append((alert, enrollment, case))
            alert_processes.open_reviews(ctx, session, user, reviews)
            verifications = [a for a in group if a.match_kind == "none" and a.village_id is not None]
            alert_processes.open_verifications(ctx, session, user, verifications)
        return len(alerts)
