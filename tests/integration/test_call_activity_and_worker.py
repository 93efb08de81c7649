"""A process that calls another one runs through the services and survives save/restore inside the
called process; the restored workflow runs on the sandboxed engine; the worker loop fires timers."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import ProcessDefinition, ProcessInstance
from engine.queries import case_view
from engine.records import audit
from engine.services import cases, tasks
from engine.services import worker as worker_loop
from engine.workflow.runtime import LoadedProcess
from engine.workflow.sandbox import SandboxedEnvironment, SandboxViolation
from tests.conftest import MakeContext, add_fixture_process

REGISTER = {"applicant_name": "周八", "household_size": 4, "requested_amount": "2000"}


def test_called_process_runs_and_returns_its_data(make_context: MakeContext, processes_dir: Path) -> None:
    add_fixture_process(processes_dir, "good_call")
    ctx = make_context()
    number = cases.start_case(ctx, "reference_parent", "clerk1", {"village": "demo-village-1-1"}).number
    (register,) = tasks.list_tasks(ctx, "clerk1")
    tasks.complete(ctx, register.id, "clerk1", REGISTER)
    # The next task lives inside the called process: the instance was stored and restored mid-call.
    (child,) = tasks.list_tasks(ctx, "clerk1")
    assert (child.task_name, child.role, child.org_unit) == ("child_review", "township_clerk", "demo-town-1")
    tasks.complete(ctx, child.id, "clerk1", {"decision": "approve", "opinion": "材料齐全"})
    view = case_view.show_case(ctx, number)
    assert view.status == "closed"
    with ctx.db.read() as session:
        instance = session.scalars(select(ProcessInstance)).one()
        process = ctx.process(instance.definition)
        data = process.restore(instance.state).data()
    assert (data["decision"], data["opinion"], data["applicant_name"]) == ("approve", "材料齐全", "周八")


def test_restored_workflows_run_scripts_only_in_the_sandbox(ctx: Context) -> None:
    cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
    with ctx.db.read() as session:
        instance = session.scalars(select(ProcessInstance)).one()
        definition = session.get(ProcessDefinition, instance.definition_id)
        assert definition is not None
        state, process_id, files = instance.state, definition.process_id, definition.files
    # Here (the web or worker process) a restored state is only read: its engine runs no script at all.
    reader = ctx.process(definition).read(state)._workflow.script_engine.environment
    with pytest.raises(SandboxViolation):
        reader.evaluate("1 + 1", {})
    # Where steps run (the engine host's child), a restored workflow gets the sandboxed engine back.
    executing = LoadedProcess(process_id, files, calendar_dir=ctx.calendar_dir).restore(state)
    environment = executing._workflow.script_engine.environment
    assert isinstance(environment, SandboxedEnvironment)
    assert "open" not in environment.globals["__builtins__"]


def test_worker_loop_fires_due_timers_until_stopped(ctx: Context) -> None:
    with freeze_time("2026-11-23 01:00:00"):
        number = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"}).number
        (task,) = tasks.list_tasks(ctx, "clerk1")
        tasks.complete(ctx, task.id, "clerk1", REGISTER)
    with freeze_time("2026-12-01 01:00:00"):
        stop = threading.Event()
        worker = threading.Thread(target=worker_loop.run_worker, args=(ctx, stop, 0.01))
        worker.start()
        try:
            for _ in range(500):  # wait for the worker's sweep (bounded), not for the clock
                if case_view.show_case(ctx, number).instance_status == "running":
                    break
                stop.wait(0.01)
        finally:
            stop.set()
            worker.join(timeout=10)
    assert not worker.is_alive()
    assert case_view.show_case(ctx, number).tasks[-1].task_name == "township_review"
    assert audit.verify(ctx.db).ok
