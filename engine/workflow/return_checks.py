"""Deploy-time check of a user task's ``returnTargets`` (docs/withdraw-and-return.md): every step it may
send a case back to exists, is a user task of the same process, and comes before it on the flow graph."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.errors import Problem
from engine.workflow.parsing import ParsedFiles

PROPERTY = "returnTargets"


def _id(task_spec: Any) -> str:
    return str(getattr(task_spec, "bpmn_id", None) or task_spec.name)


def check_return_targets(parsed: ParsedFiles, task_spec: Any, value: str | None, element: str) -> Iterator[Problem]:
    if value is None:
        return
    targets = [part.strip() for part in value.split(",") if part.strip()]
    task = f"任务“{getattr(task_spec, 'bpmn_name', None) or element}”"
    if not targets:
        yield parsed.problem(f"{task}的 returnTargets 为空：请列出可退回的步骤标识，或删去该属性", element)
        return
    by_id = {_id(spec): spec for spec in task_spec._wf_spec.task_specs.values()}
    for target in targets:
        spec = by_id.get(target)
        if spec is None:
            yield parsed.problem(f"{task}的退回步骤 {target} 不存在于本流程中", element)
        elif not getattr(spec, "manual", False):
            yield parsed.problem(f"{task}的退回步骤 {target} 不是用户任务", element)
        elif target == element or not _precedes(spec, task_spec):
            yield parsed.problem(f"{task}的退回步骤 {target} 不在本任务之前（流程图上到不了本任务）", element)


def _precedes(target: Any, task: Any) -> bool:
    """The process can reach `target` before it first reaches `task`, and go on from `target` to `task`.
    (In a loop everything reaches everything: a step met only after the task does not precede it.)"""
    before = _reachable(task._wf_spec.start, stop=task)
    return id(target) in before and id(task) in _reachable(target, stop=None)


def _reachable(start: Any, stop: Any) -> set[int]:
    """The specs reachable from `start` without going on from `stop`."""
    seen, frontier = set(), [start]
    while frontier:
        spec = frontier.pop()
        if id(spec) in seen:
            continue
        seen.add(id(spec))
        if spec is not stop:
            frontier.extend(spec.outputs)
    return seen
