"""政策模拟测算 (docs/policy-simulation.md): start a what-if run of a proposed parameter set, run it in the
background, export its result. Nothing but the run's own row (and the audit log) is ever written: no
enrolment, case or parameter file changes.

Starting validates first: the proposal (the region's draft parameters, or values typed over the
parameters in force) must be a parameter set the assessment can use on the chosen day and must differ from
the parameters in force; otherwise InvalidData with the report (one line per problem, naming the
parameter) and no run is stored. A valid proposal is stored as a queued SimulationJob with the parameter
texts it was validated with.

Running: `launch` starts a daemon thread for the run at once (the page shows progress within a second);
`run_pending`, a job of the background worker (`dibao serve`'s or `dibao worker`'s), picks up any run
still queued, or one whose runner stopped beating for STALL_AFTER (a restarted server), so a run is never
lost. Claiming is one conditional UPDATE, so two runners never compute the same run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from engine import policy
from engine.clock import china_today, utcnow
from engine.context import Context
from engine.domain.assessment import PARAMETER_NAMES, read_rules
from engine.domain.parameters import Parameters, layered_parameters, parameter_problems
from engine.domain.simulation import Assessor, outcome_json, simulate, summary_json
from engine.domain.simulation_parameters import (
    TYPED_PARAMETERS,
    Override,
    change_json,
    changes,
    label,
    set_problems,
    with_overrides,
)
from engine.errors import DibaoError, InvalidData, NotFound
from engine.lookups import get_user, latest_definition
from engine.persistence import DraftFile, OrgUnit, SimulationJob
from engine.policy.simulation import SimulationScope
from engine.queries import simulation as reads
from engine.records import audit
from engine.services.designer.sources import disk_sources, overlay_sources
from engine.workflow.bundle import PARAMETERS_FILE
from engine.workflow.catalog import bundle_parameter_texts

log = logging.getLogger("dibao.simulation")
PROCESS_ID = reads.APPLICATION_KIND
STALL_AFTER = timedelta(minutes=2)
OPERATOR = audit.Actor(None, "cli")  # `dibao simulate` without --as (vocabulary: 命令行操作员)
_INVALID = "拟议参数未通过校验，未进行测算"

Sources = list[tuple[str, str]]


def _in_force(ctx: Context, region: str) -> Sources:
    """The parameter files of the 低保 process the region's new cases start on (its latest deployed version,
    else the default region's, as engine.lookups.latest_definition chooses); the files on disk before any
    deploy."""
    with ctx.db.read() as session:
        try:
            files: dict[str, Any] | None = latest_definition(session, PROCESS_ID, region).files
        except NotFound:
            files = None
    if files:
        return [(name, str(text)) for name, text in bundle_parameter_texts(files)]
    return [(s.origin, s.content.decode("utf-8", errors="replace")) for s in disk_sources(ctx, region).parameters]


def _drafted(ctx: Context, region: str) -> Sources:
    """The region's parameter files as they would be deployed with its drafts (InvalidData without a draft)."""
    with ctx.db.read() as session:
        drafts = {d.filename: d.content for d in session.scalars(select(DraftFile).where(DraftFile.region == region))}
    if PARAMETERS_FILE not in drafts:
        raise InvalidData(
            _INVALID, {"parameters": ["本地区没有参数草稿：请先在“参数设置”中保存草稿，或直接填写拟议参数"]}
        )
    sources = overlay_sources(ctx, region, {PARAMETERS_FILE: drafts[PARAMETERS_FILE]})
    return [(s.origin, s.content.decode("utf-8", errors="replace")) for s in sources.parameters]


def _load(sources: Sources) -> tuple[Parameters, list[str]]:
    problems = [str(p) for origin, text in sources for p in parameter_problems(text, origin)]
    return (Parameters() if problems else layered_parameters(sources)), problems


def _overrides_json(overrides: Sequence[Override]) -> list[list[str]]:
    return [[o.name, o.value, o.effective.isoformat()] for o in overrides]


def _overrides(stored: Any) -> list[Override]:
    return [Override(name, value, date.fromisoformat(day)) for name, value, day in stored or []]


def proposal_parameters(proposal: dict[str, Any]) -> tuple[Parameters, Parameters, list[str]]:
    """(in force, proposed, problems) from a stored or about-to-be-stored proposal."""
    old, old_problems = _load([(o, t) for o, t in proposal["old"]])
    new, new_problems = _load([(o, t) for o, t in proposal["new"]])
    new, typed_problems = with_overrides(new, _overrides(proposal.get("overrides")))
    return old, new, [*old_problems, *new_problems, *typed_problems]


def _first_new_day(old: Parameters, new: Parameters, today: date) -> date:
    """The day to simulate when none is given: today, or the latest date a proposed value takes effect."""
    days = [
        start
        for name in PARAMETER_NAMES
        if name in new.by_name
        for start, value in new.by_name[name].periods
        if name not in old.by_name or (start, value) not in old.by_name[name].periods
    ]
    return max([today, *days])


def start(
    ctx: Context,
    username: str | None,
    *,
    use_draft: bool,
    overrides: Sequence[Override] = (),
    as_of: date | None = None,
    region: str | None = None,
) -> int:
    """Validate the proposal and queue its run; the run's id. InvalidData (field "parameters") is the report.
    `username` None is the machine's operator (`dibao simulate` without --as): the whole of `region`."""
    if username is None:
        scope = operator_scope(ctx, region)
    else:
        with ctx.db.read() as session:
            scope = policy.simulation.simulation_scope(get_user(session, username), region)
    if use_draft and not scope.may_use_drafts:
        raise InvalidData(_INVALID, {"parameters": ["参数草稿只有流程设计人员可以使用：请直接填写拟议参数"]})
    if not use_draft and not overrides:
        raise InvalidData(_INVALID, {"parameters": ["请至少填写一项拟议参数"]})
    in_force = _in_force(ctx, scope.region)
    proposal: dict[str, Any] = {
        "old": in_force,
        "new": _drafted(ctx, scope.region) if use_draft else in_force,
        "overrides": _overrides_json(overrides),
    }
    old, new, problems = proposal_parameters(proposal)
    day = as_of or _first_new_day(old, new, china_today())
    if not problems:
        problems = [*set_problems(old, day), *set_problems(new, day)]
    if not problems and not changes(old, new, day):
        problems = [f"拟议参数在 {day.isoformat()} 与现行参数相同，测算不会有任何变化：请检查生效日期或测算日期"]
    if problems:
        raise InvalidData(_INVALID, {"parameters": problems})
    return _queue(ctx, scope, proposal, day, [dict(change_json(c)) for c in changes(old, new, day)], use_draft)


def _queue(
    ctx: Context,
    scope: SimulationScope,
    proposal: dict[str, Any],
    day: date,
    items: list[dict[str, str]],
    draft: bool,
) -> int:
    now = utcnow()
    with ctx.db.write() as session:
        user = get_user(session, scope.user.username) if scope.user is not None else None
        total = reads.household_count(session, _reads_scope(scope.region, scope.county_id, now))
        job = SimulationJob(
            region=scope.region,
            county_id=scope.county_id,
            started_by_id=user.id if user is not None else None,
            source="draft" if draft else "typed",
            as_of=day,
            proposal=proposal,
            changes={"items": items},
            status="queued",
            total=total,
            done=0,
            created_at=now,
        )
        session.add(job)
        session.flush()
        audit.record(
            session,
            "simulation_started",
            audit.Actor.of(user, scope.role) if user is not None else OPERATOR,
            details={
                "simulation": job.id,
                "region": scope.region,
                "scope": scope.scope_name,
                "as_of": day.isoformat(),
                "source": job.source,
                "changes": items,
                "households": total,
            },
        )
        return job.id


def operator_scope(ctx: Context, region: str | None) -> SimulationScope:
    """The command line's operator (who has the machine, hence every region): a region must be named."""
    if region is None:
        raise InvalidData(_INVALID, {"region": ["请指定地区"]})
    with ctx.db.read() as session:
        if session.scalar(select(OrgUnit.id).where(OrgUnit.region == region).limit(1)) is None:
            raise NotFound(f"地区 {region} 没有任何机构")
    return SimulationScope(None, region, None, "全地区", "operator")


def _reads_scope(region: str, county_id: int | None, now: datetime) -> reads.Scope:
    # "Decided in the last 12 months" counts back from when the run was asked for.
    return reads.Scope(region, county_id, now - timedelta(days=365))


def launch(ctx: Context, job_id: int) -> None:
    """Run the job in a daemon thread now; should the process end first, the worker takes it over."""
    threading.Thread(target=run_job, args=(ctx, job_id), name=f"simulation-{job_id}", daemon=True).start()


def _claim(ctx: Context, job_id: int) -> bool:
    now = utcnow()
    with ctx.db.write() as session:
        claimable = or_(
            SimulationJob.status == "queued",
            (SimulationJob.status == "running") & (SimulationJob.heartbeat_at < now - STALL_AFTER),
        )
        result = session.execute(
            update(SimulationJob)
            .where(SimulationJob.id == job_id, claimable)
            .values(status="running", started_at=now, heartbeat_at=now, done=0)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))


def _set(ctx: Context, job_id: int, **values: Any) -> None:
    with ctx.db.write() as session:
        session.execute(
            update(SimulationJob)
            .where(SimulationJob.id == job_id)
            .values(heartbeat_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )


def run_job(ctx: Context, job_id: int) -> bool:
    """Compute a claimed run; False when another runner has it (or it is finished). Never raises: a
    failure is stored on the run with its reason."""
    if not _claim(ctx, job_id):
        return False
    try:
        _compute(ctx, job_id)
    except Exception as exc:
        log.exception("模拟测算 %s 失败", job_id)
        reason = exc.message if isinstance(exc, DibaoError) else "系统内部错误，请联系管理员查看日志"
        _set(ctx, job_id, status="failed", error=reason, finished_at=utcnow())
    return True


def _compute(ctx: Context, job_id: int) -> None:
    with ctx.db.read() as session:
        job = session.get(SimulationJob, job_id)
        if job is None:  # deleted between the claim and now
            return
        proposal, day, region, county_id, created = (
            dict(job.proposal),
            job.as_of,
            job.region,
            job.county_id,
            job.created_at,
        )
    old, new, problems = proposal_parameters(proposal)
    if problems:
        raise InvalidData("；".join(problems))
    old_assessor = Assessor(read_rules(old, day), day, region)
    new_assessor = Assessor(read_rules(new, day), day, region)
    pages = reads.household_pages(ctx, _reads_scope(region, county_id, created))
    done = 0

    def rows() -> Any:
        nonlocal done
        for page in pages:
            yield from page
            done += len(page)
            _set(ctx, job_id, done=done)

    result = simulate(rows(), old_assessor, new_assessor)
    items = [outcome_json(o) for o in [*result.affected, *result.unreadable]]
    _set(
        ctx,
        job_id,
        status="done",
        done=done,
        total=done,
        summary=summary_json(result),
        rows={"items": items},
        finished_at=utcnow(),
    )


def run_pending(ctx: Context) -> int:
    """The worker's job: run every queued (or stalled) simulation; how many it ran."""
    ran = 0
    while True:
        now = utcnow()
        with ctx.db.read() as session:
            job_id = session.scalar(
                select(SimulationJob.id)
                .where(
                    or_(
                        SimulationJob.status == "queued",
                        (SimulationJob.status == "running") & (SimulationJob.heartbeat_at < now - STALL_AFTER),
                    )
                )
                .order_by(SimulationJob.created_at)
                .limit(1)
            )
        if job_id is None or not run_job(ctx, job_id):
            return ran
        ran += 1


def export_csv(ctx: Context, username: str, job_id: int) -> list[tuple[object, ...]]:
    """The run's CSV lines (reads.csv_rows), recorded as `simulation_exported`: it lists households."""
    lines = reads.csv_rows(ctx, username, job_id)
    with ctx.db.write() as session:
        user = get_user(session, username)
        scope = policy.simulation.simulation_scope(user)
        audit.record(
            session,
            "simulation_exported",
            audit.Actor.of(user, scope.role),
            details={"simulation": job_id, "rows": max(len(lines) - 2, 0)},
        )
    return lines


@dataclass(frozen=True)
class SimulationForm:
    region: str
    scope_name: str
    may_use_drafts: bool
    has_draft: bool  # the region has a draft parameters.toml
    today: date
    current: list[tuple[str, str, str]]  # (name, label, value in force today as typed) of TYPED_PARAMETERS


def simulation_form(ctx: Context, username: str) -> SimulationForm:
    """What the simulation page offers this user: drafts or typed values, and today's values to start from."""
    with ctx.db.read() as session:
        scope = policy.simulation.simulation_scope(get_user(session, username))
        has_draft = scope.may_use_drafts and (
            session.scalar(
                select(DraftFile.id).where(DraftFile.region == scope.region, DraftFile.filename == PARAMETERS_FILE)
            )
            is not None
        )
    today = china_today()
    in_force, _ = _load(_in_force(ctx, scope.region))
    now = in_force.snapshot(today)
    current = [(name, label(name), str(now.get(name, ""))) for name in TYPED_PARAMETERS]
    return SimulationForm(scope.region, scope.scope_name, scope.may_use_drafts, has_draft, today, current)
