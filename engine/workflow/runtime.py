"""Running a deployed process: the only place BpmnWorkflow objects are created or restored.

Every workflow gets the sandboxed script engine of its definition the moment it exists, so no
code path can run a restored workflow on Spiff's default (unrestricted) engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.domain.parameters import Parameters, layered_parameters
from engine.domain.roles import role_for_lane
from engine.errors import BundleInvalid, Conflict, NotFound, WorkflowFailed
from engine.workflow.bundle import DEFAULT_REGION
from engine.workflow.catalog import bundle_forms, bundle_parameter_texts, bundle_sources
from engine.workflow.checks import element_id, user_task_properties
from engine.workflow.helpers import build_helpers
from engine.workflow.parsing import parse_files
from engine.workflow.sandbox import SandboxViolation, ScriptTimeout, find_cause, make_script_engine
from engine.workflow.serializer import dump_state, load_state
from forms import FormDefinition


@dataclass(frozen=True)
class UserTaskView:
    spiff_task_id: str
    name: str
    title: str
    role: str
    form_key: str | None
    due_working_days: int | None


@dataclass(frozen=True)
class WaitingMessage:
    """A catch event waiting for a BPMN message, with the data it would continue with."""

    name: str
    spiff_task_id: str
    data: dict[str, Any]


class LoadedProcess:
    """A deployed definition parsed once and kept: spec, sandboxed engine, parameters, forms."""

    def __init__(
        self,
        process_id: str,
        files: Mapping[str, str],
        *,
        time_budget: float = 1.0,
        today: Callable[[], date] | None = None,
        region: str = DEFAULT_REGION,
    ) -> None:
        bpmn, dmn = bundle_sources(files)
        parsed = parse_files(bpmn, dmn, validate=False)
        if parsed.problems:
            raise BundleInvalid(parsed.problems)
        self.process_id = process_id
        self.spec = parsed.parser.get_spec(process_id)
        self.subprocess_specs = parsed.parser.get_subprocess_specs(process_id)
        self.parameters: Parameters = layered_parameters(bundle_parameter_texts(files))
        self.forms: dict[str, FormDefinition] = bundle_forms(files)
        # Which messages any of its steps can catch: a run of a process that catches none (most)
        # answers waiting_messages() without looking at its tasks.
        self.message_names = frozenset(
            definition.name
            for spec in (self.spec, *self.subprocess_specs.values())
            for task_spec in spec.task_specs.values()
            for definition in _event_definitions(getattr(task_spec, "event_definition", None))
            if isinstance(definition, MessageEventDefinition)
        )
        self.script_engine = make_script_engine(build_helpers(self.parameters, today, region=region), time_budget)

    def _attach(self, workflow: BpmnWorkflow) -> BpmnWorkflow:
        # Called processes read the top workflow's engine, so setting it here covers them too.
        workflow.script_engine = self.script_engine
        return workflow

    def start(self, data: Mapping[str, Any]) -> WorkflowRun:
        workflow = self._attach(BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.script_engine))
        workflow.task_tree.data.update(data)
        run = WorkflowRun(self, workflow)
        run.advance()
        return run

    def restore(self, state: bytes) -> WorkflowRun:
        return WorkflowRun(self, self._attach(load_state(state, self.spec, self.subprocess_specs)))


class WorkflowRun:
    def __init__(self, process: LoadedProcess, workflow: BpmnWorkflow) -> None:
        self.process = process
        self._workflow = workflow

    # --- reading -----------------------------------------------------------------------------
    @property
    def completed(self) -> bool:
        return bool(self._workflow.completed)

    def ready_user_tasks(self) -> list[UserTaskView]:
        views = []
        for task in self._workflow.get_tasks(state=TaskState.READY, manual=True):
            spec = task.task_spec
            properties = user_task_properties(spec)
            due = properties.get("dueWorkingDays")
            views.append(
                UserTaskView(
                    spiff_task_id=str(task.id),
                    name=element_id(spec),
                    title=spec.bpmn_name or element_id(spec),
                    role=role_for_lane(spec.lane) or "",
                    form_key=properties.get("formKey"),
                    due_working_days=int(due) if due and due.isdigit() else None,
                )
            )
        return views

    def task_data(self, spiff_task_id: str) -> dict[str, Any]:
        return dict(self._task(spiff_task_id).data)

    def data(self) -> dict[str, Any]:
        """The process data: the end event's once completed, else what the tasks waiting to run hold
        (parallel branches merged), else the latest completed task's."""
        if self._workflow.completed:
            return dict(self._workflow.data)
        merged: dict[str, Any] = {}
        for task in self._workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
            merged.update(task.data)
        if merged:
            return merged
        finished = self._workflow.get_tasks(state=TaskState.COMPLETED)
        latest = max(finished, key=lambda t: t.last_state_change, default=None)
        return dict(latest.data) if latest is not None else dict(self._workflow.task_tree.data)

    def next_timer_at(self) -> datetime | None:
        """The earliest deadline of any waiting timer, as naive UTC (spiffworkflow-notes §3)."""
        deadlines = [
            d
            for task in self._workflow.get_tasks(state=TaskState.WAITING)
            for d in _deadlines(task.internal_data.get("event_value"))
        ]
        return min(deadlines) if deadlines else None

    def waiting_messages(self) -> list[WaitingMessage]:
        if not self.process.message_names:
            return []
        return [
            WaitingMessage(definition.name, str(task.id), dict(task.data))
            for task in self._workflow.get_tasks(state=TaskState.WAITING)
            for definition in _event_definitions(getattr(task.task_spec, "event_definition", None))
            if isinstance(definition, MessageEventDefinition)
        ]

    def element_states(self) -> dict[str, dict[str, str]]:
        """Process id → {BPMN element id → "done" | "active"}, for drawing the case's diagrams.

        COMPLETED tasks are done; READY, WAITING, STARTED (a running call activity) and ERROR ones are
        where the case is now. An element met more than once (a loop, a second 公示) is active if any of
        its tasks is. Predicted (FUTURE/LIKELY/MAYBE) and cancelled tasks are left out, as are Spiff's own
        bookkeeping specs, which have no BPMN id. Called processes are keyed by their own process id."""
        active = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
        states: dict[str, dict[str, str]] = {}
        for workflow in (self._workflow, *self._workflow.subprocesses.values()):
            elements = states.setdefault(str(workflow.spec.name), {})
            for task in workflow.tasks.values():
                bpmn_id = getattr(task.task_spec, "bpmn_id", None)
                if bpmn_id is None:
                    continue
                if task.state & active:
                    elements[str(bpmn_id)] = "active"
                elif task.state == TaskState.COMPLETED:
                    elements.setdefault(str(bpmn_id), "done")
        return states

    # --- changing ----------------------------------------------------------------------------
    def send_message(self, name: str, payload: Mapping[str, Any]) -> None:
        """Deliver a message (an objection, a withdrawal) to the catch event waiting for it.

        Events match on the Spiff dialect's class plus name (spiffworkflow-notes §7), so the message
        is built from that class; the payload lands in the catch event's messageVariable."""
        event = BpmnEvent(MessageEventDefinition(name), payload=dict(payload))
        if not self._workflow.get_tasks(catches_event=event):
            raise Conflict(f"流程当前没有在等待消息“{name}”")
        with _engine_errors():
            self._workflow.send_event(event)
        self.advance()

    def complete(self, spiff_task_id: str, data: Mapping[str, Any]) -> None:
        task = self._task(spiff_task_id)
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise Conflict("该任务已不在待办状态")
        task.data.update(data)
        with _engine_errors():
            task.run()
        self.advance()

    def advance(self) -> None:
        with _engine_errors():
            # refresh first: do_engine_steps only refreshes at its end (spiffworkflow-notes §3).
            self._workflow.refresh_timers()
            self._workflow.do_engine_steps()

    def serialize(self) -> bytes:
        return dump_state(self._workflow)

    def _task(self, spiff_task_id: str) -> Any:
        try:
            task = self._workflow.get_task_from_id(UUID(spiff_task_id))
        except (ValueError, KeyError, WorkflowException):
            task = None
        if task is None:
            raise NotFound(f"流程中没有任务 {spiff_task_id}")
        return task


def _event_definitions(definition: Any) -> list[Any]:
    """An event-based gateway waits on a MultipleEventDefinition holding its branches' definitions."""
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition] if definition is not None else []


def _deadlines(value: Any) -> Iterator[datetime]:
    """Timer values are ISO strings, or (cycle timers) dicts with 'next'; gateways nest them."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        yield moment
    elif isinstance(value, dict):
        for item in [value["next"]] if "next" in value else value.values():
            yield from _deadlines(item)
    elif isinstance(value, list):
        for item in value:
            yield from _deadlines(item)


@contextmanager
def _engine_errors() -> Iterator[None]:
    """Translate whatever the engine raises into WorkflowFailed naming the BPMN element."""
    try:
        yield
    except (Conflict, NotFound):
        raise
    except Exception as exc:
        spec = getattr(exc, "task_spec", None)
        element = element_id(spec) if spec is not None else None
        label = (getattr(spec, "bpmn_name", None) or element) if spec is not None else None
        where = f"在“{label}”（{element}）" if element else ""
        if find_cause(exc, ScriptTimeout) is not None:
            message = f"{where}脚本运行超时，已中止并回到上一个正常状态"
        elif (violation := find_cause(exc, SandboxViolation)) is not None:
            message = f"{where}脚本违反沙箱限制：{violation}"
        else:
            message = f"{where}流程执行出错：{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        raise WorkflowFailed(message, element) from exc
