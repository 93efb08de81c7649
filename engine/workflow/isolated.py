"""The processes and runs the services use: steps go to the engine host, reading stays here.

``IsolatedProcess`` wraps a read-only ``LoadedProcess`` (its forms, parameters and spec, parsed once in
this process) and the shared ``EngineHost``. ``start``, and a run's ``complete_form``,
``send_message`` and ``advance``, are sent to a child process, which replies with the new state and
everything the services' bookkeeping reads afterwards (``StepResult``). Reading a run that has not
moved (a task's data for its form, the diagram's highlights) restores the stored state here, on an
engine that refuses to run any script.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from engine.clock import utcnow
from engine.domain.parameters import Parameters
from engine.domain.roles import split_roles
from engine.errors import WorkflowFailed
from engine.workflow.checks import element_id, user_task_properties
from engine.workflow.copies import PROPERTY as COPIES
from engine.workflow.documents import PassedElement
from engine.workflow.host import EngineHost
from engine.workflow.host_protocol import Failure, ProcessRef, Request, StepResult
from engine.workflow.migration import CaseMigration
from engine.workflow.migration_specs import SpecChanges, check_mapping, elements, spec_changes
from engine.workflow.rewind import completed_task_ids, return_targets, user_task_names
from engine.workflow.runtime import FormCompletion, LoadedProcess, UserTaskView, WaitingMessage, WorkflowRun
from forms import FormDefinition


class IsolatedProcess:
    """A deployed definition as the services see it."""

    def __init__(self, loaded: LoadedProcess, host: EngineHost, time_budget: float) -> None:
        if not loaded.read_only:
            raise ValueError("IsolatedProcess needs a read-only LoadedProcess")
        self._loaded = loaded
        self._host = host
        self._ref = ProcessRef.of(loaded.process_id, loaded.region, time_budget, loaded.calendar_dir, loaded.files)

    @property
    def process_id(self) -> str:
        return self._loaded.process_id

    @property
    def forms(self) -> dict[str, FormDefinition]:
        return self._loaded.forms

    @property
    def parameters(self) -> Parameters:
        return self._loaded.parameters

    @property
    def message_names(self) -> frozenset[str]:
        return self._loaded.message_names

    def context_panels(self, task_name: str) -> tuple[str, ...]:
        """The decision-context panels the user task `task_name` declares (docs/decision-context.md)."""
        return self._loaded.context_panels.get(task_name, ())

    def return_targets(self, task_name: str) -> list[tuple[str, str]]:
        """(BPMN id, name) of the steps `task_name` may send a case back to (docs/withdraw-and-return.md)."""
        return return_targets(self._loaded, task_name)

    def copies(self, task_name: str) -> tuple[str, ...]:
        """The roles `task_name` copies (抄送) when it completes (docs/urge-and-copy.md)."""
        for spec in (self._loaded.spec, *self._loaded.subprocess_specs.values()):
            for task_spec in spec.task_specs.values():
                if getattr(task_spec, "manual", False) and element_id(task_spec) == task_name:
                    return tuple(split_roles(user_task_properties(task_spec).get(COPIES))[0])
        return ()

    def user_tasks(self) -> list[tuple[str, str]]:
        return user_task_names(self._loaded)

    def documents_of(self, process_id: str, element_id: str) -> tuple[str, ...]:
        """The documents an element issues (docs/documents.md); PROCESS_LEVEL for the case's own."""
        return self._loaded.documents.get((process_id, element_id), ())

    @property
    def document_templates(self) -> dict[str, str]:
        return self._loaded.document_templates

    def start(self, data: Mapping[str, Any]) -> IsolatedRun:
        result = self.run_step("start", None, {"data": dict(data)})
        return IsolatedRun(self, result.state, result)

    def restore(self, state: bytes) -> IsolatedRun:
        return IsolatedRun(self, state, None)

    def read(self, state: bytes) -> WorkflowRun:
        return self._loaded.restore(state)

    def migration_changes(self, source: IsolatedProcess, mapping: Mapping[str, str]) -> SpecChanges:
        """What changed from `source` to this version, with the mapping checked (InvalidData if it does
        not fit); reads the specs only (engine.workflow.migration_specs)."""
        check_mapping(source._loaded, self._loaded, mapping)
        return spec_changes(source._loaded, self._loaded, mapping)

    def step_ids(self) -> frozenset[str]:
        """The BPMN ids of this version's elements (its called processes' included)."""
        return frozenset(elements(self._loaded))

    def migrate(
        self, source: IsolatedProcess, states: list[bytes], mapping: Mapping[str, str], *, apply: bool
    ) -> list[CaseMigration]:
        """Each stored state of `source` moved onto this version in a child (engine.workflow.migration);
        with `apply` each movable one carries its new state and ready tasks (CaseMigration.result)."""
        args = {"states": list(states), "mapping": dict(mapping), "apply": apply}
        request = Request("migrate", self._ref, utcnow().isoformat(), None, args, source=source._ref)
        reply = self._host.run(request, self._loaded.files, source._loaded.files)
        if isinstance(reply, Failure):
            raise reply.error()
        if not isinstance(reply, tuple) or not all(isinstance(p, CaseMigration) for p in reply):
            raise WorkflowFailed("流程引擎没有返回迁移结果")
        return list(reply)

    def run_step(self, op: str, state: bytes | None, args: dict[str, Any]) -> StepResult:
        reply = self._host.run(Request(op, self._ref, utcnow().isoformat(), state, args), self._loaded.files)
        if isinstance(reply, Failure):
            raise reply.error()
        if not isinstance(reply, StepResult):
            raise WorkflowFailed("流程引擎没有返回结果")
        return reply


class IsolatedRun:
    """A workflow's state, before or after a step run by the engine host."""

    def __init__(self, process: IsolatedProcess, state: bytes, result: StepResult | None) -> None:
        self.process = process
        self._state = state
        self._result = result
        self._reader: WorkflowRun | None = None
        # Called once each step has run, before the caller writes anything (engine.records.advancing
        # takes the audit head's lock here, so the lock is not held while the child works).
        self.after_step: Callable[[], None] | None = None

    # --- steps (in a child process) ---------------------------------------------------------------
    def complete_form(self, spiff_task_id: str, form_key: str, data: Mapping[str, Any]) -> FormCompletion:
        """Validate `data` against the task's form in the context of the task's data, and complete it."""
        args = {"task_id": spiff_task_id, "form_key": form_key, "data": dict(data)}
        result = self.process.run_step("complete_form", self._state, args)
        self._moved(result)
        if result.completion is None:
            raise WorkflowFailed("流程引擎没有返回任务的办理结果")
        return result.completion

    def send_message(self, name: str, payload: Mapping[str, Any]) -> None:
        self._moved(self.process.run_step("message", self._state, {"name": name, "payload": dict(payload)}))

    def advance(self) -> None:
        self._moved(self.process.run_step("advance", self._state, {}))

    def cancel(self) -> None:
        self._moved(self.process.run_step("cancel", self._state, {}))  # engine.workflow.cancelling

    def rewind(self, **args: Any) -> None:
        """Back to an earlier step (engine.workflow.rewind): task_id=, or element= with from_task=."""
        self._moved(self.process.run_step("rewind", self._state, args))

    def _moved(self, result: StepResult) -> None:
        self._state, self._result, self._reader = result.state, result, None
        if self.after_step is not None:
            self.after_step()

    # --- reading ---------------------------------------------------------------------------------
    def serialize(self) -> bytes:
        return self._state

    def passed(self) -> tuple[PassedElement, ...]:
        """The elements declaring documents that the last step passed (none for a run that has not moved)."""
        return self._result.passed if self._result else ()

    @property
    def completed(self) -> bool:
        return self._result.completed if self._result else self._read().completed

    def ready_user_tasks(self) -> list[UserTaskView]:
        return list(self._result.ready) if self._result else self._read().ready_user_tasks()

    def data(self) -> dict[str, Any]:
        return dict(self._result.data) if self._result else self._read().data()

    def next_timer_at(self) -> datetime | None:
        return self._result.next_timer_at if self._result else self._read().next_timer_at()

    def waiting_messages(self) -> list[WaitingMessage]:
        return list(self._result.waiting) if self._result else self._read().waiting_messages()

    def task_data(self, spiff_task_id: str) -> dict[str, Any]:
        return self._read().task_data(spiff_task_id)

    def task_prefill(self, spiff_task_id: str) -> dict[str, Any]:
        return self._read().task_prefill(spiff_task_id)

    def completed_task_ids(self) -> set[str]:
        return completed_task_ids(self._read())

    def element_states(self) -> dict[str, dict[str, str]]:
        return self._read().element_states()

    def _read(self) -> WorkflowRun:
        if self._reader is None:
            self._reader = self.process.read(self._state)
        return self._reader
