"""The reference process end to end through the services: real BPMN, real engine, real database,
the clock travelled with freezegun for the notice timer."""

from __future__ import annotations

from datetime import datetime

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.errors import InvalidData
from engine.lookups import get_case
from engine.queries import case_view, task_page
from engine.records import audit
from engine.services import cases, tasks, timers

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing


def _register(ctx: Context, amount: str) -> str:
    case = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
    (task,) = tasks.list_tasks(ctx, "clerk1")
    assert (task.case_number, task.task_name, task.role, task.org_unit) == (
        case.number,
        "register",
        "township_clerk",
        "demo-town-1",
    )
    # 3 working days from Monday 2026-11-23: Thu 26th, end of day Beijing time = 15:59:59 UTC.
    assert task.due_at == datetime(2026, 11, 26, 15, 59, 59)
    result = tasks.complete(
        ctx, task.id, "clerk1", {"applicant_name": "张三", "household_size": 3, "requested_amount": amount}
    )
    assert result.new_tasks == []
    assert result.stage == "等待期满"
    return case.number


@freeze_time(START)
def test_large_amount_goes_to_the_county_after_the_notice_period(ctx: Context) -> None:
    number = _register(ctx, "5000")
    view = case_view.show_case(ctx, number)
    assert view.instance_status == "waiting"
    assert view.next_timer_at == datetime(2026, 11, 30, 1, 0, 0)  # notice_days = 7 from parameters.toml

    with freeze_time("2026-11-29 01:00:00"):
        assert timers.tick(ctx) == 0  # not due yet
    with freeze_time("2026-12-01 01:00:00"):  # Tuesday
        assert timers.tick(ctx) == 1
        assert timers.tick(ctx) == 0  # fired once only
        assert tasks.list_tasks(ctx, "clerk1") == []
        (review,) = tasks.list_tasks(ctx, "approver1")
        assert (review.task_name, review.org_unit, review.role) == ("county_review", "demo-county", "county_approver")
        # 10 working days from Tue 2026-12-01 is Tue 2026-12-15 (no holidays in December 2026).
        assert review.due_at == datetime(2026, 12, 15, 15, 59, 59)
        result = tasks.complete(ctx, review.id, "approver1", {"decision": "approve", "opinion": "同意纳入"})

    assert result.case_status == "closed"
    done = case_view.show_case(ctx, number)
    assert (done.status, done.stage, done.instance_status) == ("closed", "已办结", "completed")
    assert [(t.task_name, t.decision, t.completed_by) for t in done.tasks] == [
        ("register", None, "clerk1"),
        ("county_review", "approve", "approver1"),
    ]
    assert audit.verify(ctx.db).ok


@freeze_time(START)
def test_small_amount_stays_in_the_township(ctx: Context) -> None:
    number = _register(ctx, "1000.00")
    with freeze_time("2026-12-01 01:00:00"):
        timers.tick(ctx)
        assert tasks.list_tasks(ctx, "approver1") == []
        (review,) = tasks.list_tasks(ctx, "clerk1")
        assert review.task_name == "township_review"
        tasks.complete(ctx, review.id, "clerk1", {"decision": "reject", "opinion": "家庭收入超过标准"})
    view = case_view.show_case(ctx, number)
    assert view.status == "closed"
    assert view.tasks[-1].opinion == "家庭收入超过标准"


@freeze_time(START)
def test_completion_records_what_it_changed(ctx: Context) -> None:
    number = _register(ctx, "1000.00")
    with ctx.db.read() as session:
        case_id = get_case(session, number).id
    history = audit.case_history(ctx.db, case_id)
    assert [e.action for e in history] == ["case_created", "task_created", "task_completed"]
    completed = next(e for e in history if e.action == "task_completed")
    assert completed.actor_name == "clerk1"
    assert completed.actor_role == "township_clerk"
    assert completed.details["changes"]["requested_amount"] == {"before": None, "after": "1000.00"}
    assert completed.details["changes"]["household_size"] == {"before": None, "after": 3}
    created = history[0]
    assert created.details["version"] == 1
    assert len(created.details["bundle_hash"]) == 64


@freeze_time(START)
def test_invalid_task_data_is_refused_and_changes_nothing(ctx: Context) -> None:
    cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
    (task,) = tasks.list_tasks(ctx, "clerk1")
    events_before = audit.verify(ctx.db).events_checked
    with pytest.raises(InvalidData) as refused:
        tasks.complete(
            ctx,
            task.id,
            "clerk1",
            {"applicant_name": "", "household_size": "three", "requested_amount": "-5", "secret": "x"},
        )
    assert set(refused.value.fields) >= {"applicant_name", "household_size", "requested_amount", "secret"}
    assert audit.verify(ctx.db).events_checked == events_before
    (still_open,) = tasks.list_tasks(ctx, "clerk1")
    assert still_open.state == "open"
    # Unknown keys never reach the workflow: the task's data shows none of the refused input.
    detail = task_page.show_task(ctx, task.id)
    assert "secret" not in detail.data
    assert "applicant_name" not in detail.data
