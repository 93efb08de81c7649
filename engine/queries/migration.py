"""The read side of migrating cases to a newer process version (docs/process-migration.md): who may,
what changed between the versions, and the migration page's choices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from engine import policy
from engine.context import Context
from engine.errors import InvalidData
from engine.persistence import ProcessDefinition, ProcessInstance
from engine.records import audit


@dataclass(frozen=True)
class StepRef:
    bpmn_id: str
    title: str


@dataclass(frozen=True)
class MigrationChanges:
    """Steps of the old version(s) missing in the new one, the new one's own steps, the steps aligned
    under another id (by structure or by the mapping), and every user task of the new version."""

    removed: tuple[StepRef, ...]
    added: tuple[StepRef, ...]
    realigned: tuple[tuple[StepRef, StepRef], ...]
    target_steps: tuple[StepRef, ...]


@dataclass(frozen=True)
class VersionChoice:
    version: int
    title: str
    running: int  # running or waiting instances on this version


@dataclass(frozen=True)
class ProcessChoice:
    process_id: str
    title: str
    versions: tuple[VersionChoice, ...]


@dataclass(frozen=True)
class MigrationForm:
    region: str
    processes: tuple[ProcessChoice, ...]


def authorize(ctx: Context, username: str | None, region: str) -> audit.Actor:
    """The actor a migration is recorded under; PermissionDenied for anyone who may not migrate here.
    Without a username the system migrates (the CLI on the server, like `dibao processes deploy`)."""
    if username is None:
        return audit.SYSTEM
    with ctx.db.read() as session:
        user, role, _ = policy.migration.migrating_user(session, username, region)
        return audit.Actor.of(user, role)


def migration_form(ctx: Context, username: str) -> MigrationForm:
    """The user's region's processes, each version with how many cases run on it."""
    with ctx.db.read() as session:
        _, _, region = policy.migration.migrating_user(session, username, None)
        counted = session.execute(
            select(ProcessInstance.definition_id, func.count())
            .where(ProcessInstance.status.in_(("running", "waiting")))
            .group_by(ProcessInstance.definition_id)
        ).all()
        running: dict[int, int] = {row[0]: row[1] for row in counted}
        definitions = session.scalars(
            select(ProcessDefinition)
            .where(ProcessDefinition.region == region)
            .order_by(ProcessDefinition.process_id, ProcessDefinition.version)
        ).all()
        grouped: dict[str, list[VersionChoice]] = {}
        titles: dict[str, str] = {}
        for d in definitions:
            grouped.setdefault(d.process_id, []).append(VersionChoice(d.version, d.title, running.get(d.id, 0)))
            titles[d.process_id] = d.title
    return MigrationForm(region, tuple(ProcessChoice(p, titles[p], tuple(v)) for p, v in grouped.items()))


def describe_changes(
    ctx: Context, target: ProcessDefinition, sources: list[ProcessDefinition], mapping: dict[str, str]
) -> MigrationChanges:
    """What changed from the cases' versions to `target`, the mapping checked against them (InvalidData
    naming each entry that does not fit). Without cases, against the version before the target."""
    if not sources:
        sources = _previous(ctx, target)
    new = ctx.process(target)
    removed: dict[str, StepRef] = {}
    added: dict[str, StepRef] = {}
    realigned: dict[str, tuple[StepRef, StepRef]] = {}
    known: set[str] = set()
    steps: tuple[StepRef, ...] = ()
    for source in sources:
        old = ctx.process(source)
        ids = old.step_ids()
        known |= ids
        changes = new.migration_changes(old, {k: v for k, v in mapping.items() if k in ids})
        removed.update({e.bpmn_id: StepRef(e.bpmn_id, e.title) for e in changes.removed})
        added.update({e.bpmn_id: StepRef(e.bpmn_id, e.title) for e in changes.added})
        for a, b in changes.realigned:
            realigned[a.bpmn_id] = (StepRef(a.bpmn_id, a.title), StepRef(b.bpmn_id, b.title))
        steps = tuple(StepRef(e.bpmn_id, e.title) for e in changes.target_steps)
    unknown = [k for k in mapping if sources and k not in known]
    if unknown:
        problems = [f"原版本中没有步骤“{k}”" for k in unknown]
        raise InvalidData("步骤映射有误：" + "；".join(problems), {"mapping": problems})
    return MigrationChanges(tuple(removed.values()), tuple(added.values()), tuple(realigned.values()), steps)


def _previous(ctx: Context, target: ProcessDefinition) -> list[ProcessDefinition]:
    with ctx.db.read() as session:
        previous = session.scalars(
            select(ProcessDefinition).where(
                ProcessDefinition.process_id == target.process_id,
                ProcessDefinition.region == target.region,
                ProcessDefinition.version == target.version - 1,
            )
        ).first()
        if previous is None:
            return []
        _ = previous.files
        session.expunge(previous)
        return [previous]


def _migrated(event: Any, d: Mapping[str, Any], title: str, forms: Mapping[str, Any]) -> str:
    mapping = d.get("mapping") or {}
    mapped = "；步骤对应：" + "、".join(f"{old} → {new}" for old, new in mapping.items()) if mapping else ""
    return f"流程从第 {d.get('from_version', '?')} 版迁移到第 {d.get('to_version', '?')} 版{mapped}"


# The case timeline's sentence for a migration (engine.queries.case_page adds it to its table).
SENTENCES = {"instance_migrated": _migrated}
