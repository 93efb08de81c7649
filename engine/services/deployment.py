"""Validate and deploy process bundles (design.md §4): a new version only when the hash changed."""

from __future__ import annotations

from pathlib import Path

from engine.context import Context
from engine.errors import BundleInvalid, NotFound, Problem
from engine.lookups import get_user, latest_version_in
from engine.persistence import ProcessDefinition
from engine.queries.deployed import version_of
from engine.records import audit
from engine.results import DeployedVersion
from engine.workflow.bundle import (
    RegionSources,
    directory_sources,
    file_sources,
    list_regions,
    region_of_path,
    region_sources,
)
from engine.workflow.catalog import CatalogResult, validate_sources


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
                latest = latest_version_in(session, bundle.process_id, result.region)
                if latest is not None and latest.bundle_hash == bundle.hash:
                    deployed.append(version_of(latest, None, new=False))
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
                deployed.append(version_of(definition, who.name if actor else None, new=True))
    return deployed
