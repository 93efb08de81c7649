"""What a what-if simulation reads (docs/policy-simulation.md): the households it re-assesses, a page at a
time, and a run's progress, result and CSV for the people allowed to see it.

The households: the region's (or county's) enrolments still paid (保障中, 渐退中) with the household as last
verified, and the 低保 applications decided in the last 12 months that have no such enrolment (rejected
ones, mostly), with the household as last entered. Pages are read by id (keyset), each in a read
transaction of its own, so a long run never holds one open and its progress can be written between pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Select, and_, exists, func, select, type_coerce
from sqlalchemy.orm import Session

from engine import policy
from engine.context import Context
from engine.domain.privacy import mask_name
from engine.domain.simulation import ROW_FIELDS, Row
from engine.domain.vocabulary import CATEGORY_SHORT_LABELS, label
from engine.errors import NotFound
from engine.lookups import get_user
from engine.persistence import Case, Enrollment, OrgUnit, SimulationJob
from engine.policy.simulation import check_may_see_simulation

PAID_STATUSES = ("active", "gradual_exit")
DECIDED_OUTCOMES = ("approved", "rejected")
APPLICATION_KIND = "dibao_application"
PAGE = 5000
OUTCOME_LABELS = {
    "newly_eligible": "新纳入",
    "newly_ineligible": "不再符合",
    "changed": "金额变化",
    "unchanged": "不变",
    "unreadable": "家庭信息不完整",
}
SOURCE_LABELS = {"enrollment": "在保家庭", "case": "近12个月已决定的申请"}
STATUS_LABELS = {"queued": "排队中", "running": "测算中", "done": "已完成", "failed": "失败"}


@dataclass(frozen=True)
class Scope:
    region: str
    county_id: int | None
    cutoff: datetime  # applications decided on or after this moment count


def _enrolments(scope: Scope) -> Select[Any]:
    query = (
        select(
            Enrollment.id,
            Enrollment.masked_name,
            # One JSON document per household to decode (the costliest part of reading): the enrolment's own.
            type_coerce(func.coalesce(Enrollment.household, Case.household), JSON),
            Enrollment.monthly_amount,
            Case.township_id,
        )
        .join(Case, Case.id == Enrollment.case_id)
        .where(Enrollment.region == scope.region, Enrollment.status.in_(PAID_STATUSES))
    )
    return query if scope.county_id is None else query.where(Case.county_id == scope.county_id)


def _applications(scope: Scope) -> Select[Any]:
    paid = exists().where(and_(Enrollment.case_id == Case.id, Enrollment.status.in_(PAID_STATUSES)))
    query = select(
        Case.id, Case.applicant_name, Case.household, Case.decided_amount, Case.outcome, Case.township_id
    ).where(
        Case.region == scope.region,
        Case.kind == APPLICATION_KIND,
        Case.outcome.in_(DECIDED_OUTCOMES),
        Case.decided_at >= scope.cutoff,
        ~paid,
    )
    return query if scope.county_id is None else query.where(Case.county_id == scope.county_id)


def household_count(session: Session, scope: Scope) -> int:
    enrolments = session.scalar(select(func.count()).select_from(_enrolments(scope).subquery())) or 0
    applications = session.scalar(select(func.count()).select_from(_applications(scope).subquery())) or 0
    return int(enrolments) + int(applications)


def township_names(session: Session, region: str) -> dict[int, str]:
    rows = session.execute(
        select(OrgUnit.id, OrgUnit.name).where(OrgUnit.region == region, OrgUnit.level == "township")
    )
    return {int(unit_id): str(name) for unit_id, name in rows}


def household_pages(ctx: Context, scope: Scope) -> Iterator[list[Row]]:
    """Every household of the scope, enrolments first, `PAGE` rows per read transaction."""
    with ctx.db.read() as session:
        towns = township_names(session, scope.region)
    last = 0
    while True:
        with ctx.db.read() as session:
            found = session.execute(
                _enrolments(scope).where(Enrollment.id > last).order_by(Enrollment.id).limit(PAGE)
            ).all()
        if not found:
            break
        last = found[-1][0]
        yield [
            Row(
                f"enrollment:{i}",
                "enrollment",
                masked,
                towns.get(t or 0, "（未知乡镇）"),
                household,
                amount,
            )
            for i, masked, household, amount, t in found
        ]
    last = 0
    while True:
        with ctx.db.read() as session:
            found = session.execute(_applications(scope).where(Case.id > last).order_by(Case.id).limit(PAGE)).all()
        if not found:
            break
        last = found[-1][0]
        yield [
            Row(
                f"case:{i}",
                "case",
                mask_name(name or ""),
                towns.get(t or 0, "（未知乡镇）"),
                household,
                (amount or Decimal(0)) if outcome == "approved" else Decimal(0),
            )
            for i, name, household, amount, outcome, t in found
        ]


# --- A run as its pages show it ------------------------------------------------------------------------


@dataclass(frozen=True)
class JobView:
    id: int
    region: str
    scope_name: str
    source: str  # draft / typed
    source_label: str
    as_of: date
    status: str
    status_label: str
    total: int
    done: int
    created_at: datetime
    finished_at: datetime | None
    started_by: str
    changes: list[dict[str, str]]
    error: str | None
    summary: dict[str, Any] | None

    @property
    def percent(self) -> int:
        return 100 if self.status == "done" else int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


def _view(job: SimulationJob) -> JobView:
    return JobView(
        job.id,
        job.region,
        job.county.name if job.county is not None else "全地区",
        job.source,
        "本地区参数草稿" if job.source == "draft" else "直接填写的参数",
        job.as_of,
        job.status,
        STATUS_LABELS.get(job.status, job.status),
        job.total,
        job.done,
        job.created_at,
        job.finished_at,
        job.started_by.display_name if job.started_by is not None else "命令行操作员",
        list(job.changes.get("items", [])),
        job.error,
        job.summary,
    )


def _visible_job(session: Session, username: str, job_id: int) -> SimulationJob:
    scope = policy.simulation.simulation_scope(get_user(session, username))
    job = session.get(SimulationJob, job_id)
    if job is None:
        raise NotFound(f"模拟测算 {job_id} 不存在")
    check_may_see_simulation(scope, job.region, job.county_id)
    return job


def job(ctx: Context, username: str | None, job_id: int) -> JobView:
    """A run's state and, once done, its totals (never its household rows: the progress poll reads this).
    `username` None: the command line's operator, who started it."""
    with ctx.db.read() as session:
        if username is None:
            found = session.get(SimulationJob, job_id)
            if found is None:
                raise NotFound(f"模拟测算 {job_id} 不存在")
            return _view(found)
        return _view(_visible_job(session, username, job_id))


def recent_jobs(ctx: Context, username: str, limit: int = 10) -> list[JobView]:
    """The latest runs the user may see: the region's for a designer, their county's for a county user."""
    with ctx.db.read() as session:
        scope = policy.simulation.simulation_scope(get_user(session, username))
        query = select(SimulationJob).where(SimulationJob.region == scope.region)
        if scope.county_id is not None:
            query = query.where(SimulationJob.county_id == scope.county_id)
        jobs = session.scalars(query.order_by(SimulationJob.id.desc()).limit(limit)).all()
        return [_view(j) for j in jobs]


def affected_rows(ctx: Context, username: str, job_id: int) -> list[dict[str, str]]:
    """Every affected household of a finished run, as ROW_FIELDS names them, largest change first."""
    with ctx.db.read() as session:
        stored = _visible_job(session, username, job_id).rows or {}
    rows = [dict(zip(ROW_FIELDS, values, strict=True)) for values in stored.get("items", [])]
    rows.sort(key=lambda r: (-abs(Decimal(r["new"]) - Decimal(r["old"])), r["key"]))
    return rows


CSV_HEADERS = (
    "序号",
    "来源",
    "户主（脱敏）",
    "乡镇",
    "现行类别",
    "拟议类别",
    "现发放（元/月）",
    "现行参数测算（元/月）",
    "拟议参数测算（元/月）",
    "变化（元/月）",
    "结果",
)


def csv_rows(ctx: Context, username: str, job_id: int) -> list[tuple[object, ...]]:
    """The CSV's lines: the headers, one per affected household (masked name, township, amounts, change),
    then the totals. The web writes them with web.kit.csv_export (formula cells defused)."""
    view = job(ctx, username, job_id)
    lines: list[tuple[object, ...]] = [CSV_HEADERS]
    for number, r in enumerate(affected_rows(ctx, username, job_id), start=1):
        lines.append(
            (
                number,
                SOURCE_LABELS.get(r["source"], r["source"]),
                r["masked_name"],
                r["township"],
                label(CATEGORY_SHORT_LABELS, r["category"]),
                label(CATEGORY_SHORT_LABELS, r["new_category"]),
                r["current"],
                r["old"],
                r["new"],
                f"{Decimal(r['new']) - Decimal(r['old']):.2f}",
                OUTCOME_LABELS.get(r["outcome"], r["outcome"]),
            )
        )
    total = (view.summary or {}).get("total")
    if total:
        lines.append(
            (
                "合计",
                "",
                f"{total['households']} 户",
                f"受影响 {total['affected']} 户",
                "",
                "",
                "",
                total["old_monthly"],
                total["new_monthly"],
                total["monthly_difference"],
                f"全年 {total['yearly_difference']}",
            )
        )
    return lines
