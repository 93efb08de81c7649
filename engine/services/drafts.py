"""A designer's drafts of a region's process files: upload, validate, preview, dry run, deploy.

A draft is a file in the database (engine.persistence.DraftFile) that will replace the file of the same
name in the region's directory when deployed. Until then nothing in processes/ changes, so
`dibao processes deploy` and running cases never see an unfinished edit. Validation runs the deploy-time
checks (catalog.validate_sources) on the region's effective file set with the drafts laid over it.

Scope: a designer of region R touches R's drafts only (access.designer_region); every change is an
audit event (designer.draft_saved, designer.draft_discarded, designer.draft_validated, designer.deployed).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.context import Context
from engine.domain.parameters import Parameter, Value, parse_parameters
from engine.domain.roles import Level
from engine.errors import BundleInvalid, InvalidData, NotFound, Problem
from engine.lookups import get_user
from engine.persistence import DraftFile, OrgUnit
from engine.policy import DESIGNER, designer_region
from engine.records import audit
from engine.results import DeployedVersion
from engine.services import deployment, draft_run, parameter_edit
from engine.services.access import ValidBundle
from engine.workflow.bundle import DEFAULT_REGION, PARAMETERS_FILE, RegionSources, SourceFile, region_sources
from engine.workflow.catalog import CatalogResult, validate_sources
from engine.workflow.namespaces import BPMN_NS
from engine.workflow.xmlsafe import UnsafeXml, parse_xml

MAX_DRAFT_BYTES = 1024 * 1024  # one file; the largest reference BPMN is well under 100 KB
_XML_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}\.(bpmn|dmn)$")
_FORM_NAME = re.compile(r"^[a-z0-9_]{1,100}\.json$")  # forms.is_valid_form_key: [a-z0-9_]
DRAFT_ORIGIN = "草稿 "  # prefixed to a draft's path in validation problems, so the report says which copy


@dataclass(frozen=True)
class DraftFileView:
    region: str
    filename: str
    kind: str  # "bpmn" | "dmn" | "form" | "parameters"
    size: int
    sha256: str
    updated_by: str
    updated_at: datetime
    replaces: str | None  # the effective file the draft replaces ("default/x.bpmn"); None for a new file


@dataclass(frozen=True)
class DraftReport:
    region: str
    drafts: list[str]  # the draft file names the report covers
    processes: list[ValidBundle] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# ---- names, kinds and the files on disk ------------------------------------------------------------


def file_kind(filename: str) -> str:
    """The kind of a draft file from its name; InvalidData naming the field for anything else."""
    if filename == PARAMETERS_FILE:
        return "parameters"
    if _XML_NAME.match(filename):
        return filename.rsplit(".", 1)[1]
    if _FORM_NAME.match(filename):
        return "form"
    raise InvalidData(
        "文件名不符合要求",
        {"file": [f"{filename!r}：只接受 *.bpmn、*.dmn、表单定义 *.json（小写字母、数字、下划线）或 parameters.toml"]},
    )


def region_dir(ctx: Context, region: str) -> Path:
    """Where the region's files live: processes/default/ or processes/regions/<region>/.
    `region` has passed designer_region (it is the designer's own, read from the database)."""
    base = ctx.settings.processes_dir
    return base / DEFAULT_REGION if region == DEFAULT_REGION else base / "regions" / region


def _target_path(ctx: Context, region: str, filename: str) -> Path:
    if file_kind(filename) == "form":
        return ctx.settings.forms_dir / filename
    return region_dir(ctx, region) / filename


def _origin_prefix(region: str) -> str:
    return f"{DEFAULT_REGION}/" if region == DEFAULT_REGION else f"regions/{region}/"


def _disk_sources(ctx: Context, region: str) -> RegionSources:
    if region != DEFAULT_REGION and not region_dir(ctx, region).is_dir():
        # A region without overrides yet: it runs the default files until its first deploy creates the directory.
        sources = region_sources(ctx.settings.processes_dir, DEFAULT_REGION)
        sources.region = region
        return sources
    return region_sources(ctx.settings.processes_dir, region)


def _replaces(ctx: Context, sources: RegionSources, region: str, filename: str) -> str | None:
    kind = file_kind(filename)
    if kind == "bpmn" and filename in sources.bpmn:
        return sources.bpmn[filename].origin
    if kind == "dmn" and filename in sources.dmn:
        return sources.dmn[filename].origin
    if kind == "parameters":
        own = f"{_origin_prefix(region)}{PARAMETERS_FILE}"
        return own if any(p.origin == own for p in sources.parameters) else None
    if kind == "form" and (ctx.settings.forms_dir / filename).is_file():
        return f"forms/definitions/{filename}"
    return None


# ---- checks on upload ------------------------------------------------------------------------------


def _check_content(filename: str, kind: str, content: bytes) -> str:
    """Cheap checks at upload: size, UTF-8, and that the file parses (XML through the hardened parser:
    no DOCTYPE, no entities, no network). Semantic checks are validate_draft's."""
    if len(content) > MAX_DRAFT_BYTES:
        raise InvalidData("文件过大", {"file": [f"{filename}：超过 {MAX_DRAFT_BYTES // 1024} KB 的上限"]})
    if not content.strip():
        raise InvalidData("文件为空", {"file": [f"{filename}：没有内容"]})
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidData("文件编码有误", {"file": [f"{filename}：必须是 UTF-8 编码的文本"]}) from None
    if kind in ("bpmn", "dmn"):
        try:
            parse_xml(content)
        except UnsafeXml as exc:
            where = f"{filename} 第 {exc.line} 行" if exc.line else filename
            raise InvalidData("XML 文件无法解析", {"file": [f"{where}：{exc.message}"]}) from None
    elif kind == "form":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidData("表单定义无法解析", {"file": [f"{filename} 第 {exc.lineno} 行：{exc.msg}"]}) from None
        except RecursionError:  # the json module nests recursively: "[[[[…" a few thousand deep
            raise InvalidData("表单定义无法解析", {"file": [f"{filename}：嵌套过深"]}) from None
    else:
        parse_parameters(text, filename)  # InvalidData names the file and the parameter
    return text


# ---- the interface ---------------------------------------------------------------------------------


def _view(row: DraftFile, sources: RegionSources, ctx: Context) -> DraftFileView:
    return DraftFileView(
        row.region,
        row.filename,
        file_kind(row.filename),
        row.size,
        row.sha256,
        row.updated_by.username,
        row.updated_at,
        _replaces(ctx, sources, row.region, row.filename),
    )


def _rows(session: Session, region: str) -> list[DraftFile]:
    return list(session.scalars(select(DraftFile).where(DraftFile.region == region).order_by(DraftFile.filename)))


def _row(session: Session, region: str, filename: str) -> DraftFile | None:
    return session.scalars(select(DraftFile).where(DraftFile.region == region, DraftFile.filename == filename)).first()


def _actor(session: Session, username: str) -> tuple[int, audit.Actor]:
    user = get_user(session, username)
    return user.id, audit.Actor.of(user, DESIGNER)


def save_file(ctx: Context, username: str, region: str, filename: str, content: bytes) -> DraftFileView:
    """Store (or replace) the region's draft of `filename`. Nothing on disk changes."""
    region = designer_region(ctx, username, region)
    filename = filename.strip()
    kind = file_kind(filename)
    if kind == "form" and region != DEFAULT_REGION:
        raise InvalidData(
            "无权修改表单定义",
            {"file": [f"{filename}：表单定义（forms/definitions/）全国共用，只能由全国流程设计人员修改"]},
        )
    text = _check_content(filename, kind, content)
    digest = hashlib.sha256(content).hexdigest()
    sources = _disk_sources(ctx, region)
    with ctx.db.write() as session:
        user_id, actor = _actor(session, username)
        row = _row(session, region, filename)
        if row is None:
            row = DraftFile(region=region, filename=filename)
            session.add(row)
        row.content, row.size, row.sha256 = text, len(content), digest
        row.updated_by_id, row.updated_at = user_id, utcnow()
        session.flush()
        session.refresh(row)
        audit.record(
            session,
            "designer.draft_saved",
            actor,
            details={"region": region, "file": filename, "sha256": digest, "size": len(content)},
        )
        return _view(row, sources, ctx)


def effective_file(ctx: Context, username: str, region: str, filename: str) -> bytes:
    """The draft's copy if there is one, else the file the region runs now (its override or the default).
    For parameters.toml without a draft: the region's own file (what it overrides), empty when it has none."""
    region = designer_region(ctx, username, region)
    kind = file_kind(filename)
    with ctx.db.read() as session:
        row = _row(session, region, filename)
        if row is not None:
            return row.content.encode()
    sources = _disk_sources(ctx, region)
    if kind == "bpmn" and filename in sources.bpmn:
        return sources.bpmn[filename].content
    if kind == "dmn" and filename in sources.dmn:
        return sources.dmn[filename].content
    if kind == "parameters":
        own = f"{_origin_prefix(region)}{PARAMETERS_FILE}"
        return next((p.content for p in sources.parameters if p.origin == own), b"")
    if kind == "form" and (ctx.settings.forms_dir / filename).is_file():
        return (ctx.settings.forms_dir / filename).read_bytes()
    raise NotFound(f"地区 {region} 没有文件 {filename}")


def draft_files(ctx: Context, username: str, region: str) -> list[DraftFileView]:
    region = designer_region(ctx, username, region)
    sources = _disk_sources(ctx, region)
    with ctx.db.read() as session:
        return [_view(row, sources, ctx) for row in _rows(session, region)]


def draft_texts(ctx: Context, username: str, region: str) -> dict[str, str]:
    """The region's drafts by file name (for the diff and the modeler)."""
    region = designer_region(ctx, username, region)
    with ctx.db.read() as session:
        return {row.filename: row.content for row in _rows(session, region)}


def delete_file(ctx: Context, username: str, region: str, filename: str) -> None:
    """Drop one draft file (the region keeps running what is deployed)."""
    region = designer_region(ctx, username, region)
    with ctx.db.write() as session:
        row = _row(session, region, filename)
        if row is None:
            raise NotFound(f"地区 {region} 没有草稿文件 {filename}")
        _, actor = _actor(session, username)
        session.delete(row)
        audit.record(session, "designer.draft_discarded", actor, details={"region": region, "files": [filename]})


def discard_draft(ctx: Context, username: str, region: str) -> list[str]:
    """Drop every draft file of the region; returns their names."""
    region = designer_region(ctx, username, region)
    with ctx.db.write() as session:
        rows = _rows(session, region)
        names = [row.filename for row in rows]
        if not rows:
            return []
        _, actor = _actor(session, username)
        for row in rows:
            session.delete(row)
        audit.record(session, "designer.draft_discarded", actor, details={"region": region, "files": names})
    return names


# ---- the effective sources with the drafts laid over them -----------------------------------------


def overlay_sources(ctx: Context, region: str, drafts: dict[str, str]) -> RegionSources:
    """The region's effective file set as it would be after deploying `drafts`, following
    bundle.region_sources's rules: a file replaces the one of the same name, parameters.toml replaces the
    region's own layer (the default's for region default)."""
    sources = _disk_sources(ctx, region)
    prefix = DRAFT_ORIGIN + _origin_prefix(region)
    for name, text in sorted(drafts.items()):
        kind = file_kind(name)
        source = SourceFile(name, f"{prefix}{name}", text.encode())
        if kind == "bpmn":
            sources.bpmn[name] = source
        elif kind == "dmn":
            sources.dmn[name] = source
        elif kind == "parameters":
            own = f"{_origin_prefix(region)}{PARAMETERS_FILE}"
            kept = [p for p in sources.parameters if p.origin != own]
            sources.parameters = [*kept, source]
        else:
            # Checked on its own too: a draft form no task names yet is still going to be deployed.
            sources.forms[name] = SourceFile(name, f"{DRAFT_ORIGIN}forms/definitions/{name}", text.encode())
    return sources


@contextmanager
def _forms_dir(ctx: Context, drafts: dict[str, str]) -> Iterator[Path]:
    """The forms directory the drafts would produce: the real one, or a temporary copy with the draft
    form definitions written over it (so validating never touches forms/definitions/)."""
    forms = {name: text for name, text in drafts.items() if file_kind(name) == "form"}
    if not forms:
        yield ctx.settings.forms_dir
        return
    with tempfile.TemporaryDirectory(prefix="dibao-forms-") as tmp:
        target = Path(tmp)
        for path in ctx.settings.forms_dir.glob("*.json"):
            shutil.copyfile(path, target / path.name)
        for name, text in forms.items():
            (target / name).write_text(text, encoding="utf-8")
        yield target


def check_drafts(ctx: Context, region: str, drafts: dict[str, str]) -> CatalogResult:
    """Validate the drafts without a user check: for callers that already did it."""
    sources = overlay_sources(ctx, region, drafts)
    with _forms_dir(ctx, drafts) as forms_dir:
        return validate_sources(sources, forms_dir)


def validate_draft(ctx: Context, username: str, region: str) -> DraftReport:
    """The deploy-time checks on the region with its drafts; problems name file, element and line."""
    region = designer_region(ctx, username, region)
    drafts = draft_texts(ctx, username, region)
    result = check_drafts(ctx, region, drafts)
    report = DraftReport(
        region,
        sorted(drafts),
        [ValidBundle(b.process_id, b.title, b.hash) for b in result.bundles],
        list(result.problems),
    )
    with ctx.db.write() as session:
        _, actor = _actor(session, username)
        audit.record(
            session,
            "designer.draft_validated",
            actor,
            details={"region": region, "files": report.drafts, "ok": report.ok, "problems": len(report.problems)},
        )
    return report


# ---- deploy ----------------------------------------------------------------------------------------


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


def deploy_draft(ctx: Context, username: str, region: str) -> list[DeployedVersion]:
    """Validate the drafts; when valid, write them into processes/ (regions/<region>/ or default/, form
    definitions into forms/definitions/), deploy the region, and clear the drafts.

    The files are written to disk, not only stored as a new ProcessDefinition, so that processes/ stays
    the source of truth: a later `dibao processes deploy` deploys exactly what the browser deployed
    instead of silently reverting it. If deploying fails after the write, the previous files are put back.
    A changed form definition is shared by every region, so then every region is redeployed.
    """
    region = designer_region(ctx, username, region)
    drafts = draft_texts(ctx, username, region)
    if not drafts:
        raise InvalidData("没有可部署的草稿", {"file": ["请先上传或编辑文件"]})
    result = check_drafts(ctx, region, drafts)
    if result.problems:
        raise BundleInvalid(result.problems)
    previous: dict[Path, bytes | None] = {}
    for name in drafts:
        path = _target_path(ctx, region, name)
        previous[path] = path.read_bytes() if path.is_file() else None
    forms_changed = any(file_kind(name) == "form" for name in drafts)
    try:
        for name, text in drafts.items():
            _write_atomically(_target_path(ctx, region, name), text)
        deployed = deployment.deploy(ctx, None if forms_changed else region, username)
    except BaseException:
        for path, content in previous.items():
            if content is None:
                path.unlink(missing_ok=True)
            else:
                _write_atomically(path, content.decode("utf-8"))
        raise
    with ctx.db.write() as session:
        _, actor = _actor(session, username)
        for row in _rows(session, region):
            session.delete(row)
        audit.record(
            session,
            "designer.deployed",
            actor,
            details={
                "region": region,
                "files": sorted(drafts),
                "versions": [f"{v.region}/{v.process_id} v{v.version}" for v in deployed if v.new],
            },
        )
    return deployed


# ---- parameters in a form --------------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterRow:
    name: str
    help: str  # the comment above the parameter in its file
    periods: list[tuple[str, str]]  # (effective date, value as shown), oldest first
    type: str  # "integer" | "number" | "boolean" | "string"
    origin: str  # "default" (inherited), "region" (the region's own table)
    default_periods: list[tuple[str, str]]  # the inherited table, for region overrides


@dataclass(frozen=True)
class ParameterForm:
    region: str
    rows: list[ParameterRow]
    from_draft: bool  # the form starts from the region's draft parameters.toml


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _parameter_layers(ctx: Context, username: str, region: str) -> tuple[str, str, bool]:
    """(the inherited default text, the region's own text — draft or disk —, whether it is a draft).
    For region default the inherited text is empty: its file is the whole set."""
    own = effective_file(ctx, username, region, PARAMETERS_FILE).decode("utf-8")
    with ctx.db.read() as session:
        from_draft = _row(session, region, PARAMETERS_FILE) is not None
    inherited = ""
    if region != DEFAULT_REGION:
        default_file = region_dir(ctx, DEFAULT_REGION) / PARAMETERS_FILE
        inherited = default_file.read_text(encoding="utf-8") if default_file.is_file() else ""
    return inherited, own, from_draft


def parameters_form(ctx: Context, username: str, region: str) -> ParameterForm:
    """Every parameter the region runs with: its own tables and the inherited ones."""
    region = designer_region(ctx, username, region)
    inherited_text, own_text, from_draft = _parameter_layers(ctx, username, region)
    inherited = parse_parameters(inherited_text, f"{DEFAULT_REGION}/{PARAMETERS_FILE}")
    own = parse_parameters(own_text, f"{_origin_prefix(region)}{PARAMETERS_FILE}")
    helps = {b.name: parameter_edit.comment_of(b) for b in parameter_edit.split_blocks(inherited_text) if b.name}
    helps.update({b.name: parameter_edit.comment_of(b) for b in parameter_edit.split_blocks(own_text) if b.name})

    def shown(parameter: Parameter | None) -> list[tuple[str, str]]:
        if parameter is None:
            return []
        return [(start.isoformat(), parameter_edit.shown_value(value)) for start, value in parameter.periods]

    rows = []
    for name in sorted({*inherited, *own}):
        parameter = own.get(name) or inherited[name]
        rows.append(
            ParameterRow(
                name,
                helps.get(name, ""),
                shown(parameter),
                _type_name(parameter.periods[-1][1]),
                "region" if name in own and region != DEFAULT_REGION else "default",
                shown(inherited.get(name)),
            )
        )
    return ParameterForm(region, rows, from_draft)


def save_parameters(
    ctx: Context,
    username: str,
    region: str,
    changes: Mapping[str, Sequence[tuple[str, str]] | None],
) -> DraftFileView:
    """Save edited parameter tables as the region's draft parameters.toml.

    `changes` maps a parameter name to its rows (effective date, value) as typed, or None to drop the
    region's own table (the default one applies again). A region only writes a table when it differs
    from the inherited one. Values keep the parameter's type; the file is checked with the engine's
    loader. InvalidData names each bad field ("notice_days[2]"); nothing is saved then."""
    region = designer_region(ctx, username, region)
    inherited_text, own_text, _ = _parameter_layers(ctx, username, region)
    inherited = parse_parameters(inherited_text, f"{DEFAULT_REGION}/{PARAMETERS_FILE}")
    source = f"{_origin_prefix(region)}{PARAMETERS_FILE}"
    own = parse_parameters(own_text, source)
    errors: dict[str, list[str]] = {}
    edits: dict[str, list[tuple[date, Value]] | None] = {}
    for name, rows in changes.items():
        current = own.get(name) or inherited.get(name)
        if current is None:
            errors.setdefault(name, []).append(f"未知参数：{name}（新参数请上传 parameters.toml 文件）")
            continue
        if rows is None:
            if region == DEFAULT_REGION:
                errors.setdefault(name, []).append(f"参数 {name}：全国默认参数不能删除")
            elif name in own:
                edits[name] = None
            continue
        periods = parameter_edit.typed_periods(name, rows, current.periods[-1][1], errors)
        if region != DEFAULT_REGION and name not in own and parameter_edit.same_periods(inherited.get(name), periods):
            continue  # unchanged inherited table: no override
        if parameter_edit.same_periods(own.get(name), periods):
            continue
        edits[name] = periods
    if errors:
        raise InvalidData("参数有误", errors)
    if not edits:
        raise InvalidData("参数没有改动", {"parameters": ["没有修改任何参数"]})
    text = parameter_edit.rewrite(own_text, edits, source)
    return save_file(ctx, username, region, PARAMETERS_FILE, text.encode("utf-8"))


# ---- preview and dry run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewSource:
    filename: str
    text: str
    process_ids: list[str]  # the executable processes the file defines, in file order


def preview(ctx: Context, username: str, region: str, filename: str) -> PreviewSource:
    """The BPMN text to draw (the draft's copy, else the effective file); the web layer renders the SVG."""
    if file_kind(filename) != "bpmn":
        raise NotFound(f"只有 BPMN 文件可以预览：{filename}")
    content = effective_file(ctx, username, region, filename)
    try:
        root = parse_xml(content).getroot()
    except UnsafeXml as exc:
        raise InvalidData("BPMN 文件无法解析", {"file": [f"{filename}：{exc.message}"]}) from None
    process_ids = [p.get("id") or "" for p in root.iter(f"{{{BPMN_NS}}}process")]
    return PreviewSource(filename, content.decode("utf-8"), [p for p in process_ids if p])


def dry_run_start_data(ctx: Context, region: str, payload: Mapping[str, object]) -> dict[str, object]:
    """A start payload from what the designer typed: a whole start payload ({"village", "channel",
    "household"}) or just a household, which gets a village of the region and the window channel."""
    start: dict[str, object] = (
        dict(payload) if "household" in payload else {"channel": "window", "household": dict(payload)}
    )
    if not start.get("village"):
        with ctx.db.read() as session:
            village = session.scalars(
                select(OrgUnit.code)
                .where(OrgUnit.level == Level.VILLAGE, OrgUnit.region == region)
                .order_by(OrgUnit.id)
            ).first()
        start["village"] = village or "试运行村"
    return start


def dry_run(ctx: Context, username: str, region: str, process_id: str, household_json: str) -> DryRunReport:
    """Run the draft bundle's process in memory against a household (engine.services.draft_run):
    the validation report, the assessment under the draft's parameters, the path and where it stopped.
    Nothing is stored; the run is audited as designer.dry_run (without the household)."""
    region = designer_region(ctx, username, region)
    try:
        payload = json.loads(household_json)
    except json.JSONDecodeError as exc:
        raise InvalidData("家庭数据不是有效的 JSON", {"household": [f"第 {exc.lineno} 行：{exc.msg}"]}) from None
    if not isinstance(payload, dict):
        raise InvalidData("家庭数据有误", {"household": ["必须是一个 JSON 对象"]})
    drafts = draft_texts(ctx, username, region)
    result = check_drafts(ctx, region, drafts)
    report = DryRunReport(region, process_id, sorted(drafts), list(result.problems), None)
    if result.ok:
        bundle = next((b for b in result.bundles if b.process_id == process_id), None)
        if bundle is None:
            raise NotFound(f"草稿中没有流程 {process_id}")
        start = dry_run_start_data(ctx, region, payload)
        report.run = draft_run.run_bundle(ctx, bundle.files, process_id, region, start)
    with ctx.db.write() as session:
        _, actor = _actor(session, username)
        audit.record(
            session,
            "designer.dry_run",
            actor,
            details={
                "region": region,
                "process_id": process_id,
                "files": report.drafts,
                "valid": not report.problems,
                "stopped": report.run.stopped if report.run else None,
            },
        )
    return report


@dataclass
class DryRunReport:
    region: str
    process_id: str
    drafts: list[str]
    problems: list[Problem]
    run: draft_run.DryRunResult | None  # None when the drafts do not validate


def process_ids(ctx: Context, username: str, region: str) -> list[str]:
    """The processes the region's effective set (drafts included) defines, for the dry-run form."""
    region = designer_region(ctx, username, region)
    sources = overlay_sources(ctx, region, draft_texts(ctx, username, region))
    ids: list[str] = []
    for source in sources.bpmn.values():
        try:
            root = parse_xml(source.content).getroot()
        except UnsafeXml:
            continue
        ids.extend(p.get("id") or "" for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("isExecutable") != "false")
    return sorted(i for i in ids if i)
