"""What the BPMN modeler's properties panel offers a designer (web/designer/modeler_api.py), and the
check of one expression as they type it. Both scope-checked: the designer of the region only.

The options are the region's effective set with the designer's drafts over it (what deploy will
validate): forms (key, title), casework roles, document templates, processes, DMN decisions, the
decision-context panels and the parameter names. Each list is what a property of the panel may name,
so a designer picks instead of typing keys (docs/designer-modeler.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from engine.context import Context
from engine.domain.roles import CASEWORK_ROLES
from engine.domain.vocabulary import CONTEXT_PANELS, ROLE_LABELS
from engine.errors import InvalidData
from engine.policy import designer_region
from engine.services.designer.document_previews import region_documents
from engine.services.designer.files import draft_texts
from engine.services.designer.parameters import parameters_form
from engine.services.designer.sources import forms_dir_with, overlay_sources
from engine.workflow.bundle import SourceFile
from engine.workflow.dmn_subset import DMN_NAMESPACES
from engine.workflow.documents import TEMPLATE_SUFFIX
from engine.workflow.expression_checks import KINDS, expression_problem
from engine.workflow.namespaces import BPMN_NS
from engine.workflow.xmlsafe import UnsafeXml, parse_xml

_LAYOUT_PREFIX = "_"


@dataclass(frozen=True)
class Option:
    key: str
    label: str


@dataclass(frozen=True)
class EditorOptions:
    region: str
    forms: list[Option] = field(default_factory=list)
    roles: list[Option] = field(default_factory=list)
    documents: list[Option] = field(default_factory=list)
    processes: list[Option] = field(default_factory=list)
    decisions: list[Option] = field(default_factory=list)
    panels: list[Option] = field(default_factory=list)
    # The parameters a task's time limit may name (engine/workflow/due_days.py): whole working days.
    parameters: list[Option] = field(default_factory=list)


def _is_time_limit(group: str, kind: str, unit: str) -> bool:
    """A parameter a task's time limit may name: whole working days, and not a reminder rule's offset."""
    return kind == "integer" and unit == "工作日" and group != "提醒与督办"


@dataclass(frozen=True)
class ExpressionCheck:
    ok: bool
    message: str


def _form_options(forms_dir: Path) -> list[Option]:
    options: list[Option] = []
    for path in sorted(forms_dir.glob("*.json")):
        try:
            title = json.loads(path.read_text(encoding="utf-8")).get("title")
        except (OSError, ValueError, AttributeError):
            title = None  # a broken form still has a key; deploy names what is wrong with it
        options.append(Option(path.stem, str(title) if title else path.stem))
    return options


def _named(sources: dict[str, SourceFile], namespaces: Iterable[str], local_name: str) -> list[Option]:
    """Elements `local_name` with an id, from the files: (id, name or id), sorted by id."""
    found: dict[str, str] = {}
    for source in sources.values():
        try:
            root = parse_xml(source.content).getroot()
        except (UnsafeXml, etree.XMLSyntaxError):
            continue  # the drafts page reports an unreadable file; the panel offers what it can
        for element in root.iter(*(f"{{{namespace}}}{local_name}" for namespace in namespaces)):
            key = element.get("id")
            if key and element.get("isExecutable") != "false":
                found[key] = element.get("name") or key
    return [Option(key, found[key]) for key in sorted(found)]


def editor_options(ctx: Context, username: str, region: str) -> EditorOptions:
    """Everything the panel's selects offer, for the designer of `region` (PermissionDenied otherwise)."""
    region = designer_region(ctx, username, region)
    drafts = draft_texts(ctx, username, region)
    sources = overlay_sources(ctx, region, drafts)
    with forms_dir_with(ctx, drafts) as forms_dir:
        forms = _form_options(forms_dir)
    documents = [
        Option(row.filename.removesuffix(TEMPLATE_SUFFIX), row.title)
        for row in region_documents(ctx, username, region)
        if not row.filename.startswith(_LAYOUT_PREFIX)
    ]
    try:
        rows = parameters_form(ctx, username, region).rows
        parameters = [
            Option(row.name, row.entry.label)
            for row in rows
            if _is_time_limit(row.entry.group, row.entry.kind, row.entry.unit)
        ]
    except InvalidData:
        parameters = []  # a broken parameters draft: the drafts page names the problem; the panel still opens
    return EditorOptions(
        region=region,
        forms=forms,
        roles=[Option(key, label) for key, label in ROLE_LABELS.items() if key in CASEWORK_ROLES],
        documents=documents,
        processes=_named(sources.bpmn, [BPMN_NS], "process"),
        decisions=_named(sources.dmn, DMN_NAMESPACES, "decision"),
        panels=[Option(key, label) for key, label in CONTEXT_PANELS.items()],
        parameters=parameters,
    )


def check_editor_expression(ctx: Context, username: str, region: str, kind: object, text: object) -> ExpressionCheck:
    """Deploy's sandbox rules on one condition or timer expression; InvalidData for a malformed request."""
    designer_region(ctx, username, region)
    if kind not in KINDS:
        raise InvalidData("表达式类型必须是 condition（条件）或 timer（定时）", {"kind": ["未知的表达式类型"]})
    if not isinstance(text, str):
        raise InvalidData("表达式必须是文本", {"text": ["表达式必须是文本"]})
    problem = expression_problem("condition" if kind == "condition" else "timer", text)
    return ExpressionCheck(problem is None, problem or f"{KINDS[str(kind)]}可以通过部署校验")
