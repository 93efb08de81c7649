"""Where process files live and how a region's effective file set is assembled (docs/contracts.md#layout).

processes/default/ holds the national procedures; processes/regions/<region>/ holds a region's
overrides: a BPMN or DMN file with the same name replaces the default one, new files add processes,
and parameters.toml is layered on top of the default one (parameter by parameter). The working-day
calendar's data files live in processes/calendar/. This module is the one place that knows the layout;
callers pass the processes directory they were configured with (Settings.processes_dir).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import NotFound

DEFAULT_REGION = "default"
PARAMETERS_FILE = "parameters.toml"
_REGIONS = "regions"  # the directory under processes/ holding one directory per region
_REGION_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class SourceFile:
    name: str  # the name that overrides: "reference_review.bpmn"
    origin: str  # where it came from, for messages: "regions/yantai/reference_review.bpmn"
    content: bytes


@dataclass
class RegionSources:
    region: str
    bpmn: dict[str, SourceFile] = field(default_factory=dict)
    dmn: dict[str, SourceFile] = field(default_factory=dict)
    parameters: list[SourceFile] = field(default_factory=list)  # most general first
    # Form definitions checked on their own (a designer's draft, a file given to `processes validate`);
    # the forms user tasks name are read from the forms directory either way.
    forms: dict[str, SourceFile] = field(default_factory=dict)
    # Document templates (docs/documents.md) by file name, "confirmation_notice.html"; a region's file
    # replaces the default one of the same name, like BPMN files.
    documents: dict[str, SourceFile] = field(default_factory=dict)
    # A region's changes to national forms (forms/overrides.py) by form key: regions/<region>/forms/<key>.json.
    form_overrides: dict[str, SourceFile] = field(default_factory=dict)


def region_path(region: str) -> str:
    """A region's directory relative to the processes directory, as origins in messages spell it:
    "default/" or "regions/<region>/"."""
    return f"{DEFAULT_REGION}/" if region == DEFAULT_REGION else f"{_REGIONS}/{region}/"


def region_dir(processes_dir: Path, region: str) -> Path:
    """Where a region's process files live. `region` is a region's name, never a path a user typed."""
    return processes_dir / region_path(region)


def calendar_dir(processes_dir: Path) -> Path:
    """The working-day calendar's data files (engine.domain.calendar reads them)."""
    return processes_dir / "calendar"


def list_regions(processes_dir: Path) -> list[str]:
    regions_dir = processes_dir / _REGIONS
    names = sorted(p.name for p in regions_dir.iterdir() if p.is_dir()) if regions_dir.is_dir() else []
    return [DEFAULT_REGION, *(n for n in names if _REGION_NAME.match(n))]


DOCUMENTS_DIR = "documents"
FORM_OVERRIDES_DIR = "forms"  # regions/<region>/forms/<form_key>.json: a region's form overrides (forms/overrides.py)


def _add_form_overrides(sources: RegionSources, directory: Path, origin_prefix: str) -> None:
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        if path.is_file():
            origin = f"{origin_prefix}{path.name}"
            sources.form_overrides[path.stem] = SourceFile(path.name, origin, path.read_bytes())


def _add_documents(sources: RegionSources, directory: Path, origin_prefix: str) -> None:
    for path in sorted(directory.glob("*.html")):
        if path.is_file():
            sources.documents[path.name] = SourceFile(path.name, f"{origin_prefix}{path.name}", path.read_bytes())


def _add_dir(sources: RegionSources, directory: Path, origin_prefix: str) -> None:
    if (directory / DOCUMENTS_DIR).is_dir():
        _add_documents(sources, directory / DOCUMENTS_DIR, f"{origin_prefix}{DOCUMENTS_DIR}/")
    for path in sorted(directory.iterdir()):
        if not path.is_file():
            continue
        source = SourceFile(path.name, f"{origin_prefix}{path.name}", path.read_bytes())
        if path.suffix == ".bpmn":
            sources.bpmn[path.name] = source
        elif path.suffix == ".dmn":
            sources.dmn[path.name] = source
        elif path.name == PARAMETERS_FILE:
            sources.parameters.append(source)


def region_sources(processes_dir: Path, region: str) -> RegionSources:
    if region != DEFAULT_REGION and region not in list_regions(processes_dir):
        raise NotFound(f"地区 {region} 没有流程目录（processes/regions/{region}/）")
    sources = RegionSources(region)
    _add_dir(sources, region_dir(processes_dir, DEFAULT_REGION), region_path(DEFAULT_REGION))
    if region != DEFAULT_REGION:
        _add_dir(sources, region_dir(processes_dir, region), region_path(region))
        overrides = region_dir(processes_dir, region) / FORM_OVERRIDES_DIR
        _add_form_overrides(sources, overrides, f"{region_path(region)}{FORM_OVERRIDES_DIR}/")
    return sources


def directory_sources(directory: Path) -> RegionSources:
    """A standalone set of files (a designer's upload or a test fixture), validated on its own."""
    sources = RegionSources(DEFAULT_REGION)
    _add_dir(sources, directory, f"{directory.name}/")
    return sources


def file_sources(paths: list[Path]) -> RegionSources:
    """Loose files validated together: BPMN, DMN, a parameter file (*.toml) and form definitions (*.json)."""
    sources = RegionSources(DEFAULT_REGION)
    for path in paths:
        source = SourceFile(path.name, str(path), path.read_bytes())
        if path.suffix == ".dmn":
            sources.dmn[path.name] = source
        elif path.suffix == ".toml":
            sources.parameters.append(source)
        elif path.suffix == ".json":
            sources.forms[path.name] = source
        elif path.suffix == ".html":
            sources.documents[path.name] = source
        else:
            sources.bpmn[path.name] = source
    return sources


def region_of_path(processes_dir: Path, path: Path) -> str | None:
    """The region whose bundle a path inside processes/ belongs to; None for a path outside it."""
    try:
        relative = path.resolve().relative_to(processes_dir.resolve())
    except ValueError:
        return None
    parts = relative.parts
    if not parts or parts[0] == DEFAULT_REGION:
        return DEFAULT_REGION
    if parts[0] == _REGIONS and len(parts) > 1:
        return parts[1]
    return None
