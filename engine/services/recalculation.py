"""年度调标 (issue 18; docs/annual-adjustment.md): prepare a county's recalculation run, approve or cancel it.

`prepare` re-assesses every active enrolment of the county with its last verified household under the newest
deployed version of the region's 低保 process (its parameters on the effective month's first day) and stores
the run with one item per enrolment, in one transaction; nothing about an enrolment changes yet. `approve`
applies the run as a whole, in one transaction: each raise and reduction becomes the enrolment's amount from
the effective month (engine.records.amounts) and an `enrollment_recalculated` event on its case; each flagged
household is put up for re-check on the approval day (engine.services.reviews starts it). A month whose
发放名册 is locked is refused at both steps, as is an approval after any enrolment of the run changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import china_today, utcnow
from engine.context import Context
from engine.domain import recalculation as rules
from engine.domain.parameters import Parameters
from engine.errors import Conflict, InvalidData, NotFound, PermissionDenied
from engine.lookups import get_org_unit, get_user, latest_definition
from engine.persistence import Case, Enrollment, OrgUnit, PayrollRoster, RecalculationItem, RecalculationRun, User
from engine.persistence.payroll import ROSTER_LOCKED
from engine.persistence.recalculation import RUN_APPROVED, RUN_CANCELLED, RUN_PREPARED
from engine.records import audit
from engine.records.amounts import record_amount
from engine.records.roster_locks import check_month_open
from engine.workflow.bundle import DEFAULT_REGION

PROCESS_ID = "dibao_application"  # the 低保 application: its parameters are the standard an enrolment was granted on
STALE_NAMED = 10  # how many changed enrolments a refusal names


@dataclass(frozen=True)
class RunResult:
    number: str
    status: str
    counts: dict[str, int]
    budget_before: str
    budget_after: str


def parse_month(text: str) -> date:
    """'2027-01' (or a full date) → 2027-01-01; InvalidData in Chinese otherwise."""
    value = (text or "").strip()
    try:
        return rules.month_start(date.fromisoformat(value if len(value) > 7 else f"{value}-01"))
    except ValueError:
        raise InvalidData("生效月份有误", fields={"month": ["请按“年-月”填写，例如 2027-01"]}) from None


def _actor(user: User) -> audit.Actor:
    role = next((r for r in ("county_approver", "county_clerk") if r in user.roles), None)
    return audit.Actor.of(user, role)


def _county(session: Session, user: User, code: str | None) -> OrgUnit:
    county = get_org_unit(session, code) if code else user.org_unit
    if county.level != "county":
        raise InvalidData("调标范围必须是县（市、区）", fields={"county": [f"{county.name} 不是县级单位"]})
    if county.id != user.org_unit_id:
        raise PermissionDenied(f"无权为{county.name}发起年度调标：您只能为{user.org_unit.name}发起")
    return county


def _check_months_open(session: Session, county: OrgUnit, month: date) -> None:
    """Amounts change from `month` on, so the roster of that month and of any later locked month would change."""
    locked = session.scalar(
        select(func.min(PayrollRoster.month)).where(
            PayrollRoster.county_id == county.id, PayrollRoster.status == ROSTER_LOCKED, PayrollRoster.month >= month
        )
    )
    if locked is not None:
        check_month_open(session, county.id, locked, county.name)


def _next_number(session: Session, month: date) -> str:
    prefix = f"TB-{month.year}-"
    used = session.scalar(select(func.count()).where(RecalculationRun.number.like(f"{prefix}%"))) or 0
    return f"{prefix}{used + 1:04d}"


def prepare(ctx: Context, username: str, month: str, county_code: str | None = None) -> RunResult:
    """Prepare a run for the user's county (or `county_code`, which must be it) from `month` ('2027-01')."""
    effective = parse_month(month)
    with ctx.db.write() as session:
        user = get_user(session, username)
        policy.recalculation.check_may_prepare_recalculation(user)
        county = _county(session, user, county_code)
        _check_months_open(session, county, effective)
        pending = session.scalar(
            select(RecalculationRun.number).where(
                RecalculationRun.county_id == county.id,
                RecalculationRun.effective_month == effective,
                RecalculationRun.status == RUN_PREPARED,
            )
        )
        if pending is not None:
            raise Conflict(f"{county.name}已有待审批的同月调标 {pending}：请先审批或作废，再重新试算")
        region = county.region or DEFAULT_REGION
        definition = latest_definition(session, PROCESS_ID, region)
        parameters = ctx.process(definition).parameters
        run = RecalculationRun(
            number=_next_number(session, effective),
            county_id=county.id,
            region=region,
            effective_month=effective,
            definition_id=definition.id,
            definition_version=definition.version,
            status=RUN_PREPARED,
            created_by_id=user.id,
        )
        session.add(run)
        session.flush()
        _fill(session, run, parameters)
        audit.record(session, "recalculation_prepared", _actor(user), details=_run_details(run, county))
        return _result(run)


def _fill(session: Session, run: RecalculationRun, parameters: Parameters) -> None:
    """One item per enrolment of the county that is still paid (active or 渐退), inserted in bulk."""
    rows = session.execute(
        select(Enrollment)
        .join(Case, Case.id == Enrollment.case_id)
        .where(Case.county_id == run.county_id, Enrollment.status.in_(("active", "gradual_exit")))
        .order_by(Enrollment.id)
    ).scalars()
    items: list[dict[str, Any]] = []
    counts = dict.fromkeys(rules.CHANGES, 0)
    before: list[Decimal] = []
    after: list[Decimal] = []
    for enrollment in rows:
        enrolled = rules.Enrolled(
            enrollment.status,
            enrollment.monthly_amount,
            enrollment.persons,
            [name for name in (enrollment.covered_members or "").split("、") if name],
            enrollment.household,
        )
        outcome = rules.classify(enrolled, run.effective_month, parameters, run.region)
        counts[outcome.change] += 1
        if enrollment.status == "active":
            before.append(enrollment.monthly_amount)
            applied = outcome.change in rules.APPLIED and outcome.new_amount is not None
            after.append(
                outcome.new_amount if applied and outcome.new_amount is not None else enrollment.monthly_amount
            )
        items.append(
            {
                "run_id": run.id,
                "enrollment_id": enrollment.id,
                "case_id": enrollment.case_id,
                "old_amount": enrollment.monthly_amount,
                "new_amount": outcome.new_amount,
                "old_persons": enrollment.persons,
                "new_persons": outcome.new_persons,
                "change": outcome.change,
                "reason": outcome.reason,
                "seen_status": enrollment.status,
                "seen_change": enrollment.last_change,
            }
        )
    if items:
        session.execute(insert(RecalculationItem), items)
    run.total = len(items)
    run.raised, run.reduced, run.unchanged = counts[rules.RAISE], counts[rules.REDUCE], counts[rules.UNCHANGED]
    run.flagged, run.skipped = counts[rules.FLAGGED], counts[rules.SKIPPED]
    run.budget_before, run.budget_after = rules.budget(before), rules.budget(after)


def _locked_run(session: Session, number: str) -> RecalculationRun:
    run = session.scalars(select(RecalculationRun).where(RecalculationRun.number == number).with_for_update()).first()
    if run is None:
        raise NotFound(f"调标 {number} 不存在")
    return run


def _check_prepared(run: RecalculationRun) -> None:
    if run.status == RUN_APPROVED:
        raise Conflict(f"调标 {run.number} 已审批，不能再次审批")
    if run.status == RUN_CANCELLED:
        raise Conflict(f"调标 {run.number} 已作废")


def approve(ctx: Context, number: str, username: str) -> RunResult:
    """Apply the run as a whole, or nothing of it."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        run = _locked_run(session, number)
        policy.recalculation.check_may_approve_recalculation(user, run.county_id)
        _check_prepared(run)
        county = session.get_one(OrgUnit, run.county_id)
        _check_months_open(session, county, run.effective_month)
        latest = latest_definition(session, PROCESS_ID, run.region)
        if latest.id != run.definition_id:
            raise Conflict(
                f"试算后又部署了新的参数版本（第 {latest.version} 版，试算用第 {run.definition_version} 版）："
                "请作废本次调标后重新试算"
            )
        rows = session.execute(
            select(RecalculationItem, Enrollment, Case.number)
            .join(Enrollment, Enrollment.id == RecalculationItem.enrollment_id)
            .join(Case, Case.id == RecalculationItem.case_id)
            .where(RecalculationItem.run_id == run.id)
            .order_by(RecalculationItem.id)
        ).all()
        _check_not_stale(run, [(item, enrollment, case_number) for item, enrollment, case_number in rows])
        actor, today = _actor(user), china_today()
        for item, enrollment, _number in rows:
            _apply(session, run, item, enrollment, actor, today)
        run.status, run.approved_at, run.approved_by_id = RUN_APPROVED, utcnow(), user.id
        audit.record(session, "recalculation_approved", actor, details=_run_details(run, county))
        return _result(run)


def _check_not_stale(run: RecalculationRun, rows: list[tuple[RecalculationItem, Enrollment, str]]) -> None:
    # Only what the approval acts on: an unchanged or skipped household that moved meanwhile is left as it is.
    changed = [
        number
        for item, enrollment, number in rows
        if item.change in (*rules.APPLIED, rules.FLAGGED)
        and (enrollment.status, enrollment.monthly_amount, enrollment.persons, enrollment.last_change)
        != (item.seen_status, item.old_amount, item.old_persons, item.seen_change)
    ]
    if changed:
        named = "、".join(changed[:STALE_NAMED]) + ("等" if len(changed) > STALE_NAMED else "")
        raise Conflict(
            f"调标 {run.number} 试算后有 {len(changed)} 户保障情况已变更（{named}）：请作废本次调标后重新试算"
        )


def _apply(
    session: Session,
    run: RecalculationRun,
    item: RecalculationItem,
    enrollment: Enrollment,
    actor: audit.Actor,
    today: date,
) -> None:
    details: dict[str, Any] = {
        "run": run.number,
        "change": item.change,
        "effective_month": run.effective_month.isoformat(),
        "before": f"{item.old_amount:.2f}",
    }
    if item.change in rules.APPLIED and item.new_amount is not None:
        # Paid from the effective month, but never from before the enrolment's own first month.
        effective = max(run.effective_month, rules.month_start(enrollment.starts_on))
        enrollment.monthly_amount = item.new_amount
        enrollment.last_change = f"{run.number}:{item.change}"
        record_amount(session, enrollment, effective, item.new_amount, "recalculation", run.number)
        details.update(after=f"{item.new_amount:.2f}", effective_month=effective.isoformat())
    elif item.change == rules.FLAGGED:
        # Re-checked by people: the due re-check batch picks it up from the approval day on.
        if enrollment.next_review_on is None or enrollment.next_review_on > today:
            enrollment.next_review_on = today
        estimate = f"{item.new_amount:.2f}" if item.new_amount is not None else None
        details.update(reason=item.reason, estimate=estimate, review_on=enrollment.next_review_on.isoformat())
    else:
        return  # unchanged and skipped: nothing happens to the enrolment, the run lists them
    audit.record(session, "enrollment_recalculated", actor, case_id=item.case_id, details=details)


def cancel(ctx: Context, number: str, username: str) -> RunResult:
    """作废 a prepared run (to prepare again after a change, or when it was started by mistake)."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        run = _locked_run(session, number)
        policy.recalculation.check_may_cancel_recalculation(user, run.county_id)
        _check_prepared(run)
        run.status, run.cancelled_at, run.cancelled_by_id = RUN_CANCELLED, utcnow(), user.id
        county = session.get_one(OrgUnit, run.county_id)
        audit.record(session, "recalculation_cancelled", _actor(user), details=_run_details(run, county))
        return _result(run)


def _counts(run: RecalculationRun) -> dict[str, int]:
    return {
        rules.RAISE: run.raised,
        rules.REDUCE: run.reduced,
        rules.UNCHANGED: run.unchanged,
        rules.FLAGGED: run.flagged,
        rules.SKIPPED: run.skipped,
    }


def _run_details(run: RecalculationRun, county: OrgUnit) -> dict[str, Any]:
    return {
        "run": run.number,
        "county": county.code,
        "effective_month": run.effective_month.isoformat(),
        "definition_version": run.definition_version,
        "total": run.total,
        "counts": _counts(run),
        "budget_before": f"{run.budget_before:.2f}",
        "budget_after": f"{run.budget_after:.2f}",
    }


def _result(run: RecalculationRun) -> RunResult:
    return RunResult(run.number, run.status, _counts(run), f"{run.budget_before:.2f}", f"{run.budget_after:.2f}")
