"""The designer's read-only views of a region (issue 6): its effective process set with each file's origin,
the deployed versions of its processes, and a readable diff between two versions.

Scope: a designer reads their own region only (policy.designer_region); an administrator may read the
region of their own org unit, read-only (`may_edit` False: the page offers no edit or deploy links).
Reads change nothing and are not audited; drafts and deployments (engine.services.designer) are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.context import Context
from engine.domain.vocabulary import ORIGIN_LABELS
from engine.errors import InvalidData, NotFound, PermissionDenied
from engine.lookups import get_user
from engine.persistence import ProcessDefinition, User
from engine.queries.diagrams import bundle_processes
from engine.workflow.bundle import DEFAULT_REGION, PARAMETERS_FILE, SourceFile, region_sources
from engine.workflow.bundle_diff import BundleDiff, diff_bundles
from engine.workflow.catalog import CatalogResult, validate_sources
from engine.workflow.namespaces import BPMN_NS
from engine.workflow.xmlsafe import UnsafeXml, parse_xml

ADMIN = "admin"


# What the process table says about the files on disk against the latest deployed version.
UP_TO_DATE = "与已部署版本一致"
PENDING = "有未部署的修改"
NOT_DEPLOYED = "未部署"
GONE = "文件中已无此流程"
INVALID = "文件未通过校验"


@dataclass(frozen=True)
class Workspace:
    region: str
    may_edit: bool  # a designer of the region; an administrator only reads


@dataclass(frozen=True)
class RegionFile:
    name: str
    kind: str  # "BPMN" | "DMN" | "参数"
    origin: str  # "default" | "region" | "merged" (parameters.toml of both levels)
    path: str  # under processes/, for the reader
    processes: tuple[str, ...]  # the process ids a BPMN file defines

    @property
    def origin_label(self) -> str:
        return ORIGIN_LABELS[self.origin]

    @property
    def overrides_default(self) -> bool:
        return self.origin != "default"


@dataclass(frozen=True)
class Version:
    process_id: str
    region: str
    version: int
    title: str
    bundle_hash: str
    deployed_at: datetime
    deployed_by: str | None  # username; None: the system (dibao init / processes deploy)
    deployed_by_name: str | None

    @property
    def short_hash(self) -> str:
        return self.bundle_hash[:12]


@dataclass(frozen=True)
class ProcessRow:
    process_id: str
    title: str
    file: str | None  # the BPMN file on disk that defines it (None: no longer on disk)
    origin: str | None
    latest: Version | None
    status: str  # UP_TO_DATE | PENDING | NOT_DEPLOYED | GONE | INVALID

    @property
    def pending(self) -> bool:
        return self.status != UP_TO_DATE

    @property
    def origin_label(self) -> str:
        return ORIGIN_LABELS[self.origin] if self.origin else "—"


@dataclass(frozen=True)
class ProcessSet:
    workspace: Workspace
    files: list[RegionFile]
    processes: list[ProcessRow]
    problems: int  # validation problems of the files on disk (0: they would deploy)

    @property
    def region(self) -> str:
        return self.workspace.region


@dataclass(frozen=True)
class VersionDiff:
    workspace: Workspace
    process_id: str
    old: Version
    new: Version
    diff: BundleDiff


@dataclass(frozen=True)
class VersionDiagram:
    version: Version
    bpmn: str


def workspace(ctx: Context, username: str, region: str | None = None) -> Workspace:
    """The region `username` may read here (their own when `region` is None). PermissionDenied for users
    who are neither designers nor administrators, and for any other region."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        roles = set(user.roles)
        own = user.org_unit.region or DEFAULT_REGION
    if policy.DESIGNER in roles:
        return Workspace(policy.designer_region(ctx, username, region), may_edit=True)
    if ADMIN in roles:
        if region is not None and region != own:
            raise PermissionDenied(f"无权查看地区 {region} 的流程：只能查看本地区（{own}）的流程")
        return Workspace(own, may_edit=False)
    raise PermissionDenied("无权进入流程设计工作台：需要流程设计角色")


def process_set(ctx: Context, username: str, region: str) -> ProcessSet:
    """The region's effective files with their origin, and each process's latest deployed version
    beside whether the files on disk would deploy as something else."""
    space = workspace(ctx, username, region)
    sources = region_sources(ctx.settings.processes_dir, space.region)
    files = _region_files(space.region, [*sources.bpmn.values(), *sources.dmn.values()], sources.parameters)
    on_disk = validate_sources(sources, ctx.settings.forms_dir)
    with ctx.db.read() as session:
        latest = {v.process_id: v for v in reversed(_versions(session, space.region))}
    return ProcessSet(space, files, _process_rows(files, on_disk, latest), len(on_disk.problems))


def _region_files(region: str, sources: list[SourceFile], parameters: list[SourceFile]) -> list[RegionFile]:
    own_prefix = f"regions/{region}/"
    files: list[RegionFile] = []
    for source in sorted(sources, key=lambda s: s.name):
        origin = "region" if source.origin.startswith(own_prefix) else "default"
        kind = "BPMN" if source.name.endswith(".bpmn") else "DMN"
        processes = _process_ids(source.content) if kind == "BPMN" else ()
        files.append(RegionFile(source.name, kind, origin, f"processes/{source.origin}", processes))
    if parameters:
        origins = [p.origin for p in parameters]
        origin = "merged" if len(parameters) > 1 else ("region" if origins[0].startswith(own_prefix) else "default")
        paths = " + ".join(f"processes/{o}" for o in origins)
        files.append(RegionFile(PARAMETERS_FILE, "参数", origin, paths, ()))
    return files


def _process_ids(content: bytes) -> tuple[str, ...]:
    try:
        root = parse_xml(content).getroot()
    except UnsafeXml:
        return ()
    return tuple(str(p.get("id")) for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("id"))


def _process_rows(files: list[RegionFile], on_disk: CatalogResult, latest: dict[str, Version]) -> list[ProcessRow]:
    defined_in = {pid: f for f in files for pid in f.processes}
    bundles = {b.process_id: b for b in on_disk.bundles}
    rows: list[ProcessRow] = []
    for pid in sorted(defined_in.keys() | latest.keys()):
        file, deployed, bundle = defined_in.get(pid), latest.get(pid), bundles.get(pid)
        if file is None:
            status = GONE
        elif not on_disk.ok:
            status = INVALID
        elif deployed is None:
            status = NOT_DEPLOYED
        else:
            status = UP_TO_DATE if bundle is not None and bundle.hash == deployed.bundle_hash else PENDING
        title = deployed.title if deployed else (bundle.title if bundle else pid)
        rows.append(
            ProcessRow(pid, title, file.name if file else None, file.origin if file else None, deployed, status)
        )
    return rows


def history(ctx: Context, username: str, region: str, process_id: str | None = None) -> list[Version]:
    """The region's deployed versions (of one process, or of all), newest first."""
    space = workspace(ctx, username, region)
    with ctx.db.read() as session:
        versions = _versions(session, space.region, process_id)
    if process_id is not None and not versions:
        raise NotFound(f"流程 {process_id} 在地区 {space.region} 没有已部署的版本")
    return versions


def _versions(session: Session, region: str, process_id: str | None = None) -> list[Version]:
    query = (
        select(ProcessDefinition, User.username, User.display_name)
        .outerjoin(User, User.id == ProcessDefinition.deployed_by_id)
        .where(ProcessDefinition.region == region)
        .order_by(ProcessDefinition.deployed_at.desc(), ProcessDefinition.version.desc(), ProcessDefinition.id.desc())
    )
    if process_id is not None:
        query = query.where(ProcessDefinition.process_id == process_id)
    return [_version(d, who, name) for d, who, name in session.execute(query).all()]


def _version(definition: ProcessDefinition, deployed_by: str | None, deployed_by_name: str | None) -> Version:
    return Version(
        definition.process_id,
        definition.region,
        definition.version,
        definition.title,
        definition.bundle_hash,
        definition.deployed_at,
        deployed_by,
        deployed_by_name,
    )


def _definition(session: Session, region: str, process_id: str, version: int) -> tuple[ProcessDefinition, Version]:
    row = session.execute(
        select(ProcessDefinition, User.username, User.display_name)
        .outerjoin(User, User.id == ProcessDefinition.deployed_by_id)
        .where(
            ProcessDefinition.region == region,
            ProcessDefinition.process_id == process_id,
            ProcessDefinition.version == version,
        )
    ).first()
    if row is None:
        raise NotFound(f"流程 {process_id} 在地区 {region} 没有第 {version} 版")
    return row[0], _version(row[0], row[1], row[2])


def check_version_number(value: str | None, field: str, label: str) -> int:
    """A version number typed into a query string: a positive integer, else InvalidData naming the field."""
    text = (value or "").strip().removeprefix("v")
    if not (text.isascii() and text.isdigit()) or len(text) > 6 or int(text) < 1:
        raise InvalidData(f"{label}（{field}）必须是正整数版本号", {field: ["请填写正整数版本号"]})
    return int(text)


def diff(ctx: Context, username: str, region: str, process_id: str, from_version: int, to_version: int) -> VersionDiff:
    """What changed from one deployed version to another, in sentences (engine.workflow.bundle_diff)."""
    space = workspace(ctx, username, region)
    with ctx.db.read() as session:
        old_definition, old = _definition(session, space.region, process_id, from_version)
        new_definition, new = _definition(session, space.region, process_id, to_version)
        changes = diff_bundles(old_definition.files, new_definition.files)
    return VersionDiff(space, process_id, old, new, changes)


def latest_version(ctx: Context, username: str, region: str, process_id: str) -> int:
    """The newest deployed version number of a process in the region (the diff page's default)."""
    return max(v.version for v in history(ctx, username, region, process_id))


def diagram(ctx: Context, username: str, region: str, process_id: str, version: int) -> VersionDiagram:
    """The BPMN text that draws `process_id` as deployed in that version (web/kit/diagram/ draws it)."""
    space = workspace(ctx, username, region)
    with ctx.db.read() as session:
        definition, row = _definition(session, space.region, process_id, version)
        source = bundle_processes(definition).get(process_id)
    if source is None:
        raise NotFound(f"流程 {process_id} 第 {version} 版中没有该流程的 BPMN")
    return VersionDiagram(row, source.bpmn)
