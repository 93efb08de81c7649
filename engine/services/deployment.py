"""Validate and deploy process bundles (design.md §4): a new version only when the hash changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import BundleInvalid, NotFound, Problem
from engine.persistence import ProcessDefinition, User
from engine.services import audit
from engine.services.context import Context
from engine.services.users import get_user
from engine.workflow.bundle import (
    DEFAULT_REGION,
    RegionSources,
    directory_sources,
    file_sources,
    list_regions,
    region_of_path,
    region_sources,
)
from engine.workflow.catalog import CatalogResult, validate_sources


@dataclass(frozen=True)
class DeployedVersion:
    process_id: str
    region: str
    version: int
    title: str
    bundle_hash: str
    deployed_at: datetime
    deployed_by: str | None
    new: bool = False


def _sources_for_paths(ctx: Context, paths: list[Path]) -> list[RegionSources]:
    """A path inside processes/ stands for its region's bundle, a directory for its files; loose files
    are validated together, so a BPMN file and the DMN or called process it needs can be given side by side."""
    sources: list[RegionSources] = []
    regions: list[str] = []
    loose: list[Path] = []
    for path in paths:
        if not path.exists():
            raise NotFound(f"路径不存在：{path}")
        region = region_of_path(ctx.settings.processes_dir, path)
        if region is not None:
            regions += [] if region in regions else [region]
        elif path.is_dir():
            sources.append(directory_sources(path))
        else:
            loose.append(path)
    sources += [region_sources(ctx.settings.processes_dir, r) for r in regions]
    return [*sources, file_sources(loose)] if loose else sources


def validate(ctx: Context, paths: list[Path] | None = None) -> list[CatalogResult]:
    """Validate the given paths, or every region's bundle when none is given. Nothing is stored."""
    try:
        if paths:
            sources = _sources_for_paths(ctx, paths)
        else:
            sources = [region_sources(ctx.settings.processes_dir, r) for r in list_regions(ctx.settings.processes_dir)]
    except OSError as exc:
        raise NotFound(f"无法读取 {exc.filename or '文件'}：{exc.strerror or exc}") from exc
    return [validate_sources(s, ctx.settings.forms_dir) for s in sources]


def _latest(session: Session, process_id: str, region: str) -> ProcessDefinition | None:
    return session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id, ProcessDefinition.region == region)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()


def deploy(ctx: Context, region: str | None = None, actor_username: str | None = None) -> list[DeployedVersion]:
    """Deploy every region (or one). All regions validate before anything is stored: one bad bundle
    refuses the whole deployment, so what is deployed never changes partially."""
    processes_dir = ctx.settings.processes_dir
    regions = [region] if region else list_regions(processes_dir)
    results = [validate_sources(region_sources(processes_dir, r), ctx.settings.forms_dir) for r in regions]
    problems: list[Problem] = [p for result in results for p in result.problems]
    if problems:
        raise BundleInvalid(problems)
    deployed: list[DeployedVersion] = []
    with ctx.db.write() as session:
        actor = get_user(session, actor_username) if actor_username else None
        who = audit.Actor.of(actor, "designer") if actor else audit.SYSTEM
        for result in results:
            for bundle in result.bundles:
                latest = _latest(session, bundle.process_id, result.region)
                if latest is not None and latest.bundle_hash == bundle.hash:
                    deployed.append(_version(latest, None, new=False))
                    continue
                definition = ProcessDefinition(
                    process_id=bundle.process_id,
                    region=result.region,
                    version=(latest.version + 1) if latest else 1,
                    title=bundle.title,
                    bundle_hash=bundle.hash,
                    files=bundle.files,
                    deployed_by_id=actor.id if actor else None,
                )
                session.add(definition)
                session.flush()
                audit.record(
                    session,
                    "process_deployed",
                    who,
                    details={
                        "process_id": bundle.process_id,
                        "region": result.region,
                        "version": definition.version,
                        "bundle_hash": bundle.hash,
                        "files": sorted(bundle.files),
                    },
                )
                deployed.append(_version(definition, who.name if actor else None, new=True))
    return deployed


def _version(definition: ProcessDefinition, deployed_by: str | None, new: bool) -> DeployedVersion:
    return DeployedVersion(
        definition.process_id,
        definition.region,
        definition.version,
        definition.title,
        definition.bundle_hash,
        definition.deployed_at,
        deployed_by,
        new,
    )


def list_definitions(ctx: Context) -> list[DeployedVersion]:
    with ctx.db.read() as session:
        rows = session.execute(
            select(ProcessDefinition, User.username)
            .outerjoin(User, User.id == ProcessDefinition.deployed_by_id)
            .order_by(ProcessDefinition.region, ProcessDefinition.process_id, ProcessDefinition.version)
        ).all()
        return [
            DeployedVersion(d.process_id, d.region, d.version, d.title, d.bundle_hash, d.deployed_at, who)
            for d, who in rows
        ]


def latest_definition(session: Session, process_id: str, region: str) -> ProcessDefinition:
    """The newest version for the region, falling back to the default region's."""
    for candidate in (region, DEFAULT_REGION):
        definition = _latest(session, process_id, candidate)
        if definition is not None:
            return definition
    raise NotFound(f"流程 {process_id} 尚未部署（地区 {region}）")
