"""Running a deployed process: the only place BpmnWorkflow objects are created or restored.

Every workflow gets the sandboxed script engine of its definition the moment it exists, so no
code path can run a restored workflow on Spiff's default (unrestricted) engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.clock import china_today
from engine.domain.parameters import Parameters, layered_parameters
from engine.domain.roles import role_for_lane
from engine.errors import BundleInvalid, Conflict, InvalidData, NotFound, WorkflowFailed
from engine.workflow import countersign
from engine.workflow.bundle import DEFAULT_REGION
from engine.workflow.catalog import bundle_forms, bundle_parameter_texts, bundle_sources
from engine.workflow.checks import PrefillSyntax, element_id, prefill_pairs, user_task_properties
from engine.workflow.documents import bundle_templates, documents_by_element
from engine.workflow.due_days import PROPERTY, due_days
from engine.workflow.helpers import build_helpers
from engine.workflow.panels import context_panels
from engine.workflow.parsing import parse_files
from engine.workflow.sandbox import (
    SandboxViolation,
    ScriptRaisedBaseException,
    ScriptTimeout,
    find_cause,
    make_read_only_engine,
    make_script_engine,
)
from engine.workflow.sandbox_limits import SandboxLimitExceeded
from engine.workflow.serializer import StateNotStorable, dump_state, load_state
from engine.workflow.storable import Unstorable, check_storable
from engine.workflow.task_forms import validate_task_form
from engine.workflow.timer_values import boundary_deadline, event_definitions, timer_deadlines
from forms import FormDefinition


@dataclass(frozen=True)
class UserTaskView:
    spiff_task_id: str
    name: str
    title: str
    role: str
    form_key: str | None
    due_working_days: int | None
    context_panels: tuple[str, ...] = ()  # docs/decision-context.md
    # The hour deadline of a timer on the task's boundary (先行救助 within 24 hours), naive UTC: a step
    # whose time limit is a timer is due when the timer fires, not at the end of a working day.
    deadline: datetime | None = None
    # 会签: the member this instance of a multi-instance task is for (engine.workflow.countersign).
    member: dict[str, Any] | None = None


# Automatic steps (scripts, gateways, rules) one advance may run: the national processes run a few
# dozen; a loop whose condition never turns is stopped here, naming the step it was at.
MAX_ENGINE_STEPS = 400


class EndlessSteps(Exception):
    def __init__(self, task_spec: Any) -> None:
        self.task_spec = task_spec
        super().__init__(f"连续执行了 {MAX_ENGINE_STEPS} 个自动步骤仍未停下（可能是没有出口的循环），已中止")


@dataclass(frozen=True)
class FormCompletion:
    """A completed user task: its data before, and the validated form data it was completed with."""

    before: dict[str, Any]
    clean: dict[str, Any]


@dataclass(frozen=True)
class WaitingMessage:
    """A catch event waiting for a BPMN message, with the data it would continue with."""

    name: str
    spiff_task_id: str
    data: dict[str, Any]
    # When the wait ends without the message: the deadline of a timer racing it (an event-based
    # gateway's other branch, e.g. the end of a 公示), naive UTC; None if nothing races it.
    deadline: datetime | None = None


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
        calendar_dir: Path,
        read_only: bool = False,
    ) -> None:
        """`read_only`: for restoring stored states to read them; no script, condition or DMN cell
        can run (the parent side of engine.workflow.host)."""
        bpmn, dmn = bundle_sources(files)
        parsed = parse_files(bpmn, dmn, validate=False)
        if parsed.problems:
            raise BundleInvalid(parsed.problems)
        self.process_id = process_id
        self.region = region
        self.calendar_dir = calendar_dir
        self.files: Mapping[str, str] = dict(files)
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
            for definition in event_definitions(getattr(task_spec, "event_definition", None))
            if isinstance(definition, MessageEventDefinition)
        )
        # Each user task's decision-context panels, by BPMN id (a called process's tasks included), so a
        # task page finds them without restoring anything.
        self.context_panels: dict[str, tuple[str, ...]] = {}
        for spec in (self.spec, *self.subprocess_specs.values()):
            for task_spec in spec.task_specs.values():
                if getattr(task_spec, "manual", False):
                    self.context_panels.setdefault(
                        element_id(task_spec), context_panels(user_task_properties(task_spec))
                    )
        # (process id, element id) → the documents it issues, and the templates the bundle carries.
        self.documents: dict[tuple[str, str], tuple[str, ...]] = documents_by_element(parsed.trees.values())
        self.document_templates: dict[str, str] = bundle_templates(files)
        self.read_only = read_only
        self.today: Callable[[], date] = today or china_today  # for a time limit read from a parameter
        self.script_engine = (
            make_read_only_engine()
            if read_only
            else make_script_engine(
                build_helpers(self.parameters, today, region=region, calendar_dir=calendar_dir), time_budget
            )
        )

    def _attach(self, workflow: BpmnWorkflow) -> BpmnWorkflow:
        # Called processes read the top workflow's engine, so setting it here covers them too.
        workflow.script_engine = self.script_engine
        return workflow

    def start(self, data: Mapping[str, Any]) -> WorkflowRun:
        if self.read_only:
            raise WorkflowFailed("只读的流程定义不能启动流程")
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
            member = countersign.member_of(task)
            views.append(
                UserTaskView(
                    spiff_task_id=str(task.id),
                    name=element_id(spec),
                    title=countersign.member_title(spec.bpmn_name or element_id(spec), member),
                    role=role_for_lane(spec.lane) or "",
                    form_key=properties.get("formKey"),
                    due_working_days=due_days(properties.get(PROPERTY), self.process.parameters, self.process.today()),
                    context_panels=context_panels(properties),
                    deadline=boundary_deadline(task),
                    member=member,
                )
            )
        return views

    def task_data(self, spiff_task_id: str) -> dict[str, Any]:
        return dict(self._task(spiff_task_id).data)

    def task_prefill(self, spiff_task_id: str) -> dict[str, Any]:
        """The values the task's form opens with: only what its BPMN declares (property `prefill`).

        Forms share field names (decision, opinion, investigators), so handing a form every workflow
        variable of its name would show one step's decision as the next step's default. Variables not
        set (or None) are left out; a declaration that no longer parses gives nothing rather than a
        broken page (deploy refuses it)."""
        task = self._task(spiff_task_id)
        try:
            pairs = prefill_pairs(user_task_properties(task.task_spec))
        except PrefillSyntax:
            return {}
        data = task.data
        return {field: data[variable] for field, variable in pairs if data.get(variable) is not None}

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
        """The earliest deadline of any waiting timer, as naive UTC (docs/spiffworkflow.md#timers)."""
        deadlines = [
            d
            for task in self._workflow.get_tasks(state=TaskState.WAITING)
            for d in timer_deadlines(task.internal_data.get("event_value"))
        ]
        return min(deadlines) if deadlines else None

    def waiting_messages(self) -> list[WaitingMessage]:
        if not self.process.message_names:
            return []
        return [
            WaitingMessage(
                definition.name,
                str(task.id),
                dict(task.data),
                min(timer_deadlines(task.internal_data.get("event_value")), default=None),
            )
            for task in self._workflow.get_tasks(state=TaskState.WAITING)
            for definition in event_definitions(getattr(task.task_spec, "event_definition", None))
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

        Events match on the Spiff dialect's class plus name (docs/spiffworkflow.md#messages), so the message
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
        countersign.prepare_completion(task, data)
        with _engine_errors():
            task.run()
        self.advance()

    def advance(self) -> None:
        steps = 0

        def count(task: Any) -> None:
            nonlocal steps
            steps += 1
            if steps > MAX_ENGINE_STEPS:
                raise EndlessSteps(task.task_spec)

        with _engine_errors():
            # refresh first: do_engine_steps only refreshes at its end (docs/spiffworkflow.md#timers).
            self._workflow.refresh_timers()
            self._workflow.do_engine_steps(did_complete_task=count)
        if not self._workflow.completed and not self._workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
            # Spiff gives up on a loop of automatic steps after a few hundred without a word; such an
            # instance would wait for nothing, forever.
            raise WorkflowFailed("流程停在了既没有待办任务也没有等待事件的位置（可能是没有出口的循环），已中止")

    def serialize(self) -> bytes:
        try:
            return dump_state(self._workflow)
        except StateNotStorable as exc:
            raise self._unstorable_failure(exc) from exc

    def _unstorable_failure(self, exc: StateNotStorable) -> WorkflowFailed:
        """Name the step whose data holds the value (a DMN output, a condition's in-place change)."""
        for task in self._workflow.get_tasks():
            try:
                check_storable(task.data)
            except Unstorable as found:
                spec = task.task_spec
                element = element_id(spec)
                label = getattr(spec, "bpmn_name", None) or element
                message = f"在“{label}”（{element}）留下了无法保存的数据：{found.message}"
                return WorkflowFailed(_shorten(message), element)
        return WorkflowFailed(_shorten(exc.message))

    def complete_form(self, spiff_task_id: str, form: FormDefinition, data: Mapping[str, Any]) -> FormCompletion:
        """Validate ``data`` against the task's form (with the task's data as context) and complete it."""
        before = self.task_data(spiff_task_id)
        clean = validate_task_form(form, data, before, today=china_today())
        self.complete(spiff_task_id, clean)
        return FormCompletion(before, clean)

    def _task(self, spiff_task_id: str) -> Any:
        try:
            task = self._workflow.get_task_from_id(UUID(spiff_task_id))
        except (ValueError, KeyError, WorkflowException):
            task = None
        if task is None:
            raise NotFound(f"流程中没有任务 {spiff_task_id}")
        return task


@contextmanager
def _engine_errors() -> Iterator[None]:
    """Translate whatever the engine raises into WorkflowFailed naming the BPMN element.

    Anything at all: designer code must never end the thread (or process) that runs it."""
    try:
        yield
    except (Conflict, NotFound, InvalidData):
        raise
    except BaseException as exc:
        raise _failure(exc) from exc


def _failure(exc: BaseException) -> WorkflowFailed:
    spec = getattr(exc, "task_spec", None)
    element = element_id(spec) if spec is not None else None
    label = (getattr(spec, "bpmn_name", None) or element) if spec is not None else None
    where = f"在“{label}”（{element}）" if element else ""
    if find_cause(exc, ScriptTimeout) is not None:
        message = f"{where}脚本运行超时，已中止并回到上一个正常状态"
    elif (violation := find_cause(exc, SandboxViolation)) is not None:
        message = f"{where}脚本违反沙箱限制：{violation}"
    elif (unstorable := find_cause(exc, Unstorable)) is not None:
        message = f"{where}脚本留下了无法保存的数据：{unstorable.message}"
    elif (raised := find_cause(exc, ScriptRaisedBaseException)) is not None:
        message = f"{where}{raised.message}"
    elif (limit := find_cause(exc, SandboxLimitExceeded)) is not None:
        message = f"{where}脚本{limit.message}"
    elif find_cause(exc, MemoryError) is not None:
        message = f"{where}脚本占用内存超过上限，已中止并回到上一个正常状态"
    else:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        message = f"{where}流程执行出错：{first_line}"
    return WorkflowFailed(_shorten(message), element)


def _shorten(message: str, limit: int = 500) -> str:
    """Designer code chooses its error texts; one of a megabyte must not reach the database and pages."""
    return message if len(message) <= limit else message[: limit - 1] + "…"
