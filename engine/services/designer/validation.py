"""Validating process files with the deploy-time checks (catalog.validate_sources), nothing stored:
- `dibao processes validate [PATHS]`: given paths, or every region's bundle;
- the designer's region as its files in processes/ are now (the JSON API's validate);
- the designer's region with its drafts laid over it (the drafts page; audited as designer.draft_validated).
Problems name file, element and line; a draft's file is named as the draft's copy (sources.DRAFT_ORIGIN).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.context import Context
from engine.errors import NotFound, Problem
from engine.policy import designer_region
from engine.services.designer.files import draft_texts, record_event
from engine.services.designer.problems import FileProblems, LocatedProblem, locate
from engine.services.designer.sources import forms_dir_with, overlay_sources
from engine.workflow.bundle import (
    RegionSources,
    directory_sources,
    file_sources,
    list_regions,
    region_dir,
    region_of_path,
    region_sources,
)
from engine.workflow.catalog import CatalogResult, validate_sources


@dataclass(frozen=True)
class ValidBundle:
    process_id: str
    title: str
    bundle_hash: str


@dataclass(frozen=True)
class ValidationReport:
    region: str
    processes: list[ValidBundle]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class DraftReport:
    region: str
    drafts: list[str]  # the draft file names the report covers
    processes: list[ValidBundle] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    located: list[LocatedProblem] = field(default_factory=list)  # the problems with file and element names

    @property
    def ok(self) -> bool:
        return not self.problems


def _valid_bundles(result: CatalogResult) -> list[ValidBundle]:
    return [ValidBundle(b.process_id, b.title, b.hash) for b in result.bundles]


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


def validate_region(ctx: Context, username: str, region: str | None = None) -> ValidationReport:
    """Validate the designer's region as its files in processes/ are now. Nothing is stored."""
    own = designer_region(ctx, username, region)
    (result,) = validate(ctx, [region_dir(ctx.settings.processes_dir, own)])
    return ValidationReport(own, _valid_bundles(result), list(result.problems))


def _checked(ctx: Context, region: str, drafts: dict[str, str]) -> tuple[RegionSources, CatalogResult]:
    sources = overlay_sources(ctx, region, drafts)
    with forms_dir_with(ctx, drafts) as forms_dir:
        return sources, validate_sources(sources, forms_dir)


def check_drafts(ctx: Context, region: str, drafts: dict[str, str]) -> CatalogResult:
    """Validate the drafts without a user check: for callers that already did it."""
    return _checked(ctx, region, drafts)[1]


def validate_draft(ctx: Context, username: str, region: str) -> DraftReport:
    """The deploy-time checks on the region with its drafts; problems name file, element and line."""
    region = designer_region(ctx, username, region)
    drafts = draft_texts(ctx, username, region)
    sources, result = _checked(ctx, region, drafts)
    problems = list(result.problems)
    report = DraftReport(region, sorted(drafts), _valid_bundles(result), problems, locate(sources, problems))
    details = {"region": region, "files": report.drafts, "ok": report.ok, "problems": len(report.problems)}
    record_event(ctx, username, "designer.draft_validated", details)
    return report


def failed_deploy_report(ctx: Context, username: str, region: str, problems: list[Problem]) -> DraftReport:
    """The report a refused deploy shows: its problems placed like 校验草稿's."""
    region = designer_region(ctx, username, region)
    drafts = draft_texts(ctx, username, region)
    located = locate(overlay_sources(ctx, region, drafts), problems)
    return DraftReport(region, sorted(drafts), [], list(problems), located)


def file_problems(ctx: Context, username: str, region: str, filename: str) -> FileProblems:
    """One file's problems in the region as it would deploy with the designer's drafts (the modeler asks
    after each save). Not audited: it changes nothing and runs on every save, unlike 校验草稿."""
    region = designer_region(ctx, username, region)
    sources, result = _checked(ctx, region, draft_texts(ctx, username, region))
    located = locate(sources, result.problems)
    own = [p for p in located if p.filename == filename]
    return FileProblems(filename, own, len(located) - len(own))
