"""动态复核 in bulk (issue 4; docs/contracts.md#performance-targets: 10,000 re-check cases in one batch at ≥ 300
cases/s).

Every active enrollment whose `next_review_on` has come is started as a case of its programme's re-check
process (vocabulary_tekun.REVIEW_PROCESSES: `periodic_review` for 低保, `tekun_review` for 特困) with the
household as last verified and the amount paid now. One transaction per chunk: a failure stops
the batch at a chunk boundary with every earlier chunk kept, and a re-run starts only what is left
(an enrollment being re-checked has no review date until its re-check decides).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from engine import policy
from engine.clock import to_china, utcnow
from engine.context import Context
from engine.domain.vocabulary_tekun import REVIEW_PROCESSES
from engine.lookups import get_user
from engine.persistence import Case, Enrollment, OrgUnit
from engine.services.cases import start_batch

PROCESS_ID = "periodic_review"  # the 低保 re-check, and any programme without its own
CHUNK = 500


@dataclass(frozen=True)
class BatchResult:
    started: list[str]  # the new case numbers
    due: int


def check_may_start_due(ctx: Context, username: str) -> None:
    """PermissionDenied for a user who may not start the due re-checks (the batch page asks first)."""
    with ctx.db.read() as session:
        policy.check_may_start_due_reviews(get_user(session, username))


def start_due_reviews(ctx: Context, username: str, on: date | None = None, limit: int | None = None) -> BatchResult:
    """Start the re-checks due on `on` (default today in China) for the user's township or county."""
    day = on or to_china(utcnow()).date()
    with ctx.db.read() as session:
        user = get_user(session, username)
        policy.check_may_start_due_reviews(user)
        unit = user.org_unit
        scope = Case.township_id if unit.level == "township" else Case.county_id
        due_ids = list(
            session.scalars(
                select(Enrollment.id)
                .join(Case, Case.id == Enrollment.case_id)
                .where(Enrollment.status == "active", Enrollment.next_review_on <= day, scope == unit.id)
                .order_by(Enrollment.next_review_on, Enrollment.id)
                .limit(limit)
            )
        )
    started: list[str] = []
    for offset in range(0, len(due_ids), CHUNK):
        chunk = due_ids[offset : offset + CHUNK]
        with ctx.db.write() as session:
            user = get_user(session, username)
            rows = session.execute(
                select(Enrollment, Case, OrgUnit.code)
                .join(Case, Case.id == Enrollment.case_id)
                .join(OrgUnit, OrgUnit.id == Enrollment.village_id)
                .where(Enrollment.id.in_(chunk), Enrollment.status == "active", Enrollment.next_review_on <= day)
            ).all()
            by_process: dict[str, list[dict[str, Any]]] = {}
            lookups: dict[object, object] = {}
            for enrollment, related, village_code in rows:
                lookups[("case", related.number)] = related
                process_id = REVIEW_PROCESSES.get(enrollment.programme, PROCESS_ID)
                by_process.setdefault(process_id, []).append(_start_data(enrollment, related, village_code))
                # In progress: no second re-check until this one decides and schedules the next.
                enrollment.next_review_on = None
            for process_id, datas in by_process.items():
                started += [case.number for case in start_batch(ctx, session, user, process_id, datas, lookups)]
    return BatchResult(started, len(due_ids))


def _start_data(enrollment: Enrollment, related: Case, village_code: str) -> dict[str, Any]:
    """A scheduled re-check's start data. 特困's start form takes only the case and the ground: the record,
    the support and the amount come from the enrollment (engine.services.tekun_enrollment)."""
    data: dict[str, Any] = {"village": village_code, "related_case": related.number, "trigger": "scheduled"}
    if enrollment.programme == "tekun":
        return data
    return {**data, "current_amount": f"{enrollment.monthly_amount:.2f}", "household": enrollment.household or {}}
