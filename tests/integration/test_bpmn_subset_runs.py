"""Every construct of the supported BPMN subset (docs/bpmn-subset.md), run end to end by the engine.

Each diagram under tests/data/bpmn_subset/ is validated as a designer's upload would be, packed into
its bundle, and run through LoadedProcess/WorkflowRun (the sandboxed script engine, our timers and
messages), not through Spiff directly. Timers move with freezegun.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time

from engine.errors import Conflict
from engine.settings import PROJECT_ROOT
from engine.workflow.bundle import file_sources
from engine.workflow.catalog import validate_sources
from engine.workflow.runtime import LoadedProcess, WorkflowRun
from tests.conftest import CALENDAR_DIR

DATA = Path(__file__).parent.parent / "data" / "bpmn_subset"
FORMS = PROJECT_ROOT / "forms" / "definitions"
T0 = datetime(2026, 3, 2, 1, 0)  # UTC; 09:00 in Beijing
APPROVE = {"decision": "approve", "opinion": "同意"}


def load(name: str, *extra: str) -> LoadedProcess:
    files = [DATA / f"{name}.bpmn", *(DATA / e for e in extra), DATA / "parameters.toml"]
    result = validate_sources(file_sources(files), FORMS)
    assert result.problems == []
    (bundle,) = [b for b in result.bundles if b.process_id == name]
    return LoadedProcess(name, bundle.files, calendar_dir=CALENDAR_DIR)


def ready(run: WorkflowRun) -> list[tuple[str, str]]:
    return sorted((t.name, t.role) for t in run.ready_user_tasks())


def complete(run: WorkflowRun, name: str, data: dict[str, str] = APPROVE) -> None:
    (task,) = [t for t in run.ready_user_tasks() if t.name == name]
    run.complete(task.spiff_task_id, data)


@freeze_time(T0)
def test_none_start_end_and_intermediate_throw_events() -> None:
    run = load("none_events").start({"applicant": "张三"})
    assert run.completed
    assert run.data() == {"applicant": "张三"}


@freeze_time(T0)
def test_user_task_with_form_due_days_and_pre_and_post_scripts() -> None:
    run = load("user_task").start({})
    (task,) = run.ready_user_tasks()
    assert (task.name, task.title, task.role, task.form_key, task.due_working_days) == (
        "review",
        "乡镇审核",
        "township_clerk",  # the lane is named by its Chinese label 乡镇经办人
        "reference_review",
        5,
    )
    assert run.task_data(task.spiff_task_id) == {"shown_at": "before"}  # the preScript ran first
    run.complete(task.spiff_task_id, APPROVE)
    assert run.completed
    assert run.data() == {"shown_at": "before", **APPROVE, "approved": True}  # postScript after


@freeze_time(T0)
def test_script_task_computes_in_the_sandbox_with_the_region_parameters() -> None:
    run = load("script_task").start({})
    assert run.completed
    assert run.data() == {"members": [{"income": 300}, {"income": 200}], "total_income": 500, "notice_days": 7}


@pytest.mark.parametrize(
    ("amount", "cause", "level"),
    [(20000, "fire", "committee"), (20000, "other", "county"), (3200, "fire", "county"), (3199, "fire", "township")],
)
@freeze_time(T0)
def test_business_rule_task_takes_the_first_matching_row(amount: int, cause: str, level: str) -> None:
    run = load("business_rule_task", "subset_level.dmn").start({"amount": amount, "cause": cause})
    assert run.completed
    assert run.data()["level"] == level


@pytest.mark.parametrize(("amount", "level"), [(3200, "county"), (3199, "township")])
@freeze_time(T0)
def test_exclusive_gateway_follows_the_condition_or_the_default(amount: int, level: str) -> None:
    run = load("exclusive_gateway").start({"amount": amount})
    assert run.completed
    assert run.data() == {"amount": amount, "level": level}


@freeze_time(T0)
def test_parallel_gateway_opens_both_branches_and_joins_them() -> None:
    run = load("parallel_gateway").start({})
    assert ready(run) == [("data_check", "verification_center"), ("home_visit", "township_clerk")]
    complete(run, "home_visit")
    assert ready(run) == [("data_check", "verification_center")]
    assert not run.completed  # the join waits for the other branch
    complete(run, "data_check")
    assert run.completed


@pytest.mark.parametrize(
    ("car", "house", "opened"),
    [
        (True, True, ["check_car", "check_house"]),
        (True, False, ["check_car"]),
        (False, False, ["check_deposit"]),  # no condition holds: the default flow
    ],
)
@freeze_time(T0)
def test_inclusive_gateway_opens_every_branch_whose_condition_holds(car: bool, house: bool, opened: list[str]) -> None:
    run = load("inclusive_gateway").start({"has_car": car, "has_house": house})
    assert [name for name, _ in ready(run)] == opened
    for name in opened[:-1]:
        complete(run, name)
        assert not run.completed  # the join waits for each branch that was opened, and only those
    complete(run, opened[-1])
    assert run.completed


def test_timer_catch_events_with_a_duration_and_a_date() -> None:
    with freeze_time(T0):
        run = load("timer_events").start({})
        assert run.next_timer_at() == T0 + timedelta(days=7)  # f"P{notice_days}D", notice_days = 7
    with freeze_time(T0 + timedelta(days=7) - timedelta(seconds=1)):
        run.advance()
        assert "notice_over" not in run.data()
    with freeze_time(T0 + timedelta(days=7, seconds=1)):
        run.advance()
        assert run.data()["notice_over"] is True
        # review_at = 2026-03-20 00:00 Beijing time = 2026-03-19 16:00 UTC
        assert run.next_timer_at() == datetime(2026, 3, 19, 16, 0)
    with freeze_time(datetime(2026, 3, 19, 16, 0, 1)):
        run.advance()
        assert run.completed


@freeze_time(T0)
def test_message_catch_event_stores_the_payload_in_its_message_variable() -> None:
    run = load("message_catch").start({})
    assert [m.name for m in run.waiting_messages()] == ["supplement_received"]
    run.send_message("supplement_received", {"text": "户口本复印件"})
    assert run.completed
    assert run.data() == {"supplement": {"text": "户口本复印件"}}


def test_event_based_gateway_takes_whichever_event_comes_first() -> None:
    with freeze_time(T0):
        process = load("event_based_gateway")
        objected = process.start({})
        assert [m.name for m in objected.waiting_messages()] == ["objection"]
        assert objected.next_timer_at() == T0 + timedelta(days=7)
        objected.send_message("objection", {"text": "家中有车辆"})
        elapsed = process.start({})
    assert objected.completed
    assert objected.data() == {"objection": {"text": "家中有车辆"}, "outcome": "objection"}
    with freeze_time(T0 + timedelta(days=7, seconds=1)):
        elapsed.advance()
    assert elapsed.completed
    assert elapsed.data() == {"outcome": "elapsed"}


def test_boundary_timers_remind_without_interrupting_then_interrupt() -> None:
    process = load("boundary_events")
    with freeze_time(T0):
        run = process.start({})
        assert run.next_timer_at() == T0 + timedelta(days=3)
    with freeze_time(T0 + timedelta(days=3, seconds=1)):
        run.advance()
        assert ready(run) == [("review", "township_clerk")]  # non-interrupting: still there
        assert run.element_states()["boundary_events"]["remind"] == "done"
        assert run.next_timer_at() == T0 + timedelta(days=10)
    with freeze_time(T0 + timedelta(days=10, seconds=1)):
        run.advance()
    assert run.completed
    assert run.ready_user_tasks() == []
    assert (run.data()["outcome"], run.data()["reminded"]) == ("overdue", True)


@freeze_time(T0)
def test_boundary_messages_interrupt_or_fire_once_alongside_the_task() -> None:
    process = load("boundary_events")
    run = process.start({})
    assert sorted(m.name for m in run.waiting_messages()) == ["applicant_called", "application_withdrawn"]
    run.send_message("applicant_called", {"at": "09:30"})
    assert ready(run) == [("review", "township_clerk")]
    assert run.data()["call"] == {"at": "09:30"}
    # A non-interrupting message boundary event fires once (docs/spiffworkflow.md#messages).
    with pytest.raises(Conflict):
        run.send_message("applicant_called", {"at": "10:00"})
    run.send_message("application_withdrawn", {})
    assert run.completed
    assert run.ready_user_tasks() == []
    finished = process.start({})
    complete(finished, "review")
    assert finished.completed
    assert "outcome" not in finished.data()  # completing the task cancelled every boundary event


@freeze_time(T0)
def test_call_activity_runs_the_called_process_and_returns_its_data() -> None:
    run = load("call_activity", "called_review.bpmn").start({})
    assert ready(run) == [("review", "county_approver")]  # the lane of the called process's own file
    complete(run, "review")
    assert run.completed
    assert run.data() == {"applicant": "张三", **APPROVE}


def test_embedded_subprocess_with_an_interrupting_boundary_timer() -> None:
    process = load("subprocess")
    with freeze_time(T0):
        run = process.start({})
        assert ready(run) == [("home_visit", "township_clerk")]  # inherits the lane of the sub-process
        assert run.element_states()["investigation"] == {"investigation_start": "done", "home_visit": "active"}
        complete(run, "home_visit")
        assert run.completed
        assert run.data() == {**APPROVE, "visited": True}
        late = process.start({})
    with freeze_time(T0 + timedelta(days=15, seconds=1)):
        late.advance()
    assert late.completed
    assert late.data() == {"overdue": True}


@freeze_time(T0)
def test_terminate_end_event_ends_every_branch() -> None:
    process = load("terminate_end")
    run = process.start({})
    assert [name for name, _ in ready(run)] == ["review", "withdraw_check"]
    complete(run, "withdraw_check", {"decision": "reject", "opinion": "申请人撤回"})
    assert run.completed  # the open review was cancelled
    assert run.ready_user_tasks() == []
    both = process.start({})
    complete(both, "withdraw_check")
    assert not both.completed  # a plain end event ends only its own branch
    complete(both, "review")
    assert both.completed
