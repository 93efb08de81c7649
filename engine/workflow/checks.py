"""Deploy-time checks of parsed specs: lanes map to roles, user tasks name existing forms, and every
script, condition, timer and DMN cell compiles in the sandbox (docs/contracts.md#engine)."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from engine.domain.roles import role_for_lane
from engine.domain.vocabulary import CONTEXT_PANELS
from engine.errors import InvalidData, NotFound, Problem
from engine.workflow import due_days, panels
from engine.workflow.copies import PROPERTY as COPIES
from engine.workflow.copies import check_copies
from engine.workflow.helpers import ENGINE_NAMES, HELPER_NAMES
from engine.workflow.namespaces import BPMN_NS
from engine.workflow.parsing import ParsedFiles
from engine.workflow.return_checks import PROPERTY as RETURN_TARGETS
from engine.workflow.return_checks import check_return_targets
from engine.workflow.sandbox import check_expression, check_names, check_script
from engine.workflow.subset import short

KNOWN_CALLABLES = HELPER_NAMES | ENGINE_NAMES

FormLoader = Callable[[str], object]
_PANEL_NAMES = "、".join(f"{name}（{title}）" for name, title in CONTEXT_PANELS.items())


def element_id(task_spec: Any) -> str:
    return str(getattr(task_spec, "bpmn_id", None) or task_spec.name)


def user_task_properties(task_spec: Any) -> dict[str, str]:
    extensions = getattr(task_spec, "extensions", None) or {}
    properties = extensions.get("properties") or {}
    return {str(k): str(v) for k, v in properties.items()}


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class PrefillSyntax(ValueError):
    """The prefill property is not a comma-separated list of `field` or `field=variable`."""


def prefill_pairs(properties: Mapping[str, str]) -> list[tuple[str, str]]:
    """The task's declared prefill as (form field, workflow variable) pairs, in declared order.

    `<spiffworkflow:property name="prefill" value="investigators, notice_text=opinion" />`: a form field
    starts from the variable of its own name, or `field=variable` from another one. Nothing else
    carries over from earlier steps (docs/step-data.md)."""
    pairs: list[tuple[str, str]] = []
    for item in (properties.get("prefill") or "").split(","):
        if not item.strip():
            continue
        field_name, _, variable = (part.strip() for part in item.partition("="))
        variable = variable or field_name
        if not (_NAME.fullmatch(field_name) and _NAME.fullmatch(variable)):
            raise PrefillSyntax(item.strip())
        pairs.append((field_name, variable))
    return pairs


def is_user_task(task_spec: Any) -> bool:
    return bool(getattr(task_spec, "manual", False))


def check_lanes(parsed: ParsedFiles) -> Iterator[Problem]:
    for origin, tree in parsed.trees.items():
        for lane in tree.iter(f"{{{BPMN_NS}}}lane"):
            name = lane.get("name") or ""
            if role_for_lane(name) is None:
                yield Problem(origin, f"泳道“{name}”不对应任何已知角色", lane.get("id"), lane.sourceline)


def _code(parsed: ParsedFiles, element: str, source: str, mode: str, what: str) -> Iterator[Problem]:
    reason = check_expression(source) if mode == "eval" else check_script(source)
    reason = reason or check_names(source, mode, KNOWN_CALLABLES)
    if reason:
        yield parsed.problem(f"{what}无法在沙箱中编译：{reason}", element)


def check_task_spec(parsed: ParsedFiles, task_spec: Any, load_form: FormLoader) -> Iterator[Problem]:
    element = element_id(task_spec)
    if is_user_task(task_spec):
        yield from _check_user_task(parsed, task_spec, element, load_form)
    script = getattr(task_spec, "script", None)
    if isinstance(script, str):
        yield from _code(parsed, element, script, "exec", "脚本")
    for attribute, what in (("prescript", "前置脚本"), ("postscript", "后置脚本")):
        source = getattr(task_spec, attribute, None)
        if isinstance(source, str) and source.strip():
            yield from _code(parsed, element, source, "exec", what)
    for condition, target in getattr(task_spec, "cond_task_specs", None) or []:
        # Spiff wraps a flow's condition text in an operator object (args[0]); the default flow has None.
        source = condition if isinstance(condition, str) else (getattr(condition, "args", None) or [None])[0]
        if isinstance(source, str):
            flow = _flow_id(parsed, element, target) or element
            yield from _code(parsed, flow, source, "eval", "顺序流条件")
    definition = getattr(task_spec, "event_definition", None)
    for event_definition in _flatten_events(definition):
        expression = getattr(event_definition, "expression", None)
        if isinstance(expression, str):
            yield from _code(parsed, element, expression, "eval", "定时器表达式")
    engine = getattr(task_spec, "dmnEngine", None)
    if engine is not None:
        yield from _check_decision_table(parsed, engine.decision_table)


def _flow_id(parsed: ParsedFiles, source: str, target: str) -> str | None:
    for tree in parsed.trees.values():
        for flow in tree.iter(f"{{{BPMN_NS}}}sequenceFlow"):
            if flow.get("sourceRef") == source and flow.get("targetRef") == target:
                return flow.get("id")
    return None


def _flatten_events(definition: Any) -> Iterator[Any]:
    if definition is None:
        return
    children = getattr(definition, "event_definitions", None)
    if children:
        for child in children:
            yield from _flatten_events(child)
    else:
        yield definition


def _check_user_task(parsed: ParsedFiles, task_spec: Any, element: str, load_form: FormLoader) -> Iterator[Problem]:
    if role_for_lane(getattr(task_spec, "lane", None)) is None:
        yield parsed.problem("用户任务不在对应已知角色的泳道中，无法确定办理角色", element)
    properties = user_task_properties(task_spec)
    form_key = properties.get("formKey")
    if not form_key:
        yield parsed.problem("用户任务未指定表单（spiffworkflow:property formKey）", element)
    else:
        try:
            form = load_form(form_key)
        except InvalidData as exc:
            yield parsed.problem(f"表单 {form_key} 定义有误：{exc.message}", element)
        except NotFound as exc:
            yield parsed.problem(f"{exc.message}（forms/definitions/ 中没有 {form_key}.json）", element)
        else:
            yield from _check_prefill(parsed, properties, element, form_key, form)
    due = properties.get(due_days.PROPERTY)
    reason = due_days.syntax_problem(due.strip()) if due is not None else None
    if reason:
        yield parsed.problem(reason, element)
    yield from _check_context_panels(parsed, task_spec, properties.get(panels.PROPERTY), element)
    yield from check_return_targets(parsed, task_spec, properties.get(RETURN_TARGETS), element)
    yield from check_copies(parsed, task_spec, properties.get(COPIES), element)  # 抄送


def _check_context_panels(parsed: ParsedFiles, task_spec: Any, value: str | None, element: str) -> Iterator[Problem]:
    if value is None:
        return
    task = f"用户任务“{short(getattr(task_spec, 'bpmn_name', None) or element)}”（{element}）"
    known, unknown = panels.split_panels(value)
    if unknown:
        names = "、".join(f"“{short(name)}”" for name in unknown)
        yield parsed.problem(
            f"{task}的 contextPanels 含有未知的决策依据面板{names}（可用：{_PANEL_NAMES}）",
            element,
        )
    elif not known:
        yield parsed.problem(f"{task}的 contextPanels 为空：请列出面板名称，或删去该属性", element)


def _check_prefill(
    parsed: ParsedFiles, properties: Mapping[str, str], element: str, form_key: str, form: object
) -> Iterator[Problem]:
    try:
        pairs = prefill_pairs(properties)
    except PrefillSyntax as exc:
        message = f"prefill 中的“{exc}”有误：应写作“字段”或“字段=流程变量”，以逗号分隔"
        yield parsed.problem(message, element)
        return
    schema = getattr(form, "schema", None) or {}
    fields = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
    for field_name, _variable in pairs:
        if field_name not in fields:
            yield parsed.problem(f"prefill 中的字段 {field_name} 不在表单 {form_key} 中", element)


def check_decision_tables(parsed: ParsedFiles) -> Iterator[Problem]:
    """Every decision table of the files, used by a task or not: a table is a file a designer can
    deploy on its own, and the what-if commands evaluate tables no task names."""
    for dmn_parser in parsed.parser.dmn_parsers.values():
        decision = getattr(dmn_parser, "decision", None)
        if decision is not None and decision.decisionTables:
            yield from _check_decision_table(parsed, decision.decisionTables[0])


def _check_decision_table(parsed: ParsedFiles, table: Any) -> Iterator[Problem]:
    for column in table.inputs:
        if column.expression:
            yield from _code(parsed, column.id, column.expression, "eval", f"决策表 {table.id} 的输入表达式")
    for rule in table.rules:
        for entry in rule.inputEntries:
            for cell in entry.lhs:
                if cell and cell.strip() not in {"-", ""}:
                    yield from _code(
                        parsed,
                        entry.id or rule.id,
                        _dmn_match(entry.input.expression, cell),
                        "eval",
                        f"决策表 {table.id} 第 {rule.row_number} 行的条件",
                    )
        for output in rule.outputEntries:
            if output.text and output.text.strip():
                yield from _code(
                    parsed,
                    output.id or rule.id,
                    output.text,
                    "eval",
                    f"决策表 {table.id} 第 {rule.row_number} 行的输出",
                )


def _dmn_match(input_expression: str, cell: str) -> str:
    """Rebuild the expression Spiff's DMNEngine.evaluate will run for a cell (docs/spiffworkflow.md#dmn)."""
    if "?" in cell:
        return cell.replace("?", "dmninputexpr")
    # DMNEngine.needs_eq asks the script engine's validate, which is ast.parse: a cell that parses on
    # its own ("north", __import__('os')) is compared with ==, anything else is glued on (< 10).
    try:
        ast.parse(cell)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return f"{input_expression}{cell}"
    return f"({input_expression}) == ({cell})"
