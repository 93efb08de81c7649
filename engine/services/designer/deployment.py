"""Deploying process definitions: the one entry point every deploy goes through (docs/contracts.md#engine).

`deploy` serves `dibao init` and `dibao processes deploy` (the system: a region or every region, as its
files in processes/ are), the JSON API's region deploy (a designer's own region) and the drafts page
(a designer's drafts, written into processes/ first). Whichever way in, every region concerned
validates before anything is stored, so what is deployed never changes partially, and a process gets
a new version only when its bundle's hash changed.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from engine.context import Context
from engine.errors import BundleInvalid, InvalidData, Problem
from engine.lookups import get_user, latest_version_in
from engine.persistence import ProcessDefinition, User
from engine.policy import DESIGNER, designer_region
from engine.queries.deployed import version_of
from engine.records import audit
from engine.results import DeployedVersion
from engine.services.designer.files import designer_actor, draft_rows, draft_texts
from engine.services.designer.sources import file_kind, target_path
from engine.services.designer.validation import check_drafts
from engine.workflow.bundle import list_regions, region_sources
from engine.workflow.catalog import CatalogResult, ProcessBundle, validate_sources


@dataclass(frozen=True)
class Deployment:
    region: str
    items: list[DeployedVersion]


def deploy(
    ctx: Context, region: str | None = None, username: str | None = None, *, drafts: bool = False
) -> list[DeployedVersion]:
    """Deploy `region`, or every region, and return each process's latest version (`new` when stored now).

    Without `username` the system deploys (the CLI). With it a designer does: the region is their own
    (policy.designer_region; None means it), and the versions name them. With `drafts` the designer's
    drafts are validated, written into processes/ and cleared (_deploy_drafts). BundleInvalid, with
    nothing stored, when any bundle fails."""
    if username is not None:
        region = designer_region(ctx, username, region)
    if drafts:
        if username is None or region is None:
            raise ValueError("deploying drafts needs the designer")
        return _deploy_drafts(ctx, username, region)
    return _deploy_files(ctx, region, username)


def deploy_region(ctx: Context, username: str, region: str | None = None) -> Deployment:
    """deploy() of the designer's region, answered with the region's name (the JSON API's shape)."""
    own = designer_region(ctx, username, region)
    return Deployment(own, deploy(ctx, own, username))


def _deploy_files(ctx: Context, region: str | None, username: str | None) -> list[DeployedVersion]:
    processes_dir = ctx.settings.processes_dir
    regions = [region] if region else list_regions(processes_dir)
    results = [validate_sources(region_sources(processes_dir, r), ctx.settings.forms_dir) for r in regions]
    problems: list[Problem] = [p for result in results for p in result.problems]
    if problems:
        raise BundleInvalid(problems)
    with ctx.db.write() as session:
        actor = get_user(session, username) if username else None
        return [_store(session, result, bundle, actor) for result in results for bundle in result.bundles]


def _store(session: Session, result: CatalogResult, bundle: ProcessBundle, actor: User | None) -> DeployedVersion:
    """A new version of the bundle's process, unless the latest one has the same hash."""
    latest = latest_version_in(session, bundle.process_id, result.region)
    if latest is not None and latest.bundle_hash == bundle.hash:
        return version_of(latest, None, new=False)
    who = audit.Actor.of(actor, DESIGNER) if actor else audit.SYSTEM
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
    return version_of(definition, who.name if actor else None, new=True)


# ---- drafts ------------------------------------------------------------------------------------------


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _deploy_drafts(ctx: Context, username: str, region: str) -> list[DeployedVersion]:
    """Validate the drafts; when valid, write them into processes/ (regions/<region>/ or default/, form
    definitions into forms/definitions/), deploy the region, and clear the drafts.

    The files are written to disk, not only stored as a new ProcessDefinition, so that processes/ stays
    the source of truth: a later `dibao processes deploy` deploys exactly what the browser deployed
    instead of silently reverting it. If deploying fails after the write, the previous files are put back.
    A changed form definition is shared by every region, so then every region is redeployed.
    """
    drafts = draft_texts(ctx, username, region)
    if not drafts:
        raise InvalidData("没有可部署的草稿", {"file": ["请先上传或编辑文件"]})
    result = check_drafts(ctx, region, drafts)
    if result.problems:
        raise BundleInvalid(result.problems)
    previous: dict[Path, bytes | None] = {}
    for name in drafts:
        path = target_path(ctx, region, name)
        previous[path] = path.read_bytes() if path.is_file() else None
    forms_changed = any(file_kind(name) == "form" for name in drafts)
    try:
        for name, text in drafts.items():
            _write_atomically(target_path(ctx, region, name), text)
        deployed = _deploy_files(ctx, None if forms_changed else region, username)
    except BaseException:
        for path, content in previous.items():
            if content is None:
                path.unlink(missing_ok=True)
            else:
                _write_atomically(path, content.decode("utf-8"))
        raise
    _clear_drafts(ctx, username, region, sorted(drafts), deployed)
    return deployed


def _clear_drafts(ctx: Context, username: str, region: str, files: list[str], deployed: list[DeployedVersion]) -> None:
    with ctx.db.write() as session:
        _, actor = designer_actor(session, username)
        for row in draft_rows(session, region):
            session.delete(row)
        audit.record(
            session,
            "designer.deployed",
            actor,
            details={
                "region": region,
                "files": files,
                "versions": [f"{v.region}/{v.process_id} v{v.version}" for v in deployed if v.new],
            },
        )
