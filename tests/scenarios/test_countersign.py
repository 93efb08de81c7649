"""会签 end to end (docs/countersign.md): the 一事一议 of a large 临时救助 signed by three committee
members, each on a task of their own, decided by the majority the region's parameter asks for; and the
民主评议 held member by member, refused without quorum and held again."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import Conflict, InvalidData, PermissionDenied
from engine.persistence import User
from engine.queries import case_page, task_page
from engine.queries import notices as notice_board
from engine.results import TaskSummary
from engine.services import notices, tasks
from tests.scenarios.countersign_flow import PANEL, convene, hold_democratic_review, sign
from tests.scenarios.flow import Application
from tests.scenarios.test_dibao_application import DAY_5, NOTICE_OVER, _scenario_1
from tests.scenarios.test_temporary_assistance import START, Request, Staff, _case_events

COMMITTEE = ("committee1", "committee2", "committee3")


def _vote(decision: str, amount: str | None = None, opinion: str = "同意") -> dict[str, Any]:
    data: dict[str, Any] = {
        "decision": decision,
        "meeting_date": "2026-11-23",
        "minutes_reference": "XTJZ-2026-11",
        "opinion": opinion,
    }
    if amount is not None:
        data["approved_amount"] = amount
    return data


def _member_tasks(request: Request) -> dict[str, TaskSummary]:
    return {t.assignee or "": t for t in request.open_tasks() if t.task_name == "committee_review"}


@freeze_time(START)
def test_committee_countersign_three_members_decide_by_majority(ctx: Context) -> None:
    # A fire of 9,600 above the national default's county limit goes to the committee (scenario 11).
    request = Request(ctx, Staff()).start(months=6, persons=5)
    assert request.assessment()["approval_level"] == "committee"
    request.pay_advance().complete_paperwork()

    mine = _member_tasks(request)
    assert sorted(mine) == sorted(COMMITTEE)  # one task per member, each already theirs
    assert {t.state for t in mine.values()} == {"claimed"}
    assert mine["committee2"].title == "协调机制一事一议：县协调机制委员二"
    assert request.view().stage == "协调机制一事一议"  # the step, once, not each member

    # A member completing another's task: 403 naming whose it is; nothing changes.
    with pytest.raises(PermissionDenied, match="该会签任务由 县协调机制委员二 办理"):
        tasks.complete(ctx, mine["committee2"].id, "committee1", _vote("approve", "12000.00"))

    # A member's task stays theirs: not handed to a colleague, not given back to the pool.
    with pytest.raises(PermissionDenied, match="会签任务须由成员本人办理，不能转办"):
        tasks.transfer(ctx, mine["committee1"].id, "committee1", "committee2", "出差")
    with pytest.raises(PermissionDenied, match="不能取消签收"):
        tasks.unclaim(ctx, mine["committee1"].id, "committee1")

    tasks.complete(ctx, mine["committee1"].id, "committee1", _vote("approve", "12000.00"))
    # Acting twice: the task is done: 409.
    with pytest.raises(Conflict):
        tasks.complete(ctx, mine["committee1"].id, "committee1", _vote("reject"))
    tasks.complete(ctx, mine["committee2"].id, "committee2", _vote("reject", opinion="应由县级审批"))
    assert sorted(_member_tasks(request)) == ["committee3"]  # 1 : 1, undecided
    tasks.complete(ctx, mine["committee3"].id, "committee3", _vote("approve", "10000.00"))

    done = request.view()
    # Two of three approved: granted, at the lower of the amounts the approving members signed for.
    assert (done.status, done.outcome, done.decided_amount) == ("closed", "approved", "10000.00")
    signed = [
        (e.actor_name, e.task_id)
        for e in _case_events(ctx, request.number)
        if e.action == "task_completed" and e.details["task"] == "committee_review"
    ]
    # Each member's signature is audited on its own task, and each task keeps what its member decided.
    assert [who for who, _ in signed] == list(COMMITTEE)
    assert sorted(task_id for _, task_id in signed) == sorted(t.id for t in mine.values())
    decided = {t.completed_by: t.decision for t in done.tasks if t.task_name == "committee_review"}
    assert decided == {"committee1": "approve", "committee2": "reject", "committee3": "approve"}
    # The case timeline says, in Chinese, who signed what.
    timeline = [e.text for e in case_page.case_page(ctx, request.number, "committee1").timeline]
    assert "办结任务“协调机制一事一议：县协调机制委员二”，结论：不予救助，意见：应由县级审批" in timeline


# --- 民主评议 as a 会签 ---------------------------------------------------------------------------


@freeze_time(START)
def test_democratic_review_refused_without_quorum_then_held_again(ctx: Context) -> None:
    app = Application(ctx, _scenario_1()).start().accept().investigate().first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    with freeze_time(DAY_5):
        notices.object_to_notice(ctx, notice.id, "该户有一辆货车未申报")
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.complete("objection_handling", "head1", {"decision": "democratic_review", "opinion": "组织民主评议核实"})
        assert app.open_task_names() == ["convene_review"]

        # Too small once the related member withdraws (parameter: at least 5), and too few representatives: 422.
        with pytest.raises(InvalidData) as small:
            convene(app, PANEL[:3] + PANEL[5:])
        assert small.value.fields["panel"] == [
            "评议人员：回避后 3 人，少于最低人数 5 人",
        ]
        with pytest.raises(InvalidData) as few_reps:
            convene(app, [{**p, "kind": "village_cadre"} if i < 2 else p for i, p in enumerate(PANEL)])
        assert "居民代表 3 人，不足回避后评议人员 5 人的 2/3" in few_reps.value.fields["panel"][0]

        convene(app)
        # The related member withdrew: five tasks, one per seated member, titled with the member.
        assert app.open_task_names() == ["hold_review"] * 5
        assert "民主评议：居民代表己" not in [t.title for t in app.open_tasks()]
        with pytest.raises(InvalidData) as unsigned:
            tasks.complete(ctx, app.task("hold_review").id, "head1", {"attendance": "present", "decision": "agree"})
        assert "signed" in unsigned.value.fields

        # First sitting: 2 of 5 present, short of 2/3: the review does not stand and is convened again.
        sign(
            app,
            {"乡镇干部甲": None, "居民代表乙": "agree", "居民代表丙": "agree", "居民代表丁": None, "居民代表戊": None},
        )
        assert app.open_task_names() == ["convene_review"]
        reopened = task_page.show_task(ctx, app.task("convene_review").id, "head1")
        assert reopened.data["previous_sitting"] == "出席 2 人，不足应到 5 人的 2/3：本次民主评议不成立，请重新组织"

        # Second sitting: quorum, 3 of 4 agree (≥ 2/3): the case goes on to a new 初审.
        hold_democratic_review(app)
        assert app.open_task_names() == ["first_review"]
    signed = [t for t in app.view().tasks if t.task_name == "hold_review" and t.state == "completed"]
    assert len(signed) == 10  # each member's record of each sitting is kept


@freeze_time(START)
def test_a_member_deactivated_since_registration_leaves_the_task_to_the_committee_role(ctx: Context) -> None:
    request = Request(ctx, Staff()).start(months=6, persons=5)
    with ctx.db.write() as session:
        user = session.scalars(select(User).where(User.username == "committee3")).unique().one()
        user.active = False
    request.pay_advance().complete_paperwork()
    (orphan,) = [t for t in request.open_tasks() if t.task_name == "committee_review" and t.assignee is None]
    assert (orphan.title, orphan.state) == ("协调机制一事一议：县协调机制委员三", "open")
    tasks.complete(ctx, orphan.id, "committee1", _vote("approve", "9000.00"))  # a colleague signs it
