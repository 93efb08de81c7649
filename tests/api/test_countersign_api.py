"""会签 over the API and on the task page (docs/countersign.md): the task JSON carries the member and
the round's progress; a member completing another's task is 403, acting twice 409, and nothing changes."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.api.conftest import assert_error, counts
from tests.scenarios.test_temporary_assistance import START, Request, Staff

VOTE = {
    "decision": "approve",
    "meeting_date": "2026-11-23",
    "minutes_reference": "XTJZ-2026-12",
    "approved_amount": "12000.00",
    "opinion": "同意救助",
}


def committee_tasks(ctx: Context) -> dict[str, int]:
    request = Request(ctx, Staff()).start(months=6, persons=5)
    request.pay_advance().complete_paperwork()
    return {t.assignee or "": t.id for t in request.open_tasks() if t.task_name == "committee_review"}


@freeze_time(START)
def test_task_json_carries_member_and_progress_and_refuses_others(ctx: Context, api_as: Any) -> None:
    mine = committee_tasks(ctx)
    one, two = api_as("committee1"), api_as("committee2")

    before = counts(ctx)
    refused = two.post(f"/api/v1/tasks/{mine['committee1']}/complete", {"data": VOTE})
    assert_error(refused, 403)
    assert "该会签任务由 县协调机制 办理" in refused.get_json()["message"]
    assert counts(ctx) == before

    assert one.post(f"/api/v1/tasks/{mine['committee1']}/complete", {"data": VOTE}).status_code == 200
    assert_error(one.post(f"/api/v1/tasks/{mine['committee1']}/complete", {"data": VOTE}), 409)

    shown = two.get(f"/api/v1/tasks/{mine['committee2']}").get_json()
    progress = shown["countersign"]
    assert (progress["member"], progress["total"], progress["signed"], progress["pending"]) == (
        "县协调机制委员二",
        3,
        1,
        2,
    )
    signed = [e for e in progress["entries"] if e["state"] == "signed"]
    assert [(e["member"], e["decision_label"], e["signed_by"]) for e in signed] == [
        ("县协调机制", "同意救助", "县协调机制")
    ]


@freeze_time(START)
def test_a_signed_countersign_task_is_not_withdrawn(ctx: Context, api_as: Any) -> None:
    """One signature of a round cannot be taken back alone (it would reset the round): 409, nothing changes."""
    mine = committee_tasks(ctx)
    one = api_as("committee1")
    assert one.post(f"/api/v1/tasks/{mine['committee1']}/complete", {"data": VOTE}).status_code == 200
    before = counts(ctx)
    refused = one.post(f"/api/v1/tasks/{mine['committee1']}/withdraw", {"reason": "改主意了"})
    assert_error(refused, 409)
    assert "会签意见提交后不能撤回" in refused.get_json()["message"]
    assert counts(ctx) == before


@freeze_time(START)
def test_an_administrator_does_not_move_a_case_into_a_countersign_round(ctx: Context, api_as: Any) -> None:
    """A 会签 step is not a move target (its members' tasks would be half reset): 422 naming the step."""
    mine = committee_tasks(ctx)
    number = api_as("committee1").get(f"/api/v1/tasks/{mine['committee1']}").get_json()["task"]["case_number"]
    admin = api_as("admin1")
    before = counts(ctx)
    refused = admin.post(f"/api/v1/cases/{number}/move", {"to": "committee_review", "reason": "重新会签"})
    assert_error(refused, 422)
    assert "目标步骤：流程中没有步骤 committee_review" in refused.get_json()["fields"]["to"][0]
    assert counts(ctx) == before
