"""会签 end to end (docs/countersign.md): the 一事一议 of a large 临时救助 signed by three committee
members, each on a task of their own, decided by the majority the region's parameter asks for; and the
民主评议 held member by member, refused without quorum and held again."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.errors import Conflict, PermissionDenied
from engine.results import TaskSummary
from engine.services import tasks
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

    # A member completing another's task: 403 naming whose it is; nothing changes.
    with pytest.raises(PermissionDenied, match="该会签任务由 县协调机制委员二 办理"):
        tasks.complete(ctx, mine["committee2"].id, "committee1", _vote("approve", "12000.00"))

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
