"""个人信息查看记录: who viewed which case's personal data when, and why, over the auditor's unit.

A report across cases rather than one case's dossier, so it has its own scope (the unit column of the
auditor's level) and date range; each row reads as events.pii_view makes it, like the dossier's own list.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, false, select

from engine.context import Context
from engine.domain.roles import Level
from engine.errors import InvalidData
from engine.persistence import AuditEvent, Case, User
from engine.queries.dossier.access import DOSSIER_VIEWED, EXPORTED, PII_VIEWED, auditor
from engine.queries.dossier.events import org_names_of, people_of, pii_view
from engine.queries.dossier.model import PiiReport
from engine.queries.dossier.times import china_midnight

PII_REPORT_LIMIT = 500


def pii_views(
    ctx: Context,
    username: str,
    since: date | None = None,
    until: date | None = None,
    *,
    include_audit_reads: bool = False,
) -> PiiReport:
    """Who viewed which case's personal data when, with the reason given, for the cases of the auditor's
    unit, newest first; `since`/`until` are Beijing dates, both inclusive. With `include_audit_reads`,
    auditors' own dossier views and exports (masked data) are listed too."""
    if since is not None and until is not None and until < since:
        raise InvalidData("查询条件有误", {"until": ["截止日期：不能早于起始日期"]})
    actions = [PII_VIEWED, DOSSIER_VIEWED, EXPORTED] if include_audit_reads else [PII_VIEWED]
    with ctx.db.read() as session:
        user = auditor(session, username)
        conditions = [AuditEvent.action.in_(actions), _scope(user)]
        if since is not None:
            conditions.append(AuditEvent.occurred_at >= china_midnight(since))
        if until is not None:
            conditions.append(AuditEvent.occurred_at < china_midnight(until + timedelta(days=1)))
        found = session.execute(
            select(AuditEvent, Case.number)
            .join(Case, Case.id == AuditEvent.case_id)
            .where(*conditions)
            .order_by(AuditEvent.seq.desc())
            .limit(PII_REPORT_LIMIT + 1)
        ).all()
        events = [event for event, _ in found]
        people, orgs = people_of(session, events), org_names_of(session, events)
        rows = [pii_view(event, str(case_number), people, orgs) for event, case_number in found]
        return PiiReport(
            rows[:PII_REPORT_LIMIT], since, until, include_audit_reads, truncated=len(rows) > PII_REPORT_LIMIT
        )


def _scope(user: User) -> ColumnElement[bool]:
    """Cases of the user's own unit, by the unit column of its level (as case_search does)."""
    column = {
        Level.VILLAGE.value: Case.village_id,
        Level.TOWNSHIP.value: Case.township_id,
        Level.COUNTY.value: Case.county_id,
    }.get(user.org_unit.level)
    return column == user.org_unit_id if column is not None else false()
