"""An administrator takes a case's instance out of `error`: the last good state is restored, the engine
steps run again in one audited transaction, and a failure that repeats leaves the instance in `error`."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import InvalidData, PermissionDenied, WorkflowFailed
from engine.persistence import AuditEvent, Case, ProcessInstance
from engine.queries import case_view
from engine.records import audit
from engine.records.writeback import mark_error
from engine.services import admin, cases, tasks, timers
from engine.workflow.isolated import IsolatedRun

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing
NOTICE_OVER = "2026-12-01 01:00:00"  # the reference process's 7-day notice has passed
REGISTER = {"applicant_name": "王五", "household_size": 3, "requested_amount": "5000"}


def _instance_id(ctx: Context, number: str) -> int:
    with ctx.db.read() as session:
        return session.scalars(
            select(ProcessInstance.id).join(Case, Case.id == ProcessInstance.case_id).where(Case.number == number)
        ).one()


def _failed_at_the_notice_timer(ctx: Context, clerk: str = "clerk1", village: str = "demo-village-1-1") -> str:
    """A reference_review case waiting for its notice timer, parked in `error` as a failed timer firing
    would leave it (say a script that ran out of its time budget on a loaded machine)."""
    with freeze_time(START):
        number = cases.start_case(ctx, "reference_review", clerk, {"village": village}).number
        (task,) = [t for t in tasks.list_tasks(ctx, clerk) if t.case_number == number]
        tasks.complete(ctx, task.id, clerk, REGISTER)
    mark_error(ctx, _instance_id(ctx, number), WorkflowFailed("脚本运行超时", "decide_level"))
    return number


def _actions(ctx: Context, case_number: str) -> list[str]:
    with ctx.db.read() as session:
        case_id = session.scalars(select(Case.id).where(Case.number == case_number)).one()
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id)))


def test_a_retry_runs_the_due_timer_from_the_last_good_state(ctx: Context) -> None:
    number = _failed_at_the_notice_timer(ctx)
    with freeze_time(NOTICE_OVER):
        assert timers.tick(ctx) == 0  # parked: the worker leaves it alone
        retried = admin.retry_instance(ctx, "admin1", number)
    assert retried.status == "running"
    view = case_view.show_case(ctx, number)
    assert view.instance_status == "running"
    assert view.error_message is None
    # 5000 ≥ 3200: the county decides.
    assert [t.task_name for t in view.tasks if t.state == "open"] == ["county_review"]
    actions = _actions(ctx, number)
    assert actions[actions.index("workflow_error") :][:2] == ["workflow_error", "admin.instance_retried"]
    assert "task_created" in actions[actions.index("admin.instance_retried") :]
    with ctx.db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "admin.instance_retried")).one()
    assert (event.actor_name, event.actor_role) == ("admin1", "admin")
    assert event.details == {"previous_error": {"message": "脚本运行超时", "element": "decide_level"}}
    assert audit.verify(ctx.db).ok


def test_a_failure_that_repeats_leaves_the_instance_in_error(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    number = _failed_at_the_notice_timer(ctx)

    def fail(self: IsolatedRun) -> None:
        raise WorkflowFailed("再次运行超时", "decide_level")

    monkeypatch.setattr(IsolatedRun, "advance", fail)
    with freeze_time(NOTICE_OVER), pytest.raises(WorkflowFailed):
        admin.retry_instance(ctx, "admin1", number)
    view = case_view.show_case(ctx, number)
    assert (view.instance_status, view.error_message) == ("error", "再次运行超时")
    actions = _actions(ctx, number)
    assert actions.count("workflow_error") == 2
    assert "admin.instance_retried" not in actions  # rolled back with the failed attempt
    assert audit.verify(ctx.db).ok


def test_only_an_administrator_of_the_cases_county_retries_and_only_an_instance_in_error(ctx: Context) -> None:
    number = _failed_at_the_notice_timer(ctx)
    for who in ("clerk1", "auditor1", "approver1"):
        with pytest.raises(PermissionDenied):
            admin.retry_instance(ctx, who, number)
    seed = _failed_at_the_notice_timer(ctx, "clerk_yantai", "yantai-village")
    with pytest.raises(PermissionDenied):
        admin.retry_instance(ctx, "admin1", seed)
    assert case_view.show_case(ctx, seed).instance_status == "error"
    with freeze_time(START):
        healthy = cases.start_case(ctx, "reference_review", "clerk2", {"village": "demo-village-2-1"}).number
    with pytest.raises(InvalidData) as refused:
        admin.retry_instance(ctx, "admin1", healthy)
    assert refused.value.fields == {"instance": [f"案件 {healthy} 的流程没有处于出错状态"]}
    assert case_view.show_case(ctx, number).instance_status == "error"
