"""终止 a case and an administrator's suspend / resume / cancel (issue 14 parts 4 and 7), end to end on the real
dibao_application and public_notice BPMN, the real engine host and database, with the clock travelled past
the 7-day 公示 (docs/ending-and-pausing-cases.md)."""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from engine import lookups
from engine.context import Context
from engine.errors import Conflict, InvalidData, PermissionDenied
from engine.persistence import Notice, ProcessInstance
from engine.queries import case_page, dossier, extension, inbox
from engine.queries import notices as notice_board
from engine.records import audit
from engine.services import case_ending, cases, notices, tasks, timers
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
NOTICE_OVER = "2026-11-30 02:00:00"  # the 公示 timer (7 days) is due
LATER = "2026-12-01 02:00:00"


def _household() -> dict[str, object]:
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
    )


def _in_notice(ctx: Context) -> Application:
    app = Application(ctx, _household()).start().accept().investigate().first_review()
    assert len(notice_board.open_notices(ctx, "demo-village-1-1")) == 1
    return app


def _actions(ctx: Context, number: str) -> list[str]:
    with ctx.db.read() as session:
        case_id = lookups.get_case(session, number).id
    return [e.action for e in audit.case_history(ctx.db, case_id)]


def _instance(ctx: Context, number: str) -> tuple[str, object]:
    with ctx.db.read() as session:
        case = lookups.get_case(session, number)
        instance = session.query(ProcessInstance).filter_by(case_id=case.id).one()
        return instance.status, instance.next_timer_at


@freeze_time(START)
def test_applicant_withdraws_during_the_notice_the_board_drops_the_household_and_nothing_fires(ctx: Context) -> None:
    app = _in_notice(ctx)
    view = case_ending.terminate(ctx, app.number, "head1", "applicant_withdrew", "申请人书面申请撤回")

    assert (view.status, view.stage, view.instance_status) == ("cancelled", "已终止（申请人撤回申请）", "cancelled")
    assert notice_board.open_notices(ctx, "demo-village-1-1") == []
    assert _instance(ctx, app.number) == ("cancelled", None)
    assert app.open_tasks() == []
    with ctx.db.read() as session:
        (notice,) = session.query(Notice).all()
        assert notice.status == "withdrawn"
        case = lookups.get_case(session, app.number)
        assert case.closed_at is not None
        assert case.termination is not None
        assert (case.termination["ground"], case.termination["reason"]) == ("applicant_withdrew", "申请人书面申请撤回")
        assert case.termination["notice"]["title"] == "终止办理通知书"
        assert "因申请人撤回申请" in case.termination["notice"]["text"]
    actions = _actions(ctx, app.number)
    assert {"case_terminated", "notice_withdrawn"} <= set(actions)

    with freeze_time(NOTICE_OVER):
        assert timers.tick(ctx) == 0  # the 公示 timer stopped with the workflow
    assert _actions(ctx, app.number) == actions

    page = case_page.case_page(ctx, app.number, "head1")
    texts = [e.text for e in page.timeline]
    assert any(t.startswith("终止案件，事由：申请人撤回申请，理由：申请人书面申请撤回") for t in texts)
    assert "案件终止，公示撤回（公示栏不再显示该户）" in texts

    record = dossier.dossier(ctx, "auditor1", app.number)
    assert (record.facts.status, record.facts.stage) == ("cancelled", "已终止（申请人撤回申请）")
    (ended,) = [e for e in record.events if e.action == "case_terminated"]
    assert ended.description.startswith("终止案件，事由：申请人撤回申请")
    assert record.verification.ok


@freeze_time(START)
def test_terminate_twice_or_after_the_decision_is_refused_and_changes_nothing(ctx: Context) -> None:
    app = _in_notice(ctx)
    case_ending.terminate(ctx, app.number, "clerk1", "deceased", "申请人已去世")
    before = _actions(ctx, app.number)
    with pytest.raises(Conflict, match="已终止"):
        case_ending.terminate(ctx, app.number, "clerk1", "other", "再来一次")
    assert _actions(ctx, app.number) == before
    # An ended case's clock has stopped: 延长办理期限 is refused too, and its page offers no form.
    with pytest.raises(Conflict, match="已终止或已办结"):
        cases.extend_legal_clock(ctx, app.number, "approver1", "objection", "终止后不能延长")
    assert _actions(ctx, app.number) == before
    assert extension.extension_grounds(ctx, app.number, "approver1") == {}

    decided = Application(ctx, _household()).start().accept().investigate().first_review()
    with freeze_time(NOTICE_OVER):
        decided.end_notice()
        decided.confirm()
        with pytest.raises(Conflict, match=r"已办结|审批决定"):
            case_ending.terminate(ctx, decided.number, "clerk1", "other", "决定后不能终止")
    assert decided.view().status == "closed"


@freeze_time(START)
def test_terminate_refuses_bad_input_and_people_out_of_scope(ctx: Context) -> None:
    app = Application(ctx, _household()).start().accept()
    with pytest.raises(InvalidData) as unknown:
        case_ending.terminate(ctx, app.number, "clerk1", "bored", "理由")
    assert "ground" in unknown.value.fields
    with pytest.raises(InvalidData) as empty:
        case_ending.terminate(ctx, app.number, "clerk1", "other", "   ")
    assert "reason" in empty.value.fields
    with pytest.raises(PermissionDenied, match="无权终止"):
        case_ending.terminate(ctx, app.number, "clerk2", "other", "另一乡镇")
    with pytest.raises(PermissionDenied, match="无权终止"):
        case_ending.terminate(ctx, app.number, "village1", "other", "村协理员不在 termination_roles 中")
    assert app.view().status == "open"
    assert "case_terminated" not in _actions(ctx, app.number)


@freeze_time(START)
def test_suspended_timer_does_not_fire_until_resumed_and_tasks_cannot_be_worked(ctx: Context) -> None:
    app = _in_notice(ctx)
    view = case_ending.suspend(ctx, app.number, "admin1", "核查举报线索")
    assert (view.status, view.instance_status) == ("suspended", "suspended")
    with pytest.raises(Conflict, match="已处于暂停"):
        case_ending.suspend(ctx, app.number, "admin1", "再次暂停")

    with freeze_time(NOTICE_OVER):
        assert timers.tick(ctx) == 0
        assert app.open_task_names() == []
        case_ending.resume(ctx, app.number, "admin1", "核查完毕")
        with pytest.raises(Conflict, match="未暂停"):
            case_ending.resume(ctx, app.number, "admin1", "再次恢复")
        assert timers.tick(ctx) == 1  # the timer that fell due meanwhile fires at the next sweep
        assert app.open_task_names() == ["county_confirmation"]
        assert app.view().status == "open"
        texts = [e.text for e in case_page.case_page(ctx, app.number, "admin1").timeline]
        assert "系统管理员暂停案件（定时器停止、任务不能办理），理由：核查举报线索" in texts
        assert any(t.startswith("系统管理员恢复案件") for t in texts)


@freeze_time(START)
def test_a_suspended_case_tasks_show_as_paused_and_cannot_be_claimed_or_completed(ctx: Context) -> None:
    app = Application(ctx, _household()).start()
    task = app.task("intake_review")
    case_ending.suspend(ctx, app.number, "admin1", "暂停核查")
    page = inbox.inbox(ctx, "clerk1", inbox.InboxQuery())
    (row,) = [r for r in page.rows if r.case_number == app.number]
    assert row.case_status == "suspended"
    with pytest.raises(Conflict, match="案件已暂停"):
        tasks.claim(ctx, task.id, "clerk1")
    with pytest.raises(Conflict, match="案件已暂停"):
        app.accept()
    with pytest.raises(Conflict, match="已暂停"):
        case_ending.terminate(ctx, app.number, "clerk1", "other", "暂停中")

    view = case_ending.cancel(ctx, app.number, "admin1", "重复登记，管理员撤销")
    assert (view.status, view.stage) == ("cancelled", "已终止（其他（管理员撤销））")
    assert app.open_tasks() == []
    assert inbox.inbox(ctx, "clerk1", inbox.InboxQuery()).total == 0
    with pytest.raises(Conflict, match="已终止"):
        case_ending.suspend(ctx, app.number, "admin1", "已结束")
    with pytest.raises(PermissionDenied):
        case_ending.suspend(ctx, app.number, "clerk1", "不是管理员")


@freeze_time(START)
def test_the_public_may_still_object_to_the_notice_of_a_suspended_case(ctx: Context) -> None:
    app = _in_notice(ctx)
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    case_ending.suspend(ctx, app.number, "admin1", "核查")
    notices.object_to_notice(ctx, notice.id, "该户有车辆未申报")
    view = app.view()
    assert (view.status, view.instance_status) == ("suspended", "suspended")
    assert "objection_received" in _actions(ctx, app.number)
    case_ending.resume(ctx, app.number, "admin1", "核查完毕")
    with freeze_time(NOTICE_OVER):
        assert timers.tick(ctx) == 1
        assert app.open_task_names() == ["objection_handling"]  # the objection received while paused counts
