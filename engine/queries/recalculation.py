"""年度调标 pages and `dibao recalculate show` (docs/annual-adjustment.md): a county's runs, and one run with
its old → new table, filtered by change and paged, so a run of thousands of households reads page by page.
Scope is the county the run belongs to (engine.policy.recalculation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from engine import policy
from engine.context import Context
from engine.domain import recalculation as rules
from engine.domain.vocabulary import RECALCULATION_CHANGE_LABELS, RECALCULATION_STATUS_LABELS
from engine.errors import NotFound
from engine.lookups import get_user
from engine.persistence import Case, Enrollment, OrgUnit, RecalculationItem, RecalculationRun, User

PAGE_SIZE = 100
# The run page's filters: what changes (the default), what needs a re-check, everything.
FILTERS: dict[str, tuple[str, ...]] = {
    "changed": (rules.RAISE, rules.REDUCE, rules.FLAGGED),
    "raise": (rules.RAISE,),
    "reduce": (rules.REDUCE,),
    "flagged": (rules.FLAGGED,),
    "unchanged": (rules.UNCHANGED,),
    "skipped": (rules.SKIPPED,),
    "all": rules.CHANGES,
}
FILTER_LABELS = {
    "changed": "有变化（含需复核）",
    "raise": "增发",
    "reduce": "减发",
    "flagged": "需复核",
    "unchanged": "金额不变",
    "skipped": "不参与",
    "all": "全部",
}


@dataclass(frozen=True)
class RunSummary:
    number: str
    county: str
    effective_month: date
    definition_version: int
    status: str
    status_label: str
    total: int
    counts: dict[str, int]
    budget_before: str
    budget_after: str
    budget_change: str
    created_at: datetime
    created_by: str
    approved_at: datetime | None
    approved_by: str | None


@dataclass(frozen=True)
class ItemRow:
    case_number: str
    applicant_name: str
    village: str
    old_amount: str
    new_amount: str | None
    old_persons: int
    new_persons: int | None
    change: str
    change_label: str
    reason: str | None


@dataclass(frozen=True)
class RunPage:
    run: RunSummary
    may_approve: bool
    may_cancel: bool
    filter: str
    items: list[ItemRow]
    page: int
    pages: int
    matching: int


@dataclass(frozen=True)
class RunList:
    county: str
    may_prepare: bool
    runs: list[RunSummary]


def _people(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).tuples().all())


def _summary(run: RecalculationRun, county: str, people: dict[int, str]) -> RunSummary:
    counts = {
        rules.RAISE: run.raised,
        rules.REDUCE: run.reduced,
        rules.UNCHANGED: run.unchanged,
        rules.FLAGGED: run.flagged,
        rules.SKIPPED: run.skipped,
    }
    difference = run.budget_after - run.budget_before
    return RunSummary(
        run.number,
        county,
        run.effective_month,
        run.definition_version,
        run.status,
        RECALCULATION_STATUS_LABELS.get(run.status, run.status),
        run.total,
        counts,
        f"{run.budget_before:.2f}",
        f"{run.budget_after:.2f}",
        f"{difference:+.2f}",
        run.created_at,
        people.get(run.created_by_id or 0, "—"),
        run.approved_at,
        people.get(run.approved_by_id or 0) if run.approved_by_id else None,
    )


def list_runs(ctx: Context, username: str) -> RunList:
    """The user's county's runs, newest first."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        policy.recalculation.check_may_view_recalculations(user)
        runs = session.scalars(
            select(RecalculationRun)
            .where(RecalculationRun.county_id == user.org_unit_id)
            .order_by(RecalculationRun.id.desc())
        ).all()
        people = _people(session, {r.created_by_id for r in runs} | {r.approved_by_id for r in runs})
        county = user.org_unit.name
        may_prepare = bool(user.roles & policy.recalculation.PREPARING_ROLES)
        return RunList(county, may_prepare, [_summary(r, county, people) for r in runs])


def check_may_view(ctx: Context, username: str) -> None:
    """PermissionDenied before a page reads anything (the prepare form asks first)."""
    with ctx.db.read() as session:
        policy.recalculation.check_may_view_recalculations(get_user(session, username))


def run_page(ctx: Context, username: str, number: str, filter_name: str = "changed", page: int = 1) -> RunPage:
    """One run with one page of its items; `filter_name` one of FILTERS (unknown ones read as "changed")."""
    chosen = filter_name if filter_name in FILTERS else "changed"
    with ctx.db.read() as session:
        user = get_user(session, username)
        run = _run(session, number)
        policy.recalculation.check_may_view_recalculations(user, run.county_id)
        where = (RecalculationItem.run_id == run.id, RecalculationItem.change.in_(FILTERS[chosen]))
        matching = session.scalar(select(func.count(RecalculationItem.id)).where(*where)) or 0
        pages = max((matching + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        current = min(max(page, 1), pages)
        items = _items(session, where, (current - 1) * PAGE_SIZE, PAGE_SIZE)
        people = _people(session, {run.created_by_id, run.approved_by_id})
        prepared = run.status == "prepared"
        return RunPage(
            _summary(run, _county_name(session, run), people),
            prepared and policy.recalculation.may_approve_recalculation(user, run.county_id),
            prepared and bool(user.roles & policy.recalculation.PREPARING_ROLES),
            chosen,
            items,
            current,
            pages,
            matching,
        )


def _items(session: Session, where: tuple[Any, ...], offset: int, limit: int | None) -> list[ItemRow]:
    village = aliased(OrgUnit)
    rows = session.execute(
        select(RecalculationItem, Case.number, Enrollment.applicant_name, village.name)
        .join(Case, Case.id == RecalculationItem.case_id)
        .join(Enrollment, Enrollment.id == RecalculationItem.enrollment_id)
        .join(village, village.id == Enrollment.village_id)
        .where(*where)
        .order_by(RecalculationItem.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return [
        ItemRow(
            number,
            name,
            village_name,
            f"{item.old_amount:.2f}",
            f"{item.new_amount:.2f}" if item.new_amount is not None else None,
            item.old_persons,
            item.new_persons,
            item.change,
            RECALCULATION_CHANGE_LABELS.get(item.change, item.change),
            item.reason,
        )
        for item, number, name, village_name in rows
    ]


def run_items(
    ctx: Context, username: str | None, number: str, filter_name: str = "all"
) -> tuple[RunSummary, list[ItemRow]]:
    """Every item of a run (`dibao recalculate show`): in the user's scope, or, without a user, as the
    operator of the command line sees every case (`dibao cases show`)."""
    chosen = filter_name if filter_name in FILTERS else "all"
    with ctx.db.read() as session:
        run = _run(session, number)
        if username is not None:
            policy.recalculation.check_may_view_recalculations(get_user(session, username), run.county_id)
        where = (RecalculationItem.run_id == run.id, RecalculationItem.change.in_(FILTERS[chosen]))
        people = _people(session, {run.created_by_id, run.approved_by_id})
        return _summary(run, _county_name(session, run), people), _items(session, where, 0, None)


def _run(session: Session, number: str) -> RecalculationRun:
    run = session.scalars(select(RecalculationRun).where(RecalculationRun.number == number)).first()
    if run is None:
        raise NotFound(f"调标 {number} 不存在")
    return run


def _county_name(session: Session, run: RecalculationRun) -> str:
    return session.get_one(OrgUnit, run.county_id).name
