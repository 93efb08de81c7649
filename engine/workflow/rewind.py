"""Putting a stored workflow back to an earlier step: 撤回, 退回 and the administrator's move
(docs/withdraw-and-return.md).

All three are SpiffWorkflow's ``reset_from_task_id``: the chosen completed task becomes ready again and
everything the engine did after it (its descendants in the task tree, the called processes started
under them) is dropped. Three things the library leaves to us:

- **Which task instance.** A step may have run several times (a loop, an earlier return); a return goes
  to the latest completed run of the element that lies on the current task's own path, across called
  processes; a move to the latest completed run anywhere.
- **Parallel branches.** After an AND-join fired, the rest of the process hangs under the join task of
  the branch that arrived *last*. Resetting a task of the other branch drops only its own (cancelled)
  join, so the later steps would stay alive. We therefore also reset the fired join of the same block:
  it waits again, and fires when the reopened branch arrives, as on the first pass.
- **Catch events.** Dropped waiting events stay registered with Spiff's event manager; we forget them.
- **Boundary timers.** Spiff restarts a reopened task's boundary timer from now; a legal limit
  (先行救助 within 24 hours) must not grow by being reopened, so the reopened task's timer waits for
  the deadline it was first started with.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.errors import Conflict, InvalidData
from engine.workflow.checks import element_id, user_task_properties
from engine.workflow.runtime import LoadedProcess, WorkflowRun


def rewind(run: WorkflowRun, args: Mapping[str, Any]) -> None:
    """The engine host's ``rewind`` op. ``args``: ``task_id`` (a completed task to reopen, 撤回), or
    ``element`` (a BPMN id) with ``from_task`` (the ready task that returns, 退回) or without (a move)."""
    workflow = run._workflow  # this module is the runtime's own extension (kept apart for its size)
    if args.get("task_id"):
        target = _completed_task(workflow, str(args["task_id"]))
    else:
        target = _latest_run(workflow, str(args["element"]), args.get("from_task"))
    deadlines = _waiting_timer_deadlines(target)
    removed = workflow.reset_from_task_id(target.id)
    for join in _fired_sibling_joins(workflow, target, removed):
        workflow.reset_from_task_id(join.id)
    _forget_dropped_events(workflow)
    run.advance()
    _restore_timer_deadlines(target, deadlines)


def _forget_dropped_events(workflow: Any) -> None:
    """Spiff's reset drops tasks from the tree but leaves the dropped catch events (a waiting 公示 timer)
    registered with the event manager, whose next refresh then fails on a task without a parent."""
    live = {id(workflow), *(id(sub) for sub in workflow.subprocesses.values())}
    manager = workflow.event_manager
    for task in list(manager.tasks.values()):
        if id(task.workflow) not in live or task.workflow.tasks.get(task.id) is not task:
            manager.remove_task(task)


def _completed_task(workflow: Any, spiff_task_id: str) -> Any:
    try:
        task = workflow.get_task_from_id(UUID(spiff_task_id))
    except (ValueError, KeyError, WorkflowException):
        task = None
    if task is None or not task.task_spec.manual or task.state != TaskState.COMPLETED:
        raise Conflict("该步骤在流程中已不是最近办结的状态，无法撤回")
    return task


def _latest_run(workflow: Any, element: str, from_task: str | None) -> Any:
    runs = [t for t in workflow.get_tasks(spec_name=element) if t.state == TaskState.COMPLETED]
    if from_task is not None:
        on_path = _on_path(workflow.get_task_from_id(UUID(from_task)))
        runs = [t for t in runs if id(t) in on_path]
    if not runs:
        raise InvalidData("目标步骤有误", {"to": [f"步骤 {element} 在本案件中尚未办理过，无法回到该步骤"]})
    return max(runs, key=lambda t: t.last_state_change)


def _on_path(task: Any) -> set[int]:
    """The tasks that led to `task`: its ancestors, and at an AND-join those of the other branches too
    (the tree hangs the rest of the process under one branch's join task only)."""
    seen: set[int] = set()
    frontier = [task]
    while frontier:
        for ancestor in _ancestors(frontier.pop()):
            if id(ancestor) in seen:
                break
            seen.add(id(ancestor))
            if isinstance(ancestor.task_spec, UnstructuredJoin):
                frontier.extend(
                    t
                    for t in ancestor.workflow.get_tasks(spec_name=ancestor.task_spec.name)
                    if t is not ancestor and not t.is_descendant_of(ancestor)
                )
    return seen


def _ancestors(task: Any) -> Iterator[Any]:
    """The task's ancestors, continuing from a called process into the call activity that started it."""
    while task is not None:
        parent = task.parent
        if parent is None and task.workflow.parent_task_id is not None:
            parent = task.workflow.top_workflow.get_task_from_id(task.workflow.parent_task_id)
        if parent is not None:
            yield parent
        task = parent


def _fired_sibling_joins(workflow: Any, target: Any, removed: list[Any]) -> list[Any]:
    """The fired AND-joins whose other input was one of the dropped (waiting or cancelled) join tasks."""
    join_specs = {t.task_spec for t in removed if isinstance(t.task_spec, UnstructuredJoin)}
    found = []
    for spec in join_specs:
        for task in target.workflow.get_tasks(spec_name=spec.name):
            if task.state == TaskState.COMPLETED and not target.is_descendant_of(task) and task.children:
                found.append(task)
    return found


def _boundary_timers(target: Any) -> list[Any]:
    parent = target.parent
    if parent is None or type(parent.task_spec).__name__ != "BoundaryEventSplit":
        return []
    return [t for t in parent.children if t is not target and "event_value" in t.internal_data]


def _waiting_timer_deadlines(target: Any) -> dict[str, Any]:
    """The deadlines the task's boundary timers were started with (still kept by a timer the completion
    cancelled): the reopened task's timers wait for these again."""
    return {t.task_spec.name: t.internal_data["event_value"] for t in _boundary_timers(target)}


def _restore_timer_deadlines(target: Any, deadlines: Mapping[str, Any]) -> None:
    parent = target.parent
    for task in parent.children if parent is not None else []:
        if task.task_spec.name in deadlines and task.state == TaskState.WAITING:
            task.internal_data["event_value"] = deadlines[task.task_spec.name]


def return_targets(loaded: LoadedProcess, task_name: str) -> list[tuple[str, str]]:
    """The steps the user task `task_name` declares it may send a case back to (its ``returnTargets``
    property, checked at deploy by engine.workflow.checks), as (BPMN id, name) in declared order."""
    specs = [loaded.spec, *loaded.subprocess_specs.values()]
    names = {element_id(t): t.bpmn_name or element_id(t) for s in specs for t in s.task_specs.values() if t.manual}
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if getattr(task_spec, "manual", False) and element_id(task_spec) == task_name:
                declared = split_targets(user_task_properties(task_spec).get("returnTargets"))
                return [(target, names.get(target, target)) for target in declared]
    return []


def user_task_names(loaded: LoadedProcess) -> list[tuple[str, str]]:
    """Every user task of the process and its called processes where an administrator may move a case.
    Not a 会签 step: resetting into a round would leave its members' tasks half reset; move to the step
    before it instead."""
    specs = [loaded.spec, *loaded.subprocess_specs.values()]
    rounds = {element_id(t) for s in specs for t in s.task_specs.values() if isinstance(t, MultiInstanceTask)}
    found = {element_id(t): t.bpmn_name or element_id(t) for s in specs for t in s.task_specs.values() if t.manual}
    return sorted(((key, name) for key, name in found.items() if key not in rounds), key=lambda pair: pair[1])


def split_targets(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def completed_task_ids(run: WorkflowRun) -> set[str]:
    """The ids of the completed user tasks the workflow still holds: a HumanTask row completed under an id
    that is not among them was taken back by a reset."""
    return {str(t.id) for t in run._workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.manual}
