"""Validate a region's process files and cut them into per-process bundles (docs/contracts.md#engine).

A bundle is everything one process needs to run: its BPMN file, the files of the processes it calls
(transitively), the DMN files of the decisions they use, the layered parameters and the forms its
user tasks name. Its sha256 decides whether deploying makes a new version.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.task_spec import SpiffTaskParser

from engine.domain.parameters import layered_parameters, parameter_problems
from engine.errors import InvalidData, Problem
from engine.workflow.bundle import RegionSources, SourceFile
from engine.workflow.checks import check_decision_tables, check_lanes, check_task_spec, user_task_properties
from engine.workflow.document_checks import bundle_documents, check_documents, template_texts
from engine.workflow.due_days import check_due_parameters
from engine.workflow.namespaces import BPMN_NS
from engine.workflow.parsing import ParsedFiles, missing_called_process, missing_decision, parse_files, translate
from engine.workflow.starters import check_start_roles
from forms import FormDefinition, form_exists, load_form
from forms.definition import definition_file_problems
from forms.overrides import load_regional_form, override_file_problems

log = logging.getLogger(__name__)

# A process may have a start form, forms/definitions/<process_id>_start.json, for its start data.
START_FORM_SUFFIX = "_start"
BPMN_PREFIX, DMN_PREFIX, PARAM_PREFIX, FORM_PREFIX = "bpmn/", "dmn/", "parameters/", "forms/"
# What a designer sees if the checks themselves fail; tests assert it never appears on real input.
INTERNAL_ERROR = "校验器内部错误：已记入系统日志，请联系系统管理员（文件未部署）"


@dataclass(frozen=True)
class ProcessBundle:
    process_id: str
    title: str
    files: dict[str, str]
    hash: str


@dataclass
class CatalogResult:
    region: str
    bundles: list[ProcessBundle]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def bundle_hash(files: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return digest.hexdigest()


def _form_loader(forms_dir: Path, used: dict[str, FormDefinition], sources: RegionSources) -> Callable[[str], object]:
    """Loads each form once; a form the region overrides (forms/overrides.py) with the region's changes."""
    overrides = sources.form_overrides

    def load(key: str) -> object:
        if key not in used:
            override = overrides.get(key)
            if override is None:
                used[key] = load_form(key, forms_dir)
            else:
                text = override.content.decode("utf-8", errors="replace")
                used[key] = load_regional_form(key, forms_dir, text, override.origin, sources.region)
        return used[key]

    return load


def validate_sources(sources: RegionSources, forms_dir: Path) -> CatalogResult:
    """Every problem of the region's files, or its bundles when there is none. Total: whatever the
    files hold, the answer is a result; an exception here is a bug of the checks, which the last
    guard turns into a problem saying so (and logs with its trace) rather than a crash."""
    try:
        return _validate(sources, forms_dir)
    except Exception:
        log.exception("validator failed on region %s", sources.region)
        where = ", ".join(f.origin for f in [*sources.bpmn.values(), *sources.dmn.values()][:3]) or sources.region
        return CatalogResult(sources.region, [], [Problem(where, INTERNAL_ERROR)])


def _validate(sources: RegionSources, forms_dir: Path) -> CatalogResult:
    origins = {f.origin: f for f in [*sources.bpmn.values(), *sources.dmn.values()]}
    parsed = parse_files(
        {f.origin: f.content for f in sources.bpmn.values()},
        {f.origin: f.content for f in sources.dmn.values()},
    )
    problems = list(parsed.problems)
    forms_used: dict[str, FormDefinition] = {}
    load = _form_loader(forms_dir, forms_used, sources)
    problems.extend(check_lanes(parsed))
    problems.extend(check_start_roles(parsed.trees))
    problems.extend(check_decision_tables(parsed))
    specs = _check_processes(parsed, load, problems)
    for process_id in specs:
        if form_exists(f"{process_id}{START_FORM_SUFFIX}", forms_dir):
            try:
                load(f"{process_id}{START_FORM_SUFFIX}")
            except InvalidData as exc:
                problems.append(Problem(f"forms/definitions/{process_id}{START_FORM_SUFFIX}.json", exc.message))
    for source in sources.forms.values():
        problems.extend(_form_file_problems(source, forms_dir))
    for key, source in sources.form_overrides.items():  # checked on their own, used by a task or not
        problems.extend(override_file_problems(key, source.content, source.origin, forms_dir, sources.region))
    parameter_files = _parameter_files(sources, problems)
    if parameter_files and not problems:
        problems.extend(check_due_parameters(parsed, layered_parameters(parameter_files.items())))
    templates = template_texts(sources.documents, problems)
    problems.extend(check_documents(parsed, sources.documents, templates, load))
    if problems:
        return CatalogResult(sources.region, [], _unique(problems))
    bundles = [
        _bundle(parsed, process_id, origins, parameter_files, forms_used, templates) for process_id in sorted(specs)
    ]
    return CatalogResult(sources.region, bundles, [])


def _check_processes(parsed: ParsedFiles, load: Callable[[str], object], problems: list[Problem]) -> dict[str, Any]:
    """The spec of every process the files declare, checking each task of it and of its sub-processes."""
    specs: dict[str, Any] = {}
    checked: set[str] = set()
    # Parsing a process registers its embedded sub-processes as processes of their own, so the
    # processes the files declare are taken before anything is parsed (issue 23).
    for process_id in list(parsed.parser.process_parsers):
        try:
            spec = parsed.parser.get_spec(process_id)
            subprocess_specs = parsed.parser.get_subprocess_specs(process_id)
        except ValidationException as exc:
            problem = _spec_problem(parsed, exc, process_id)
            problems.extend([problem] if problem else [])
            continue
        specs[process_id] = spec
        origin = getattr(parsed.parser.process_parsers[process_id], "filename", None)
        # Embedded sub-processes are only reachable through their parent's specs: check them here.
        for each in (spec, *subprocess_specs.values()):
            if each is not None and each.name not in checked:
                checked.add(each.name)
                for task_spec in each.task_specs.values():
                    problems.extend(parsed.placed_in(p, origin) for p in check_task_spec(parsed, task_spec, load))
    return specs


def _form_file_problems(source: SourceFile, forms_dir: Path) -> list[Problem]:
    try:
        text = source.content.decode("utf-8")
    except UnicodeDecodeError:
        return [Problem(source.origin, "表单定义必须是 UTF-8 编码的文本")]
    return definition_file_problems(Path(source.name).stem, text, source.origin, forms_dir)


def _spec_problem(parsed: ParsedFiles, exc: ValidationException, process_id: str) -> Problem | None:
    """Spiff names no element for a missing called process; find the call activity ourselves.
    None when the missing process or decision is in a file already refused (reported there)."""
    element = exc.id or process_id
    missing = missing_called_process(exc)
    if (missing or missing_decision(exc)) in parsed.refused:
        return None
    if missing:
        for tree in parsed.trees.values():
            for node in tree.iter(f"{{{BPMN_NS}}}callActivity"):
                if node.get("calledElement") == missing:
                    element = node.get("id") or element
    return parsed.problem(translate(exc), element, exc.file_name or None)


def _unique(problems: list[Problem]) -> list[Problem]:
    """Each problem once: Spiff and our checks may both report one cell, one of them without its line."""
    kept = list(dict.fromkeys(problems))
    with_line = {(p.file, p.message, p.element) for p in kept if p.line is not None}
    return [p for p in kept if p.line is not None or (p.file, p.message, p.element) not in with_line]


def _parameter_files(sources: RegionSources, problems: list[Problem]) -> dict[str, str]:
    files: dict[str, str] = {}
    for index, source in enumerate(sources.parameters):
        try:
            text = source.content.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(source.origin, "参数文件必须是 UTF-8 编码的文本"))
            continue
        problems.extend(parameter_problems(text, source.origin))
        # The index keeps the layering order (default first) when the files are read back.
        files[f"{PARAM_PREFIX}{index}.toml"] = text
    return files


def _bundle(
    parsed: ParsedFiles,
    process_id: str,
    origins: Mapping[str, Any],
    parameter_files: dict[str, str],
    forms: Mapping[str, FormDefinition],
    templates: Mapping[str, str],
) -> ProcessBundle:
    parser = parsed.parser
    process_ids = [process_id, *parser.get_subprocess_specs(process_id)]
    files: dict[str, str] = dict(parameter_files)
    files.update(bundle_documents(parsed, process_ids, templates))
    for pid in process_ids:
        process_parser = parser.get_process_parser(pid)
        source = origins[process_parser.filename]
        files[f"{BPMN_PREFIX}{source.name}"] = source.content.decode()
        for node in process_parser.node.iter(f"{{{BPMN_NS}}}businessRuleTask"):
            decision = SpiffTaskParser._parse_extensions(node).get("calledDecisionId")
            dmn_source = origins[parser.dmn_parsers[decision].filename]
            files[f"{DMN_PREFIX}{dmn_source.name}"] = dmn_source.content.decode()
    spec = parser.get_spec(process_id)
    subprocess_specs = parser.get_subprocess_specs(process_id)
    task_specs = [*spec.task_specs.values(), *(t for s in subprocess_specs.values() for t in s.task_specs.values())]
    form_keys = [user_task_properties(t).get("formKey") for t in task_specs] + [f"{process_id}{START_FORM_SUFFIX}"]
    for form_key in form_keys:
        if form_key and form_key in forms:
            files[f"{FORM_PREFIX}{form_key}.json"] = json.dumps(
                dict(forms[form_key].schema), ensure_ascii=False, indent=1, sort_keys=True
            )
    # A nameless (or blank) process is listed under its id rather than as an empty title.
    title = (parser.get_process_parser(process_id).node.get("name") or "").strip() or process_id
    return ProcessBundle(process_id, title, files, bundle_hash(files))


def bundle_sources(files: Mapping[str, str]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    bpmn = {name: text.encode() for name, text in files.items() if name.startswith(BPMN_PREFIX)}
    dmn = {name: text.encode() for name, text in files.items() if name.startswith(DMN_PREFIX)}
    return bpmn, dmn


def bundle_forms(files: Mapping[str, str]) -> dict[str, FormDefinition]:
    forms: dict[str, FormDefinition] = {}
    for name, text in files.items():
        if name.startswith(FORM_PREFIX):
            key = name[len(FORM_PREFIX) :].removesuffix(".json")
            forms[key] = FormDefinition.from_json(key, text)
    return forms


def bundle_parameter_texts(files: Mapping[str, str]) -> list[tuple[str, str]]:
    return [(name, files[name]) for name in sorted(files) if name.startswith(PARAM_PREFIX)]
