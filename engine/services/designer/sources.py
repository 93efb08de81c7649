"""The region's files as a designer sees them: what kind a file is, where deploying it writes it, what
the region runs now (on disk), and the region's file set with the drafts laid over it.

A draft replaces the file of the same name; parameters.toml replaces the region's own layer (the
default's for region default); a form definition goes to the forms directory, shared by every region.
The layout of processes/ itself is engine.workflow.bundle's (region_dir, region_path).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.context import Context
from engine.errors import InvalidData
from engine.workflow.bundle import (
    DEFAULT_REGION,
    DOCUMENTS_DIR,
    FORM_OVERRIDES_DIR,
    PARAMETERS_FILE,
    RegionSources,
    SourceFile,
    region_dir,
    region_path,
    region_sources,
)

_XML_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}\.(bpmn|dmn)$")
_FORM_NAME = re.compile(r"^[a-z0-9_]{1,100}\.json$")  # forms.is_valid_form_key: [a-z0-9_]
_DOCUMENT_NAME = re.compile(r"^[a-z0-9_]{1,100}\.html$")  # a BPMN `documents` property names it without .html
# A region's override of a national form (forms/overrides.py) is drafted as "<form key>.override.json" and
# deployed to regions/<region>/forms/<form key>.json.
_OVERRIDE_NAME = re.compile(r"^([a-z0-9_]{1,100})\.override\.json$")
OVERRIDE_SUFFIX = ".override.json"
DRAFT_ORIGIN = "草稿 "  # prefixed to a draft's path in validation problems, so the report says which copy
FORMS_ORIGIN = "forms/definitions/"


def file_kind(filename: str) -> str:
    """The kind of a draft file from its name: "bpmn", "dmn", "form", "parameters" or "document" (a
    template of documents/); InvalidData naming the field for anything else."""
    if filename == PARAMETERS_FILE:
        return "parameters"
    if _OVERRIDE_NAME.match(filename):
        return "form_override"
    if _XML_NAME.match(filename):
        return filename.rsplit(".", 1)[1]
    if _FORM_NAME.match(filename):
        return "form"
    if _DOCUMENT_NAME.match(filename):
        return "document"
    raise InvalidData(
        "文件名不符合要求",
        {
            "file": [
                f"{filename!r}：只接受 *.bpmn、*.dmn、表单定义 *.json、表单地区覆盖 *.override.json、"
                "文书模板 *.html（小写字母、数字、下划线）或 parameters.toml"
            ]
        },
    )


def override_key(filename: str) -> str:
    """The form key of an override draft's name ("dibao_first_review.override.json" → "dibao_first_review")."""
    return filename.removesuffix(OVERRIDE_SUFFIX)


def override_origin(region: str, key: str) -> str:
    """Where the region's override of form `key` lives, as origins spell it."""
    return f"{region_path(region)}{FORM_OVERRIDES_DIR}/{key}.json"


def draft_name(filename: str) -> str:
    """The draft's name for an uploaded or typed file name: a template may be given as documents/<name>.html
    (its place in the region's directory); drafts keep the bare name, as the region's file set does."""
    name = filename.strip()
    return name.removeprefix(DOCUMENTS_DIR + "/") if name.endswith(".html") else name


def target_path(ctx: Context, region: str, filename: str) -> Path:
    """Where deploying the draft of `filename` writes it. `region` has passed policy.designer_region."""
    kind = file_kind(filename)
    if kind == "form":
        return ctx.settings.forms_dir / filename
    if kind == "document":
        return region_dir(ctx.settings.processes_dir, region) / DOCUMENTS_DIR / filename
    if kind == "form_override":
        return region_dir(ctx.settings.processes_dir, region) / FORM_OVERRIDES_DIR / f"{override_key(filename)}.json"
    return region_dir(ctx.settings.processes_dir, region) / filename


def own_parameters_origin(region: str) -> str:
    """The origin of the region's own parameters.toml ("regions/yantai/parameters.toml")."""
    return f"{region_path(region)}{PARAMETERS_FILE}"


def disk_sources(ctx: Context, region: str) -> RegionSources:
    """What the region runs now, as its files in processes/ are."""
    processes_dir = ctx.settings.processes_dir
    if region != DEFAULT_REGION and not region_dir(processes_dir, region).is_dir():
        # A region without overrides yet: it runs the default files until its first deploy creates the directory.
        sources = region_sources(processes_dir, DEFAULT_REGION)
        sources.region = region
        return sources
    return region_sources(processes_dir, region)


def disk_file(ctx: Context, sources: RegionSources, region: str, filename: str) -> SourceFile | None:
    """The file a draft of `filename` replaces (its origin names it), or None for a new file. For
    parameters.toml: the region's own file (what it overrides), not the layer it inherits."""
    kind = file_kind(filename)
    if kind == "bpmn":
        return sources.bpmn.get(filename)
    if kind == "dmn":
        return sources.dmn.get(filename)
    if kind == "document":
        return sources.documents.get(filename)
    if kind == "form_override":
        return sources.form_overrides.get(override_key(filename))
    if kind == "parameters":
        own = own_parameters_origin(region)
        return next((p for p in sources.parameters if p.origin == own), None)
    path = ctx.settings.forms_dir / filename
    return SourceFile(filename, f"{FORMS_ORIGIN}{filename}", path.read_bytes()) if path.is_file() else None


def overlay_sources(ctx: Context, region: str, drafts: dict[str, str]) -> RegionSources:
    """The region's effective file set as it would be after deploying `drafts`, following
    bundle.region_sources's rules: a file replaces the one of the same name, parameters.toml replaces the
    region's own layer (the default's for region default)."""
    sources = disk_sources(ctx, region)
    prefix = DRAFT_ORIGIN + region_path(region)
    for name, text in sorted(drafts.items()):
        kind = file_kind(name)
        source = SourceFile(name, f"{prefix}{name}", text.encode())
        if kind == "bpmn":
            sources.bpmn[name] = source
        elif kind == "dmn":
            sources.dmn[name] = source
        elif kind == "document":
            sources.documents[name] = SourceFile(name, f"{prefix}{DOCUMENTS_DIR}/{name}", text.encode())
        elif kind == "form_override":
            key = override_key(name)
            origin = DRAFT_ORIGIN + override_origin(region, key)
            sources.form_overrides[key] = SourceFile(f"{key}.json", origin, text.encode())
        elif kind == "parameters":
            own = own_parameters_origin(region)
            kept = [p for p in sources.parameters if p.origin != own]
            sources.parameters = [*kept, source]
        else:
            # Checked on its own too: a draft form no task names yet is still going to be deployed.
            sources.forms[name] = SourceFile(name, f"{DRAFT_ORIGIN}{FORMS_ORIGIN}{name}", text.encode())
    return sources


@contextmanager
def forms_dir_with(ctx: Context, drafts: dict[str, str]) -> Iterator[Path]:
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
