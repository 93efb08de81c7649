"""Importing a batch of monitoring alerts (监测预警, docs/alerts.md), one transaction per batch.

The file is read first (engine.domain.alerts): a refused file writes nothing. Then, in one transaction, the
batch is recorded with its per-row report, each valid row is matched by 身份证号 (engine.services.alert_matching),
merged into an open alert of the same household within the merge window or stored as a new alert with its
deadline by level, and each new alert of an enrolled household opens a 动态复核 (periodic_review, trigger
监测预警) whose first task is due at the alert's deadline. An alert for a household with a running case is
attached to that case; one for a household that is not covered, naming its village, opens a 预警核查
(alert_verification); without a village it stays open. A batch opening more than INLINE_STARTS processes
queues them for the worker instead (engine.services.alert_queue).

The batch id is the caller's: the same id with the same content returns the stored result again, with other
content it is a conflict (409). A batch with no valid row is refused whole (422 with the report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import utcnow
from engine.context import Context
from engine.domain import alerts as domain
from engine.domain.roles import Level
from engine.errors import Conflict, InvalidData
from engine.lookups import ancestor_at_level, get_user
from engine.persistence import Case, Enrollment, OrgUnit, User
from engine.persistence.alerts import Alert, AlertBatch
from engine.records import audit
from engine.records.window import parameters_in_force, working_days_due
from engine.services import alert_processes as processes
from engine.services.alert_matching import CountyIndex, Match, OpenAlerts, merge_key

MAX_BATCH_ID = 64
# A batch that opens more processes than this queues them for the worker (engine.services.alert_queue): starting
# a workflow costs milliseconds each, and 10,000 of them would hold the import's transaction for minutes.
INLINE_STARTS = 100
MAX_REPORT_FIELDS = 200  # rows listed in a 422's fields; the whole report is in `report`


@dataclass
class ImportResult:
    batch_id: str
    total: int
    imported: int
    merged: int
    rejected: int
    report: list[dict[str, Any]]
    opened_cases: list[str] = field(default_factory=list)
    repeated: bool = False  # the batch had been imported before: this is its stored result

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "total": self.total,
            "imported": self.imported,
            "merged": self.merged,
            "rejected": self.rejected,
            "opened_cases": self.opened_cases,
            "repeated": self.repeated,
            "report": self.report,
        }


def check_may_import(ctx: Context, username: str) -> None:
    """PermissionDenied for a user who may not import (the upload page asks before showing its form)."""
    with ctx.db.read() as session:
        policy.alerts.check_may_import(get_user(session, username))


def import_file(
    ctx: Context, username: str, content: bytes, filename: str, batch_id: str | None = None, source: str = ""
) -> ImportResult:
    """A CSV or JSON file (the upload page, the CLI). A JSON file may carry its own batch_id and source."""
    check_may_import(ctx, username)  # 403 before the file is judged
    try:
        parsed, header = domain.parse_file(content, filename, source.strip())
    except domain.AlertFileError as error:
        raise InvalidData(str(error), fields={"file": [str(error)]}) from None
    batch_id = batch_id or (header.get("batch_id") if isinstance(header.get("batch_id"), str) else None)
    batch_source = header.get("source") or source.strip() or "导入文件"
    return _import(ctx, username, parsed, content, filename, batch_id, str(batch_source))


def import_batch(ctx: Context, username: str, document: Any, raw: bytes) -> ImportResult:
    """A JSON batch (the API): {"batch_id", "source"?, "alerts": [...]}; `raw` is what the content hash covers."""
    check_may_import(ctx, username)
    try:
        parsed, header = domain.parse_batch(document)
    except domain.AlertFileError as error:
        raise InvalidData(str(error), fields={"alerts": [str(error)]}) from None
    batch_id = header.get("batch_id")
    return _import(
        ctx, username, parsed, raw, None, batch_id if isinstance(batch_id, str) else None, header["source"] or "接口"
    )


def _import(
    ctx: Context,
    username: str,
    parsed: domain.ParsedBatch,
    content: bytes,
    filename: str | None,
    batch_id: str | None,
    source: str,
) -> ImportResult:
    batch_id = (batch_id or "").strip()
    if not batch_id or len(batch_id) > MAX_BATCH_ID:
        raise InvalidData("批次号有误", fields={"batch_id": [f"批次号：必填，不超过 {MAX_BATCH_ID} 个字符"]})
    digest = domain.content_hash(content)
    with ctx.db.write() as session:
        user = get_user(session, username)
        policy.alerts.check_may_import(user)
        existing = session.scalars(select(AlertBatch).where(AlertBatch.batch_id == batch_id)).first()
        if existing is not None:
            return _repeat(existing, digest, user)
        report = [p.as_dict() for p in parsed.problems]
        if not parsed.rows:
            lines = [f"第 {p['row']} 行 {p['message']}" for p in report[:MAX_REPORT_FIELDS]]
            raise InvalidData("文件中没有可导入的预警，未导入任何数据", fields={"rows": lines or ["文件中没有数据行"]})
        batch = AlertBatch(
            batch_id=batch_id,
            county_id=user.org_unit_id,
            source=source[:100],
            filename=(filename or None) and filename[:200],
            content_sha256=digest,
            imported_by_id=user.id,
            imported_at=utcnow(),
            total_rows=parsed.total,
            imported_rows=0,
            merged_rows=0,
            rejected_rows=parsed.rejected_rows,
            report=report,
        )
        session.add(batch)
        session.flush()
        result = _store_rows(ctx, session, user, batch, parsed.rows)
        audit.record(
            session,
            "alert_batch_imported",
            audit.Actor.of(user),
            details={
                "batch_id": batch_id,
                "sha256": digest,
                "total": batch.total_rows,
                "imported": batch.imported_rows,
                "merged": batch.merged_rows,
                "rejected": batch.rejected_rows,
            },
        )
        return result


def _repeat(existing: AlertBatch, digest: str, user: User) -> ImportResult:
    if existing.content_sha256 != digest:
        raise Conflict(f"批次号 {existing.batch_id} 已用于另一份内容不同的预警文件，请更换批次号")
    if existing.county_id != user.org_unit_id:
        raise Conflict(f"批次号 {existing.batch_id} 已被其他县使用，请更换批次号")
    return _result(existing, [], repeated=True)


def _result(batch: AlertBatch, opened: list[str], *, repeated: bool = False) -> ImportResult:
    return ImportResult(
        batch.batch_id,
        batch.total_rows,
        batch.imported_rows,
        batch.merged_rows,
        batch.rejected_rows,
        list(batch.report),
        opened,
        repeated,
    )


class _Deadlines:
    """The due moment of each level for alerts imported now (one calendar computation per level)."""

    def __init__(self, ctx: Context, session: Session, region: str, now: datetime) -> None:
        self.due = {
            level: working_days_due(ctx, session, region, f"alert_deadline_days_{level}", now)
            for level in domain.LEVEL_ORDER
        }


def _store_rows(
    ctx: Context, session: Session, user: User, batch: AlertBatch, rows: list[domain.AlertRow]
) -> ImportResult:
    county = user.org_unit
    now = batch.imported_at
    deadlines = _Deadlines(ctx, session, county.region, now)
    window = int(parameters_in_force(ctx, session, county.region).value("alert_merge_window_days", now.date()))
    index = CountyIndex(session, county)
    open_alerts = OpenAlerts(session, county, min(r.alerted_on for r in rows), window)
    villages = _villages(session, county, rows)
    to_review: list[tuple[Alert, Enrollment, Case]] = []
    to_verify: list[Alert] = []
    attached: list[tuple[Alert, Case]] = []
    for row in rows:
        match = index.match(row.numbers)
        key = merge_key(match, row)
        into = open_alerts.find(key, row.alerted_on)
        if into is not None:
            _merge(into, row, deadlines)
            batch.merged_rows += 1
            continue
        alert = _new_alert(batch, row, match, deadlines.due[row.level], villages)
        session.add(alert)
        open_alerts.add(key, alert)
        batch.imported_rows += 1
        if match.kind == "enrollment" and match.enrollment is not None and match.case is not None:
            to_review.append((alert, match.enrollment, match.case))
        elif match.kind == "case" and match.case is not None:
            attached.append((alert, match.case))
        elif alert.village_id is not None:
            to_verify.append(alert)
    session.flush()
    for alert, case in attached:  # on the running case's timeline
        processes.record_on_case(session, user, alert, case.id, "alert_attached")
    if len(to_review) + len(to_verify) > INLINE_STARTS:
        for alert, enrollment, _case in to_review:
            alert.process_state = "queued"
            enrollment.next_review_on = None  # as when it opens: the scheduled batch leaves it alone
        for alert in to_verify:
            alert.process_state = "queued"
        return _result(batch, [])
    opened = processes.open_reviews(ctx, session, user, to_review)
    opened += processes.open_verifications(ctx, session, user, to_verify)
    return _result(batch, opened)


def _villages(session: Session, county: OrgUnit, rows: list[domain.AlertRow]) -> dict[str, OrgUnit]:
    """The villages of the county named by the rows (a row naming another county's village keeps none)."""
    codes = {r.village for r in rows if r.village}
    if not codes:
        return {}
    units = session.scalars(select(OrgUnit).where(OrgUnit.code.in_(codes), OrgUnit.level == Level.VILLAGE.value))
    return {u.code: u for u in units if (c := ancestor_at_level(u, Level.COUNTY.value)) and c.id == county.id}


def _new_alert(
    batch: AlertBatch, row: domain.AlertRow, match: Match, due: datetime, villages: dict[str, OrgUnit]
) -> Alert:
    case = match.case
    village: OrgUnit | None = case.village if case is not None else villages.get(row.village or "")
    township = ancestor_at_level(village, Level.TOWNSHIP.value) if village is not None else None
    return Alert(
        batch_id=batch.id,
        row=row.row,
        county_id=batch.county_id,
        township_id=township.id if township else None,
        village_id=village.id if village else None,
        id_number=row.id_number,
        name=row.name,
        members=list(row.members),
        indicator=row.indicator,
        level=row.level,
        source=row.source,
        alerted_on=row.alerted_on,
        imported_at=batch.imported_at,
        due_at=due,
        status="verifying" if match.kind == "case" else "open",
        match_kind=match.kind,
        enrollment_id=match.enrollment.id if match.enrollment else None,
        matched_case_id=case.id if case is not None else None,
        merged_count=0,
    )


def _merge(into: Alert, row: domain.AlertRow, deadlines: _Deadlines) -> None:
    """A later alert of the same household: counted on the open one, which keeps the higher level and the
    earlier deadline."""
    into.merged_count += 1
    if domain.LEVEL_ORDER[row.level] > domain.LEVEL_ORDER[into.level]:
        into.level = row.level
        into.due_at = min(into.due_at, deadlines.due[row.level])
