"""A script that never ends is stopped by the time budget: the instance goes to an error state with a
clear message, its state rolls back to the last good one, and the worker carries on."""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.errors import WorkflowFailed
from engine.queries import case_view
from engine.records import audit
from engine.services import cases, tasks, timers
from tests.conftest import MakeContext, add_fixture_process

REGISTER = {"applicant_name": "王五", "household_size": 1, "requested_amount": "100"}


@pytest.fixture
def spin_ctx(make_context: MakeContext, processes_dir: Path) -> Context:
    # The spinning copy of the reference process is a region override, so the default stays sound.
    add_fixture_process(processes_dir, "infinite_loop/reference_review.bpmn", region="yantai")
    add_fixture_process(processes_dir, "infinite_loop/spin_on_start.bpmn")
    return make_context()


def test_spinning_start_is_refused_and_nothing_is_written(spin_ctx: Context) -> None:
    events = audit.verify(spin_ctx.db).events_checked
    with pytest.raises(WorkflowFailed) as failed:
        cases.start_case(spin_ctx, "spin_on_start", "clerk1", {"village": "demo-village-1-1"})
    assert "超时" in failed.value.message
    assert failed.value.element == "spin"
    assert audit.verify(spin_ctx.db).events_checked == events


def test_spinning_script_after_a_completion_puts_the_instance_in_error(spin_ctx: Context) -> None:
    case = cases.start_case(spin_ctx, "reference_review", "clerk_yantai", {"village": "yantai-village"})
    (task,) = tasks.list_tasks(spin_ctx, "clerk_yantai")
    with pytest.raises(WorkflowFailed) as failed:
        tasks.complete(spin_ctx, task.id, "clerk_yantai", REGISTER)
    assert failed.value.element == "prepare_notice"
    view = case_view.show_case(spin_ctx, case.number)
    assert view.instance_status == "error"
    assert "prepare_notice" in (view.error_message or "")
    assert "超时" in (view.error_message or "")
    assert [t.state for t in view.tasks] == ["open"]  # the completion was rolled back
    with pytest.raises(WorkflowFailed):  # an errored instance accepts no further work
        tasks.complete(spin_ctx, task.id, "clerk_yantai", REGISTER)
    assert audit.verify(spin_ctx.db).ok


def test_worker_carries_on_past_a_failing_instance(make_context: MakeContext, processes_dir: Path) -> None:
    # In yantai the decision reached after the notice timer burns far more than the budget.
    dmn = (processes_dir / "default" / "reference_approval_level.dmn").read_text(encoding="utf-8")
    spinning = dmn.replace(
        "float(requested_amount)",
        "float(requested_amount) + sum([1 for a in range(999) for b in range(999) for c in range(999)])",
    )
    assert spinning != dmn
    region = processes_dir / "regions" / "yantai"
    region.mkdir(parents=True, exist_ok=True)
    (region / "reference_approval_level.dmn").write_text(spinning, encoding="utf-8")
    ctx = make_context()
    with freeze_time("2026-11-23 01:00:00"):
        numbers = {}
        for clerk, village in (("clerk_yantai", "yantai-village"), ("clerk1", "demo-village-1-1")):
            numbers[clerk] = cases.start_case(ctx, "reference_review", clerk, {"village": village}).number
            (task,) = tasks.list_tasks(ctx, clerk)
            tasks.complete(ctx, task.id, clerk, REGISTER)
    with freeze_time("2026-12-01 01:00:00"):
        assert timers.tick(ctx) == 2
        assert timers.tick(ctx) == 0  # the failed one is parked in error, not retried in a loop
    failed = case_view.show_case(ctx, numbers["clerk_yantai"])
    assert failed.instance_status == "error"
    assert "decide_level" in (failed.error_message or "")
    assert failed.next_timer_at is None
    assert case_view.show_case(ctx, numbers["clerk1"]).tasks[-1].task_name == "township_review"
    assert audit.verify(ctx.db).ok
