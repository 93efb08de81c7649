"""Testing one DMN decision table by its columns: the designer's 测试决策表 page.

The designer types a value for each input column (the value its input expression would give, e.g. the
amount for `float(requested_amount)`), and sees which rows match and what they output. The table is
parsed by the hardened parser with the DMN subset checks (engine.workflow.parsing) and run by Spiff's
own DMNEngine on the same sandboxed script engine a business rule task gets (the region's helpers and
parameters, the script time budget): only the input expressions are replaced by the typed values, so
every cell is evaluated exactly as at run time. Nothing is stored.

A draft's cells are designer code: the parent only parses (`table_shape`); `run_table` runs in the engine
host's child process (op `decision_test`, engine.workflow.host), under its memory and time limits, like
the dry run, never in a web process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.domain.parameters import layered_parameters
from engine.errors import BundleInvalid, Problem
from engine.workflow.bundle import SourceFile
from engine.workflow.decisions import _Call
from engine.workflow.helpers import build_helpers
from engine.workflow.parsing import parse_files
from engine.workflow.sandbox import SandboxViolation, ScriptTimeout, find_cause, make_script_engine

# The task-data key a column's typed value is given under (a plain name: the sandbox refuses `_x`).
_COLUMN_VARIABLE = "dibao_test_column_{}"


@dataclass(frozen=True)
class TableColumn:
    id: str
    label: str  # the column's label, else its expression
    expression: str
    type_ref: str  # "string", "number", "integer", "boolean", "date" … ("" when the file gives none)


@dataclass(frozen=True)
class TableShape:
    decision_id: str
    name: str
    hit_policy: str
    inputs: tuple[TableColumn, ...]
    outputs: tuple[TableColumn, ...]  # expression = the output's name (the data key it writes)


@dataclass(frozen=True)
class MatchedRule:
    row: int  # 1-based, as the editor numbers rows
    description: str  # the row's annotation
    outputs: dict[str, Any]


@dataclass(frozen=True)
class TableRun:
    matched: tuple[MatchedRule, ...]
    error: str | None = None  # a failing cell, a time-out or a sandbox violation, in Chinese


def _engine(origin: str, content: bytes) -> tuple[Any, str, str]:
    """Spiff's DMNEngine for the file's one decision, its id and name; BundleInvalid (in Chinese) when
    the file does not parse."""
    parsed = parse_files({}, {origin: content})
    if parsed.problems:
        raise BundleInvalid(parsed.problems)
    decisions = [d for d, p in parsed.parser.dmn_parsers.items() if p.filename == origin]
    if len(decisions) != 1:
        raise BundleInvalid([Problem(origin, "文件中没有可执行的决策表")])
    try:
        engine = parsed.parser.get_engine(decisions[0], None)
        return engine, decisions[0], parsed.parser.dmn_parsers[decisions[0]].get_name() or ""
    except ValidationException as exc:
        raise BundleInvalid([Problem(origin, f"决策表无法解析：{str(exc).splitlines()[0]}", decisions[0])]) from exc


def table_shape(origin: str, content: bytes) -> TableShape:
    """The decision's columns, for the test form. BundleInvalid when the file does not parse."""
    engine, decision_id, name = _engine(origin, content)
    table = engine.decision_table
    inputs = tuple(
        TableColumn(i.id, i.label or i.expression or i.id, i.expression or "", (i.typeRef or "").strip())
        for i in table.inputs
    )
    outputs = tuple(
        TableColumn(o.id, o.label or o.name or o.id, o.name or "", (o.typeRef or "").strip()) for o in table.outputs
    )
    return TableShape(decision_id, table.name or name or decision_id, table.hit_policy, inputs, outputs)


def _failure(exc: Exception) -> str:
    if (timeout := find_cause(exc, ScriptTimeout)) is not None:
        return f"决策表运行超时：{timeout.message}"
    if (violation := find_cause(exc, SandboxViolation)) is not None:
        return f"决策表违反沙箱限制：{violation}"
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"决策表运行出错：{first}"


def run_table(
    origin: str,
    content: bytes,
    values: Mapping[str, Any],
    parameters: list[SourceFile],
    *,
    region: str,
    time_budget: float,
    calendar_dir: Path,
) -> TableRun:
    """Which rows of the table match when input column `id` has value `values[id]`, with their outputs.

    Rows are tried top down as a business rule task tries them: UNIQUE and FIRST stop at the first
    match, COLLECT gives every match. A column with no value in `values` (another version of the file
    may have different columns) is reported as an error, as is a failing cell.
    """
    engine, decision_id, _ = _engine(origin, content)
    table = engine.decision_table
    data: dict[str, Any] = {}
    for index, column in enumerate(table.inputs, start=1):
        if column.id not in values:
            return TableRun((), f"此版本的输入列“{column.label or column.id}”在测试表单中没有对应的值")
        variable = _COLUMN_VARIABLE.format(index)
        column.expression = variable  # the typed value stands for what the input expression would give
        data[variable] = values[column.id]
    layered = layered_parameters((p.origin, p.content.decode("utf-8", errors="replace")) for p in parameters)
    script_engine = make_script_engine(
        build_helpers(layered, None, region=region, calendar_dir=calendar_dir), time_budget
    )
    call = _Call(data, script_engine, decision_id, origin)
    try:
        rules = engine.decide(call)
        if table.hit_policy != "COLLECT":  # DMNEngine.result takes the first of them (FIRST, UNIQUE …)
            rules = rules[:1]
        matched = tuple(
            MatchedRule(rule.row_number, (rule.description or "").strip(), dict(rule.output_as_dict(call)))
            for rule in rules
        )
    except Exception as exc:  # a cell's error, wrapped by Spiff; the sandbox's own errors among them
        return TableRun((), _failure(exc))
    return TableRun(matched)


def run_table_request(args: Mapping[str, Any]) -> TableRun:
    """`run_table` as the engine host's child runs it, from the request's arguments (EngineHost.decision_test)."""
    return run_table(
        args["origin"],
        args["content"],
        args["values"],
        args["parameters"],
        region=args["region"],
        time_budget=args["time_budget"],
        calendar_dir=args["calendar_dir"],
    )
