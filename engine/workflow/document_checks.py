"""Deploy-time checks of document templates and of the elements that issue them (docs/documents.md).

Every element's ``documents`` must name templates the region has; every template must compile in the
sandbox and read only the declared context (engine.documents.templates), a step's form values only
from the issuing step's form. A bundle carries the templates its processes declare, with the layouts
they extend, so a template change gives those processes a new version and running cases keep theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from engine.documents.templates import template_problems, templates_used
from engine.errors import InvalidData, NotFound, Problem
from engine.workflow.bundle import SourceFile
from engine.workflow.documents import TEMPLATE_PREFIX, Declaration, declarations, template_file
from engine.workflow.parsing import ParsedFiles

LAYOUT_PREFIX = "_"  # "_layout.html": extended by documents, never issued on its own


def template_texts(documents: Mapping[str, SourceFile], problems: list[Problem]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for name, source in documents.items():
        try:
            texts[name] = source.content.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(source.origin, "文书模板必须是 UTF-8 编码的文本"))
    return texts


def check_documents(
    parsed: ParsedFiles,
    documents: Mapping[str, SourceFile],
    texts: Mapping[str, str],
    load_form: Callable[[str], object],
) -> list[Problem]:
    problems: list[Problem] = []
    checked: set[str] = set()
    for declaration in declarations(parsed.trees.values()):
        problems.extend(_declaration_problems(parsed, declaration, documents, texts, load_form, checked))
    for name, source in documents.items():
        if name not in checked and not name.startswith(LAYOUT_PREFIX) and name in texts:
            problems.extend(Problem(source.origin, message) for message in template_problems(name, texts))
    return problems


def _declaration_problems(
    parsed: ParsedFiles,
    declaration: Declaration,
    documents: Mapping[str, SourceFile],
    texts: Mapping[str, str],
    load_form: Callable[[str], object],
    checked: set[str],
) -> Iterable[Problem]:
    element = declaration.element_id or declaration.process_id
    what = f"“{declaration.element_name}”" if declaration.element_id else f"流程 {declaration.process_id}"
    if not declaration.documents:
        yield parsed.problem(f"{what}的 documents 为空：请列出文书模板名称，或删去该属性", element)
    step_fields = _form_fields(declaration.form_key, load_form)
    for document in declaration.documents:
        name = template_file(document)
        if name not in documents:
            yield parsed.problem(f"{what}出具的文书 {document} 没有模板（documents/{name}）", element)
            continue
        if name in texts:
            checked.add(name)
            origin = documents[name].origin
            yield from (Problem(origin, message) for message in template_problems(name, texts, step_fields))


def _form_fields(form_key: str | None, load_form: Callable[[str], object]) -> frozenset[str] | None:
    if not form_key:
        return None
    try:
        form = load_form(form_key)
    except (InvalidData, NotFound):
        return None  # the task's own check reports the form
    schema = getattr(form, "schema", None) or {}
    properties = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
    return frozenset(str(key) for key in properties)


def bundle_documents(parsed: ParsedFiles, process_ids: Iterable[str], texts: Mapping[str, str]) -> dict[str, str]:
    """The bundle files ("documents/<name>.html") of the templates the processes declare, with their layouts."""
    wanted = set(process_ids)
    names: set[str] = set()
    for declaration in declarations(parsed.trees.values()):
        if declaration.process_id in wanted:
            for document in declaration.documents:
                names |= templates_used(template_file(document), texts)
    return {f"{TEMPLATE_PREFIX}{name}": texts[name] for name in sorted(names) if name in texts}
