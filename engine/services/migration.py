"""Batch migration of running cases to a newer version of their process (docs/process-migration.md).

``dry_run`` lists, case by case, where each case stands and where it would stand on the new version,
which open tasks are kept, created or cancelled, and which cases cannot move and why; ``execute`` moves
them. The engine host computes the new states in batches (engine.workflow.migration: a reset branch may
evaluate designer code); each case is then written in a transaction of its own through
records.advancing, so a case that changed meanwhile (its version column moved: a completion, a timer,
a concurrent migration) or whose write fails is refused and stays on its old version while the others
go on. Every migrated case gets an ``instance_migrated`` audit event naming both versions and the
mapping.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import to_china, to_utc
from engine.context import Context
from engine.errors import Conflict, DibaoError, InvalidData, NotFound, WorkflowFailed
from engine.persistence import Case, HumanTask, ProcessDefinition, ProcessInstance
from engine.queries.migration import MigrationChanges, authorize, describe_changes
from engine.records import audit
from engine.records.advancing import advancing
from engine.records.writeback import OPEN_STATES
from engine.workflow.isolated import IsolatedProcess, IsolatedRun
from engine.workflow.migration import CaseMigration
from engine.workflow.migration import Step as Step  # re-exported: the table's rows are made of them

BATCH = 20  # states per engine-host request: amortises the pipe, stays well inside DIBAO_ENGINE_TIMEOUT
CANDIDATE_STATES = ("running", "waiting")
STALE = "案件在预览后已有变化（已被办理、计时器已触发或正被其他操作修改），未迁移，仍在原版本；请重新预览"


@dataclass(frozen=True)
class CaseRow:
    """One case of the table: the dry run's prediction, or (after execute) what happened."""

    number: str
    instance_id: int
    lock_version: int
    from_version: int
    before: tuple[Step, ...]
    after: tuple[Step, ...] = ()
    kept: tuple[Step, ...] = ()
    created: tuple[Step, ...] = ()
    cancelled: tuple[Step, ...] = ()
    reason: str | None = None  # why it cannot (or did not) migrate
    migrated: bool = False

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class MigrationTable:
    process_id: str
    region: str
    title: str
    to_version: int
    mapping: dict[str, str]
    changes: MigrationChanges
    rows: list[CaseRow] = field(default_factory=list)
    executed: bool = False

    @property
    def movable(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    @property
    def migrated(self) -> int:
        return sum(1 for r in self.rows if r.migrated)


@dataclass(frozen=True)
class _Candidate:
    number: str
    case_id: int
    instance_id: int
    lock_version: int
    definition_id: int
    from_version: int
    state: bytes


@dataclass(frozen=True)
class _Plan:
    actor: audit.Actor
    target: ProcessDefinition
    sources: dict[int, ProcessDefinition]
    candidates: list[_Candidate]
    table: MigrationTable


def dry_run(
    ctx: Context,
    username: str | None,
    process_id: str,
    region: str,
    to_version: int,
    mapping: Mapping[str, str] | None = None,
    case_numbers: Sequence[str] | None = None,
) -> MigrationTable:
    """The table of what a migration would do; nothing is written."""
    plan = _prepare(ctx, username, process_id, region, to_version, mapping or {}, case_numbers)
    rows = [_row(c, m) for c, m in _migrations(ctx, plan, apply=False)]
    return replace(plan.table, rows=rows)


def execute(
    ctx: Context,
    username: str | None,
    process_id: str,
    region: str,
    to_version: int,
    mapping: Mapping[str, str] | None = None,
    case_numbers: Sequence[str] | None = None,
    expected: Mapping[str, int] | None = None,
) -> MigrationTable:
    """Migrate the cases (all candidates, or `case_numbers`), each in its own transaction.

    `expected` maps a case number to the instance version the caller's dry run saw: a case that has
    moved since is refused (STALE) and left as it was."""
    plan = _prepare(ctx, username, process_id, region, to_version, mapping or {}, case_numbers)
    rows: list[CaseRow] = []
    for candidate, migration in _migrations(ctx, plan, apply=True):
        row = _row(candidate, migration)
        if row.ok:
            seen = (expected or {}).get(candidate.number, candidate.lock_version)
            try:
                _write(ctx, plan, candidate, migration, seen)
                row = replace(row, migrated=True)
            except DibaoError as refused:
                row = replace(row, reason=refused.message)
        rows.append(row)
    return replace(plan.table, rows=rows, executed=True)


# --- preparing: who, what, which cases ---------------------------------------------------------------
def _prepare(
    ctx: Context,
    username: str | None,
    process_id: str,
    region: str,
    to_version: int,
    mapping: Mapping[str, str],
    numbers: Sequence[str] | None,
) -> _Plan:
    actor = authorize(ctx, username, region)
    with ctx.db.read() as session:
        target = _target(session, process_id, region, to_version)
        candidates = _candidates(session, target, numbers)
        sources = {c.definition_id: session.get(ProcessDefinition, c.definition_id) for c in candidates}
        definitions = {k: v for k, v in sources.items() if v is not None}
        for definition in (target, *definitions.values()):
            _ = definition.files  # deferred: load it while the session is open
        session.expunge_all()
    changes = describe_changes(ctx, target, list(definitions.values()), dict(mapping))
    table = MigrationTable(process_id, region, target.title, to_version, dict(mapping), changes)
    return _Plan(actor, target, definitions, candidates, table)


def _target(session: Session, process_id: str, region: str, to_version: int) -> ProcessDefinition:
    versions = {
        d.version: d
        for d in session.scalars(
            select(ProcessDefinition).where(
                ProcessDefinition.process_id == process_id, ProcessDefinition.region == region
            )
        )
    }
    if not versions:
        raise NotFound(f"地区 {region} 没有部署流程 {process_id}")
    target = versions.get(to_version)
    if target is None:
        listed = "、".join(f"第 {v} 版" for v in sorted(versions))
        raise NotFound(f"流程 {process_id} 在地区 {region} 没有第 {to_version} 版（已部署：{listed}）")
    return target


_RUNNING = (
    select(ProcessInstance, Case.number, ProcessDefinition.version)
    .join(Case, Case.id == ProcessInstance.case_id)
    .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
)


def _candidates(session: Session, target: ProcessDefinition, numbers: Sequence[str] | None) -> list[_Candidate]:
    """The running instances of the target's process and region on older versions (or the cases named,
    which must all be such: another process, region or version refuses the whole request)."""
    query = _RUNNING.where(
        ProcessDefinition.process_id == target.process_id,
        ProcessDefinition.region == target.region,
        ProcessInstance.status.in_(CANDIDATE_STATES),
    )
    if numbers is not None:
        query = _RUNNING.where(Case.number.in_(list(numbers)))
    found = [tuple(row) for row in session.execute(query.order_by(Case.number))]
    if numbers is not None:
        _check_named(target, numbers, found)
    elif not [v for _, _, v in found if v < target.version] and [v for _, _, v in found if v > target.version]:
        newest = max(v for _, _, v in found)
        raise InvalidData(
            f"不能迁移到第 {target.version} 版：运行中的案件都已在第 {target.version} 版或更新的版本上"
            f"（最新为第 {newest} 版），不能迁移到相同或更早的版本"
        )
    return [
        _Candidate(number, i.case_id, i.id, i.lock_version, i.definition_id, version, i.state)
        for i, number, version in found
        if version < target.version
    ]


def _check_named(target: ProcessDefinition, numbers: Sequence[str], found: Sequence[tuple[Any, ...]]) -> None:
    problems: list[str] = []
    seen = {number for _, number, _ in found}
    problems += [f"案件 {n} 不存在" for n in numbers if n not in seen]
    for instance, number, version in found:
        definition = instance.definition
        if (definition.process_id, definition.region) != (target.process_id, target.region):
            problems.append(f"案件 {number} 不属于地区 {target.region} 的流程 {target.process_id}")
        elif instance.status not in CANDIDATE_STATES:
            problems.append(f"案件 {number} 的流程{_STATUS.get(instance.status, '不在运行中')}，不能迁移")
        elif version >= target.version:
            problems.append(f"案件 {number} 已在第 {version} 版，不能迁移到相同或更早的第 {target.version} 版")
    if problems:
        raise InvalidData("所选案件不能迁移：" + "；".join(problems), {"cases": problems})


_STATUS = {
    "completed": "已办结",
    "cancelled": "已撤销",
    "error": "处于错误状态（需管理员先处理）",
    "suspended": "已暂停",
}


# --- the engine's part, in batches ---------------------------------------------------------------
def _migrations(ctx: Context, plan: _Plan, *, apply: bool) -> Iterator[tuple[_Candidate, CaseMigration]]:
    target = ctx.process(plan.target)
    mapping = plan.table.mapping
    for definition_id, source in plan.sources.items():
        group = [c for c in plan.candidates if c.definition_id == definition_id]
        process = ctx.process(source)
        own = {k: v for k, v in mapping.items() if k in process.step_ids()}
        for start in range(0, len(group), BATCH):
            batch = group[start : start + BATCH]
            yield from zip(batch, _batch(target, process, batch, own, apply), strict=True)


def _batch(
    target: IsolatedProcess, source: IsolatedProcess, batch: list[_Candidate], mapping: dict[str, str], apply: bool
) -> list[CaseMigration]:
    try:
        return target.migrate(source, [c.state for c in batch], mapping, apply=apply)
    except WorkflowFailed as failed:  # the child died or overran: refuse the batch, one by one
        return [CaseMigration((), reason=f"迁移计算失败：{failed.message}") for _ in batch]


def _row(candidate: _Candidate, migration: CaseMigration) -> CaseRow:
    return CaseRow(
        candidate.number,
        candidate.instance_id,
        candidate.lock_version,
        candidate.from_version,
        migration.before,
        migration.after,
        migration.kept,
        migration.created,
        migration.cancelled,
        migration.reason,
    )


# --- writing one case ------------------------------------------------------------------------------
def _write(ctx: Context, plan: _Plan, candidate: _Candidate, migration: CaseMigration, seen: int) -> None:
    result = migration.result
    if result is None:
        raise Conflict("流程引擎没有返回迁移后的状态")
    with advancing(ctx, stale=STALE) as step:
        session = step.session
        instance = session.get(ProcessInstance, candidate.instance_id)
        if (
            instance is None
            or instance.lock_version != candidate.lock_version
            or seen != candidate.lock_version
            or instance.definition_id != candidate.definition_id
        ):
            raise Conflict(STALE)
        old = instance.definition
        step.begin(instance, plan.actor)
        target = session.get(ProcessDefinition, plan.target.id)
        if target is None:
            raise NotFound("目标版本已不存在")
        instance.definition = target
        _refresh_kept(ctx, session, instance.case, migration)
        run = IsolatedRun(ctx.process(target), result.state, result)
        try:
            step.finish(instance.case, run)
        except WorkflowFailed as failed:  # not parked in error: the case stays as it was
            raise Conflict(f"迁移后无法写回，案件仍在原版本：{failed.message}") from None
        audit.record(
            session,
            "instance_migrated",
            plan.actor,
            case_id=candidate.case_id,
            instance_id=instance.id,
            details={
                "process_id": target.process_id,
                "from_definition": old.id,
                "from_version": old.version,
                "to_definition": target.id,
                "to_version": target.version,
                "mapping": plan.table.mapping,
                "kept": [s.name for s in migration.kept],
                "created": [s.name for s in migration.created],
                "cancelled": [s.name for s in migration.cancelled],
            },
        )


def _refresh_kept(ctx: Context, session: Session, case: Case, migration: CaseMigration) -> None:
    """An open task that stays is the new version's step now: its name, title, form and time limit."""
    before = {v.spiff_task_id: v for v in migration.views_before}
    after = {v.spiff_task_id: v for v in migration.views_after if v.spiff_task_id in before}
    if not after:
        return
    rows = session.scalars(
        select(HumanTask).where(
            HumanTask.case_id == case.id,
            HumanTask.spiff_task_id.in_(list(after)),
            HumanTask.state.in_(OPEN_STATES),
        )
    )
    for task in rows:
        view, old = after[task.spiff_task_id], before[task.spiff_task_id]
        if view.role != task.role:
            raise Conflict(f"步骤“{view.title}”在新版本中改由其他角色办理，请先办完该步骤再迁移")
        task.task_name, task.title, task.form_key = view.name, view.title, view.form_key
        if view.due_working_days != old.due_working_days and view.due_working_days is not None:
            start = to_china(task.created_at)
            task.due_at = to_utc(ctx.calendar(case.region).due_at(start, view.due_working_days))
