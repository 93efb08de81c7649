"""Who may work a task, claiming, transferring, and a concurrent second completion."""

from __future__ import annotations

import threading

import pytest

from engine.context import Context
from engine.errors import Conflict, InvalidData, PermissionDenied
from engine.queries import case_view, task_page
from engine.records import audit
from engine.services import cases, tasks
from tests.conftest import add_second_clerk, complete_concurrently

REGISTER = {"applicant_name": "李四", "household_size": 2, "requested_amount": "800"}


def _open_register_task(ctx: Context) -> int:
    cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
    (task,) = tasks.list_tasks(ctx, "clerk1")
    return task.id


def test_other_township_and_other_roles_cannot_see_or_act(ctx: Context) -> None:
    task_id = _open_register_task(ctx)
    assert tasks.list_tasks(ctx, "clerk2") == []  # 河西乡 sees nothing of 城关镇
    assert tasks.list_tasks(ctx, "head1") == []  # same township, other role
    for username in ("clerk2", "head1", "approver1", "village1"):
        with pytest.raises(PermissionDenied):
            tasks.claim(ctx, task_id, username)
        with pytest.raises(PermissionDenied):
            tasks.complete(ctx, task_id, username, REGISTER)
        with pytest.raises(PermissionDenied):
            task_page.show_task(ctx, task_id, username)


def test_village_assistant_may_not_start_a_case_in_another_village(ctx: Context) -> None:
    with pytest.raises(PermissionDenied):
        cases.start_case(ctx, "reference_review", "village1", {"village": "demo-village-1-2"})
    with pytest.raises(PermissionDenied):
        cases.start_case(ctx, "reference_review", "clerk2", {"village": "demo-village-1-1"})


def test_start_data_refuses_unknown_keys_and_bad_villages(ctx: Context) -> None:
    with pytest.raises(InvalidData) as unknown:
        cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1", "x": 1})
    assert "x" in unknown.value.fields
    with pytest.raises(InvalidData) as not_village:
        cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-town-1"})
    assert "village" in not_village.value.fields


def test_claimed_task_is_worked_by_its_assignee_only(ctx: Context) -> None:
    add_second_clerk(ctx)
    task_id = _open_register_task(ctx)
    tasks.claim(ctx, task_id, "clerk1")
    assert [t.id for t in tasks.list_tasks(ctx, "clerk1", "claimed")] == [task_id]
    assert tasks.list_tasks(ctx, "clerk1b") == []  # no longer in the shared 待办
    with pytest.raises(Conflict):
        tasks.claim(ctx, task_id, "clerk1b")
    with pytest.raises(Conflict):
        tasks.complete(ctx, task_id, "clerk1b", REGISTER)
    tasks.unclaim(ctx, task_id, "clerk1")
    assert [t.id for t in tasks.list_tasks(ctx, "clerk1b")] == [task_id]


def test_transfer_to_a_colleague_with_the_same_role(ctx: Context) -> None:
    add_second_clerk(ctx)
    task_id = _open_register_task(ctx)
    with pytest.raises(InvalidData) as wrong:
        tasks.transfer(ctx, task_id, "clerk1", "clerk2", "休假")  # another township
    assert "to" in wrong.value.fields
    with pytest.raises(InvalidData):
        tasks.transfer(ctx, task_id, "clerk1", "clerk1b", "  ")  # a reason is required
    moved = tasks.transfer(ctx, task_id, "clerk1", "clerk1b", "本人休假")
    assert (moved.state, moved.assignee) == ("claimed", "clerk1b")
    result = tasks.complete(ctx, task_id, "clerk1b", REGISTER)
    assert result.task.completed_by == "clerk1b"


def test_completed_task_cannot_be_completed_again(ctx: Context) -> None:
    task_id = _open_register_task(ctx)
    tasks.complete(ctx, task_id, "clerk1", REGISTER)
    events = audit.verify(ctx.db).events_checked
    with pytest.raises(Conflict):
        tasks.complete(ctx, task_id, "clerk1", REGISTER)
    assert audit.verify(ctx.db).events_checked == events


def test_two_concurrent_completions_one_wins_one_conflicts(ctx: Context) -> None:
    add_second_clerk(ctx)
    task_id = _open_register_task(ctx)
    barrier = threading.Barrier(2)
    assert complete_concurrently(ctx, task_id, REGISTER, barrier.wait) == ["conflict", "ok"]
    view = case_view.show_case(ctx, task_page.show_task(ctx, task_id).summary.case_number)
    assert [t.state for t in view.tasks] == ["completed"]
    assert audit.verify(ctx.db).ok
