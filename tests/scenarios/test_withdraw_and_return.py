"""撤回, 退回 and an administrator's move, end to end through the real dibao_application BPMN on the real
engine and database (docs/withdraw-and-return.md)."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest
from freezegun import freeze_time

from engine import lookups
from engine.context import Context
from engine.errors import Conflict, InvalidData, PermissionDenied
from engine.persistence import HumanTask
from engine.queries import case_page
from engine.records import audit
from engine.services import rewinding, tasks
from tests.conftest import MakeContext, add_second_clerk
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time


def _family() -> dict[str, object]:
    # n = 3, wage 1,500 → p = 500 < 800: eligible, as scenario 1 of docs/rules.md.
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
    )


def _rows(ctx: Context, number: str, name: str) -> list[HumanTask]:
    with ctx.db.read() as session:
        case = lookups.get_case(session, number)
        found = session.query(HumanTask).filter_by(case_id=case.id, task_name=name).order_by(HumanTask.id).all()
        session.expunge_all()
        return found


def _actions(ctx: Context, number: str) -> list[str]:
    with ctx.db.read() as session:
        case_id = lookups.get_case(session, number).id
    return [e.action for e in audit.case_history(ctx.db, case_id)]


def _state(ctx: Context, number: str) -> tuple[bytes, list[tuple[int, str]]]:
    with ctx.db.read() as session:
        case = lookups.get_case(session, number)
        rows = session.query(HumanTask).filter_by(case_id=case.id).order_by(HumanTask.id).all()
        instance_state = rows[0].instance.state
        return instance_state, [(r.id, r.state) for r in rows]


@freeze_time(START)
def test_a_clerk_withdraws_a_wrongly_submitted_intake_review_and_resubmits(ctx: Context) -> None:
    app = Application(ctx, _family()).start()
    intake = app.task("intake_review").id
    app.accept()
    assert app.open_task_names() == ["start_investigation"]

    result = rewinding.withdraw(ctx, intake, "clerk1", "误点了受理，承诺书尚未签字")

    # The step reopens for the clerk, claimed, with what was submitted as its draft; the next step is gone.
    assert app.open_task_names() == ["intake_review"]
    (reopened,) = result.new_tasks
    assert reopened.task_name == "intake_review"
    old, new = _rows(ctx, app.number, "intake_review")
    assert (old.state, new.state, new.assignee_id, new.reopen_kind) == (
        "withdrawn",
        "claimed",
        old.completed_by_id,
        "withdrawn",
    )
    assert new.draft == old.submission
    assert new.reopen_reason == "误点了受理，承诺书尚未签字"
    (gone,) = _rows(ctx, app.number, "start_investigation")
    assert gone.state == "withdrawn"
    actions = _actions(ctx, app.number)
    assert actions.index("task_completed") < actions.index("task_withdrawn")

    # Resubmitted, the case goes on as if the first submission had not happened.
    app.accept()
    assert app.open_task_names() == ["start_investigation"]
    app.investigate()
    assert app.open_task_names() == ["first_review"]
    page = case_page.case_page(ctx, app.number, "clerk1")
    labels = [s.state_label for s in page.steps if s.step == "intake_review"]
    assert labels == ["已撤回", None]
    timeline = " ".join(entry.text for entry in page.timeline)
    assert "撤回" in timeline
    assert "误点了受理" in timeline


@freeze_time(START)
def test_withdraw_is_refused_once_the_next_step_is_claimed_or_saved_and_nothing_changes(ctx: Context) -> None:
    app = Application(ctx, _family()).start()
    intake = app.task("intake_review").id
    app.accept()
    next_id = app.task("start_investigation").id

    tasks.claim(ctx, next_id, "clerk1")
    before = _state(ctx, app.number)
    with pytest.raises(Conflict, match="已签收"):
        rewinding.withdraw(ctx, intake, "clerk1", "想撤回")
    assert _state(ctx, app.number) == before

    tasks.unclaim(ctx, next_id, "clerk1")
    tasks.save_draft(ctx, next_id, "clerk1", {"planned_visit_date": "2026-11-25"})
    before = _state(ctx, app.number)
    with pytest.raises(Conflict, match="已暂存"):
        rewinding.withdraw(ctx, intake, "clerk1", "想撤回")
    assert _state(ctx, app.number) == before


@freeze_time(START)
def test_only_the_person_who_completed_a_step_may_withdraw_it(ctx: Context) -> None:
    add_second_clerk(ctx)
    app = Application(ctx, _family()).start()
    intake = app.task("intake_review").id
    app.accept()
    with pytest.raises(PermissionDenied):
        rewinding.withdraw(ctx, intake, "clerk1b", "替同事撤回")
    with pytest.raises(InvalidData):
        rewinding.withdraw(ctx, intake, "clerk1", "  ")
    assert app.open_task_names() == ["start_investigation"]


@freeze_time(START)
def test_withdraw_racing_the_next_completion_one_wins_and_nothing_is_lost(ctx: Context) -> None:
    app = Application(ctx, _family()).start()
    intake = app.task("intake_review").id
    app.accept()
    next_id = app.task("start_investigation").id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(action: str) -> None:
        barrier.wait()
        try:
            if action == "withdraw":
                rewinding.withdraw(ctx, intake, "clerk1", "撤回")
            else:
                tasks.complete(
                    ctx,
                    next_id,
                    "clerk1",
                    {
                        "investigators": ["王调查", "李调查"],
                        "planned_visit_date": "2026-11-25",
                        "verification_requested": True,
                    },
                )
            outcomes.append(action)
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=run, args=(a,)) for a in ("withdraw", "complete")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["complete", "conflict"], ["conflict", "withdraw"])
    names = app.open_task_names()
    if "withdraw" in outcomes:
        assert names == ["intake_review"]
    else:
        assert names == ["data_verification", "home_visit"]


@freeze_time(START)
def test_county_confirmation_returns_the_case_to_the_home_visit_and_it_comes_back_with_a_new_visit(
    ctx: Context,
) -> None:
    app = Application(ctx, _family()).start()
    app.accept().investigate().first_review()
    with freeze_time("2026-11-30 02:00:00"):
        assert app.end_notice() == 1
        assert app.open_task_names() == ["county_confirmation"]
        confirmation = app.task("county_confirmation").id
        with pytest.raises(InvalidData) as refused:
            rewinding.return_to(ctx, confirmation, "approver1", "first_review", "初审意见不清")
        assert refused.value.fields == {"to": ["退回步骤：“审核确认”只能退回到 入户调查、信息核对"]}
        result = rewinding.return_to(ctx, confirmation, "approver1", "home_visit", "入户调查记录缺少签字")
        assert [t.task_name for t in result.new_tasks] == ["home_visit"]
        assert app.open_task_names() == ["home_visit"]
        old, new = _rows(ctx, app.number, "home_visit")
        assert (old.state, new.state, new.reopen_kind, new.reopen_reason) == (
            "superseded",
            "open",
            "returned",
            "入户调查记录缺少签字",
        )
        (returned,) = _rows(ctx, app.number, "county_confirmation")
        assert returned.state == "returned"
        # 信息核对 was not sent back: its record stays current.
        assert [r.state for r in _rows(ctx, app.number, "data_verification")] == ["completed"]

        app.complete(
            "home_visit",
            "clerk1",
            {
                "investigators": ["王调查", "李调查"],
                "visit_date": "2026-11-30",
                "method": "in_person",
                "members_present": "申请人本人",
                "signed_record": "RH-2026-002",
                "findings": "补签入户调查记录",
            },
        )
        assert app.open_task_names() == ["first_review"]
        page = case_page.case_page(ctx, app.number, "clerk1")
        visits = [(s.state_label, s.at) for s in page.steps if s.step == "home_visit"]
        assert [label for label, _ in visits] == ["已退回（作废）", None]


@freeze_time(START)
def test_a_withdrawn_advance_payment_keeps_its_24_hour_limit(ctx: Context) -> None:
    from tests.scenarios.test_temporary_assistance import HUINING, Request

    request = Request(ctx, HUINING).start()
    advance = request.task("advance_payment")
    assert advance.due_at == datetime(2026, 11, 24, 1, 0)
    request.pay_advance()
    assert request.open_task_names() == ["paperwork"]
    with freeze_time("2026-11-23 03:00:00"):  # two hours later: still within the 24 hours
        result = rewinding.withdraw(ctx, advance.id, HUINING.head, "发放方式选错")
        (reopened,) = result.new_tasks
        # The reopened step is due when the first 24 hours end, not 24 hours after the withdrawal.
        assert reopened.due_at == datetime(2026, 11, 24, 1, 0)
        assert request.view().next_timer_at == datetime(2026, 11, 24, 1, 0)
        request.pay_advance()
        assert request.open_task_names() == ["paperwork"]


@freeze_time(START)
def test_an_administrator_moves_a_case_back_to_the_home_visit(ctx: Context) -> None:
    app = Application(ctx, _family()).start()
    app.accept().investigate()
    assert app.open_task_names() == ["first_review"]
    with pytest.raises(PermissionDenied):
        rewinding.move_case(ctx, "clerk1", app.number, "home_visit", "卡住了")
    with pytest.raises(InvalidData):
        rewinding.move_case(ctx, "admin1", app.number, "county_confirmation", "尚未到达")
    moved = rewinding.move_case(ctx, "admin1", app.number, "入户调查", "调查记录丢失，重新入户")
    assert [t.task_name for t in moved.reopened] == ["home_visit"]
    assert app.open_task_names() == ["home_visit"]
    (first_review,) = _rows(ctx, app.number, "first_review")
    assert first_review.state == "superseded"
    assert "case_moved" in _actions(ctx, app.number)
    assert audit.verify(ctx.db).ok


@freeze_time(START)
def test_first_review_returns_to_the_home_visit_after_the_visit_finished_first(ctx: Context) -> None:
    """The other order of the parallel investigation: 入户调查 done before 信息核对 (the fired join hangs
    under 信息核对), then 初审 returns to 入户调查; after the new visit the case reaches 初审 once."""
    app = Application(ctx, _family()).start()
    app.accept().investigate()
    first_review = app.task("first_review").id
    tasks.claim(ctx, first_review, "head1")
    rewinding.return_to(ctx, first_review, "head1", "data_verification", "核对报告缺少车辆信息")
    assert app.open_task_names() == ["data_verification"]
    app.complete(
        "data_verification",
        "verify1",
        {"result": "consistent", "checked_items": ["tax", "real_estate", "vehicle"], "report": "补核车辆，无异常"},
    )
    assert app.open_task_names() == ["first_review"]


@freeze_time(START)
def test_moving_a_case_out_of_its_public_notice_closes_the_notice_and_a_new_one_follows(ctx: Context) -> None:
    from engine.queries import notices as notice_board

    app = Application(ctx, _family()).start()
    app.accept().investigate().first_review()
    assert len(notice_board.open_notices(ctx, "demo-village-1-1")) == 1
    with pytest.raises(Conflict, match="已发布公示"):  # the completion itself moved the case on
        rewinding.withdraw(ctx, _rows(ctx, app.number, "first_review")[0].id, "head1", "撤回初审")

    moved = rewinding.move_case(ctx, "admin1", app.number, "first_review", "初审金额录入有误")
    assert [t.task_name for t in moved.reopened] == ["first_review"]
    assert notice_board.open_notices(ctx, "demo-village-1-1") == []  # the called 公示 is gone with its timer
    assert app.view().next_timer_at is None

    app.first_review()
    assert len(notice_board.open_notices(ctx, "demo-village-1-1")) == 1
    with freeze_time("2026-11-30 02:00:00"):
        assert app.end_notice() == 1
        assert app.open_task_names() == ["county_confirmation"]


@freeze_time(START)
def test_withdrawing_the_step_that_started_the_democratic_review_drops_the_called_process(
    make_context: MakeContext, processes_dir: Path
) -> None:
    path = processes_dir / "default" / "parameters.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('2021-07-01 = "on_objection"', '2021-07-01 = "always"'), encoding="utf-8")
    ctx = make_context()
    app = Application(ctx, _family()).start().accept().investigate()
    assert app.open_task_names() == ["convene_review"]  # inside the called 民主评议: the panel first (会签)
    (verification,) = _rows(ctx, app.number, "data_verification")

    rewinding.withdraw(ctx, verification.id, "verify1", "核对项目漏选车辆")
    assert app.open_task_names() == ["data_verification"]
    assert [r.state for r in _rows(ctx, app.number, "convene_review")] == ["withdrawn"]
    app.complete(
        "data_verification",
        "verify1",
        {"result": "consistent", "checked_items": ["tax", "real_estate", "vehicle"], "report": "补选车辆，无异常"},
    )
    assert app.open_task_names() == ["convene_review"]

    moved = rewinding.move_case(ctx, "admin1", app.number, "home_visit", "入户调查需重做")
    assert [t.task_name for t in moved.reopened] == ["home_visit"]
    assert app.open_task_names() == ["home_visit"]
