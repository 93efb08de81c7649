"""Evaluating one DMN decision table outside a running workflow (a what-if: `dibao assess-temporary`).

A case evaluates a table through a business rule task of its BPMN. A what-if has no workflow, yet
must give the same answer, so it runs the same table, of the region's effective file set, with
Spiff's own DMNEngine on the same sandboxed script engine (the region's helpers and parameters) as
a deployed process would: the table stays the one source of truth for what it decides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.domain.parameters import layered_parameters
from engine.errors import BundleInvalid, Problem, WorkflowFailed
from engine.workflow.bundle import RegionSources
from engine.workflow.helpers import build_helpers
from engine.workflow.parsing import parse_files
from engine.workflow.sandbox import SandboxViolation, ScriptTimeout, find_cause, make_script_engine


@dataclass(frozen=True)
class _Named:
    """Stands in for a task spec or a workflow spec: error messages read only these names."""

    bpmn_name: str
    file: str


class _Call:
    """What DMNEngine needs of a task: its data and a workflow holding the script engine.

    DMNEngine reads only `task.data` and `task.workflow.script_engine`; the rest is what Spiff's
    WorkflowTaskException reads when it wraps an error in a cell (the task spec's name, the file and
    the workflow stack, which has one level here), so a failing cell still says where it failed.
    """

    def __init__(self, data: dict[str, Any], script_engine: Any, decision_id: str, origin: str) -> None:
        self.data = data
        self.script_engine = script_engine
        self.task_spec = _Named(decision_id, origin)
        self.spec = _Named(decision_id, origin)
        self.workflow = self
        self.top_workflow = self


def evaluate_decision(
    sources: RegionSources,
    decision_id: str,
    data: Mapping[str, Any],
    *,
    time_budget: float = 1.0,
    today: Callable[[], date] | None = None,
    calendar_dir: Path,
) -> dict[str, Any]:
    """The outputs of decision table `decision_id` of the region's files for task data `data`.

    As in a business rule task: the first matching row wins (docs/spiffworkflow.md#dmn), outputs are
    keyed by their output name, and no match gives {}. BundleInvalid when the region's DMN files do
    not parse or hold no such table; WorkflowFailed when a cell fails or exceeds the time budget.
    """
    dmn = {f.origin: f.content for f in sources.dmn.values()}
    parsed = parse_files({}, dmn)
    if parsed.problems:
        raise BundleInvalid(parsed.problems)
    parser = parsed.parser
    if decision_id not in parser.dmn_parsers:
        raise BundleInvalid([Problem(f"regions/{sources.region}", f"引用的决策表 {decision_id} 不存在")])
    origin = parser.dmn_parsers[decision_id].filename or decision_id
    try:
        engine = parser.get_engine(decision_id, None)
    except ValidationException as exc:
        raise BundleInvalid([Problem(origin, f"决策表无法解析：{str(exc).splitlines()[0]}", decision_id)]) from exc
    parameters = layered_parameters(
        (source.origin, source.content.decode("utf-8", errors="replace")) for source in sources.parameters
    )
    script_engine = make_script_engine(
        build_helpers(parameters, today, region=sources.region, calendar_dir=calendar_dir), time_budget
    )
    call = _Call(dict(data), script_engine, decision_id, origin)
    try:
        result: dict[str, Any] = engine.result(call)
    except Exception as exc:
        if find_cause(exc, ScriptTimeout) is not None:
            message = f"决策表 {decision_id} 运行超时"
        elif (violation := find_cause(exc, SandboxViolation)) is not None:
            message = f"决策表 {decision_id} 违反沙箱限制：{violation}"
        else:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            message = f"决策表 {decision_id} 运行出错：{first}"
        raise WorkflowFailed(message, decision_id) from exc
    return result
