"""Moving one running workflow onto a newer version of its process (docs/process-migration.md).

SpiffWorkflow does the moving (``SpiffWorkflow.bpmn.util.diff``): a spec diff aligns the old version's
steps with the new one's (by BPMN id, then by structure, then by the designer's explicit mapping,
engine.workflow.migration_specs), and ``migrate_workflow`` re-points every task at its aligned spec and
resets the READY and WAITING branches so that what lies ahead is predicted from the new version.

Resetting a branch re-evaluates timer expressions (designer code), so this runs in the engine host's
child process (op ``migrate``). Two things the library does not do are done here:

* a task whose step was removed and not mapped makes the case unmovable, unless it was only a
  prediction: the case has met that step (or stands at it) and its history would point at nothing;
* a task that was waiting or ready before keeps its data and its internal data: a 公示 that started
  on day 1 still ends on day 7, whatever the new version's timer would compute today.

The result is checked by a serializer round trip with the new version's spec before it is accepted.
Nothing here touches a database: the caller decides per case, in its own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.util.diff import WorkflowDiff, migrate_workflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.errors import DibaoError
from engine.workflow.checks import element_id
from engine.workflow.host_protocol import StepResult
from engine.workflow.migration_specs import aligned_diff
from engine.workflow.runtime import LoadedProcess, UserTaskView, WorkflowRun
from engine.workflow.serializer import StateNotStorable, load_state

_KEPT_STATES = TaskState.READY | TaskState.WAITING
_JOINS = ("ParallelGateway", "InclusiveGateway", "ExclusiveGateway")


@dataclass(frozen=True)
class Step:
    """Where a case stands: a ready user task (kind ``task``) or a wait (``waiting``: a timer, a message)."""

    name: str
    title: str
    kind: str
    spiff_task_id: str


@dataclass(frozen=True)
class CaseMigration:
    """One case's migration, planned (and, when applying, carried out in memory).

    ``reason`` is set when the case cannot migrate; then nothing else after ``before`` is meaningful."""

    before: tuple[Step, ...]
    after: tuple[Step, ...] = ()
    kept: tuple[Step, ...] = ()  # open tasks that stay (named as in the new version)
    created: tuple[Step, ...] = ()
    cancelled: tuple[Step, ...] = ()
    reason: str | None = None
    result: StepResult | None = None
    # The ready user tasks before and after, for the HumanTask rows (title, form, time limit of kept ones).
    views_before: tuple[UserTaskView, ...] = ()
    views_after: tuple[UserTaskView, ...] = ()

    @property
    def ok(self) -> bool:
        return self.reason is None


class Unmovable(Exception):
    """The case cannot migrate; the message says why, in Chinese."""


def migrate_state(
    source: LoadedProcess, target: LoadedProcess, state: bytes, mapping: Mapping[str, str]
) -> tuple[CaseMigration, WorkflowRun | None]:
    """Plan and carry out the migration of one stored state; the run is None when it cannot migrate."""
    workflow = load_state(state, source.spec, source.subprocess_specs)
    workflow.script_engine = source.script_engine
    views_before = tuple(WorkflowRun(source, workflow).ready_user_tasks())
    before = _steps(workflow, views_before)
    try:
        run = _migrate(source, target, workflow, mapping)
        # The round trip with the new version's spec proves the state loads before anyone relies on it.
        reloaded = load_state(run.serialize(), target.spec, target.subprocess_specs)
        reloaded.script_engine = target.script_engine
        views_after = tuple(WorkflowRun(target, reloaded).ready_user_tasks())
    except Unmovable as refused:
        return CaseMigration(before, reason=str(refused), views_before=views_before), None
    except DibaoError as failed:
        return CaseMigration(before, reason=f"迁移后流程无法继续：{failed.message}", views_before=views_before), None
    except (WorkflowException, StateNotStorable, KeyError, ValueError, TypeError, AttributeError) as exc:
        reason = f"迁移时流程引擎出错（{type(exc).__name__}）：{str(exc)[:200]}"
        return CaseMigration(before, reason=reason, views_before=views_before), None
    after = _steps(reloaded, views_after)
    old_ids = {v.spiff_task_id for v in views_before}
    new_ids = {v.spiff_task_id for v in views_after}
    plan = CaseMigration(
        before=before,
        after=after,
        kept=tuple(s for s in after if s.kind == "task" and s.spiff_task_id in old_ids),
        created=tuple(s for s in after if s.kind == "task" and s.spiff_task_id not in old_ids),
        cancelled=tuple(s for s in before if s.kind == "task" and s.spiff_task_id not in new_ids),
        views_before=views_before,
        views_after=views_after,
    )
    return plan, run


def _migrate(source: LoadedProcess, target: LoadedProcess, workflow: Any, mapping: Mapping[str, str]) -> WorkflowRun:
    top = WorkflowDiff(workflow, aligned_diff(workflow.spec, target.spec, mapping))
    diffs: list[tuple[Any, WorkflowDiff, Any]] = [(workflow, top, target.spec)]
    for subworkflow in workflow.subprocesses.values():
        new_spec = target.subprocess_specs.get(subworkflow.spec.name)
        if new_spec is None:
            raise Unmovable(f"案件正在运行的子流程“{subworkflow.spec.name}”在新版本中已不存在")
        diff = WorkflowDiff(subworkflow, aligned_diff(subworkflow.spec, new_spec, mapping))
        diffs.append((subworkflow, diff, new_spec))
    for _, diff, _ in diffs:
        _check_removed(diff)
    kept = {
        task.id: (task.data, task.internal_data)
        for flow, _, _ in diffs
        for task in flow.get_tasks(state=_KEPT_STATES, skip_subprocesses=True)
    }
    workflow.subprocess_specs = dict(target.subprocess_specs)
    workflow.script_engine = target.script_engine  # a reset branch evaluates the new version's timers
    for flow, diff, new_spec in diffs:
        migrate_workflow(diff, flow, new_spec)
    for flow, _, _ in diffs:
        _repredict(flow)
        _check_specs(flow)
    for flow, _, _ in diffs:
        for task in flow.get_tasks(state=_KEPT_STATES, skip_subprocesses=True):
            if task.id in kept:
                task.data, task.internal_data = kept[task.id]
    run = WorkflowRun(target, workflow)
    if workflow.get_tasks(state=TaskState.READY, manual=False):
        run.advance()
    return run


def _check_removed(diff: WorkflowDiff) -> None:
    for task in diff.removed:
        if task.has_state(TaskState.PREDICTED_MASK | TaskState.FUTURE):
            continue  # not reached yet: re-predicted from the new version below (or refused by _check_specs)
        label = _label(task.task_spec)
        where = "正停在" if task.has_state(TaskState.NOT_FINISHED_MASK) else "已经过"
        raise Unmovable(f"新版本中没有步骤{label}，案件{where}该步骤；请为它指定映射")


def _repredict(flow: Any) -> None:
    """What lies after a running call activity was predicted from the old version; predict it anew."""
    for task in flow.get_tasks(state=TaskState.STARTED, skip_subprocesses=True):
        task.task_spec._predict(task, mask=TaskState.PREDICTED_MASK | TaskState.STARTED)


def _check_specs(flow: Any) -> None:
    for task in flow.tasks.values():
        if flow.spec.task_specs.get(task.task_spec.name) is not task.task_spec:
            raise Unmovable(f"新版本中没有步骤{_label(task.task_spec)}，请为它指定映射")


def _label(task_spec: Any) -> str:
    bpmn_id = element_id(task_spec)
    name = getattr(task_spec, "bpmn_name", None)
    return f"“{name}”（{bpmn_id}）" if name else f"“{bpmn_id}”"


def _steps(workflow: Any, views: tuple[UserTaskView, ...]) -> tuple[Step, ...]:
    steps = [Step(v.name, v.title, "task", v.spiff_task_id) for v in views]
    for task in workflow.get_tasks(state=TaskState.WAITING):
        spec = task.task_spec
        if getattr(spec, "bpmn_id", None) is None or type(spec).__name__ in _JOINS:
            continue  # a join waiting for its other branch is not a place the case stands
        steps.append(Step(element_id(spec), spec.bpmn_name or element_id(spec), "waiting", str(task.id)))
    return tuple(steps)
