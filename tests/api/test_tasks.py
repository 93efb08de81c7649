"""The inbox and task actions over the API: the same services, rules and audit events as the pages."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from engine.queries import task_page
from tests.api.conftest import REGISTER, Api, application_in_notice, assert_error, counts, reference_task, task_state
from tests.conftest import add_second_clerk


def test_inbox_views_paging_and_filters(ctx: Context, api_as: Any) -> None:
    first, second = reference_task(ctx), reference_task(ctx)
    reference_task(ctx, "demo-village-1-2")
    clerk1: Api = api_as("clerk1")
    listed = clerk1.get("/api/v1/tasks").get_json()
    assert (listed["view"], listed["total"], listed["limit"], listed["offset"]) == ("open", 3, 50, 0)
    assert [t["id"] for t in listed["items"]][:2] == [first, second]
    item = listed["items"][0]
    assert (item["title"], item["role"], item["org_unit"], item["state"]) == (
        "受理登记",
        "township_clerk",
        "demo-town-1",
        "open",
    )
    page = clerk1.get("/api/v1/tasks?limit=1&offset=1").get_json()
    assert (page["total"], [t["id"] for t in page["items"]]) == (3, [second])
    village = clerk1.get("/api/v1/tasks?village=demo-village-1-2").get_json()
    assert village["total"] == 1
    assert clerk1.get("/api/v1/tasks?process=dibao_application").get_json()["total"] == 0
    assert clerk1.get("/api/v1/tasks?view=claimed").get_json()["items"] == []
    assert clerk1.get("/api/v1/tasks?view=done").get_json()["items"] == []
    assert clerk1.get("/api/v1/tasks?view=overdue").get_json()["items"] == []
    assert api_as("clerk2").get("/api/v1/tasks").get_json()["total"] == 0  # another township


def test_bad_queries_are_422_with_fields(api_as: Any) -> None:
    clerk1: Api = api_as("clerk1")
    bad = assert_error(clerk1.get("/api/v1/tasks?view=all&limit=0&offset=-1&colour=red"), 422, "invalid")
    assert set(bad["fields"]) == {"view", "limit", "offset", "colour"}
    assert bad["fields"]["colour"] == ["未知字段"]
    assert assert_error(clerk1.get("/api/v1/tasks?limit=abc"), 422)["fields"] == {"limit": ["必须是整数"]}


def test_show_gives_form_schema_current_values_and_case_summary(ctx: Context, api_as: Any) -> None:
    task_id = reference_task(ctx)
    detail = api_as("clerk1").get(f"/api/v1/tasks/{task_id}").get_json()
    assert detail["task"]["id"] == task_id
    assert detail["form_key"] == "reference_register"
    assert set(detail["form"]["properties"]) == {"applicant_name", "household_size", "requested_amount"}
    assert detail["case"]["kind"] == "reference_review"
    assert detail["case"]["status"] == "open"
    assert detail["earlier_opinions"] == []


def test_claim_unclaim_transfer_and_complete(ctx: Context, api_as: Any) -> None:
    add_second_clerk(ctx)
    task_id = reference_task(ctx)
    clerk1: Api = api_as("clerk1")
    claimed = clerk1.post(f"/api/v1/tasks/{task_id}/claim")
    assert (claimed.status_code, claimed.get_json()["state"], claimed.get_json()["assignee"]) == (
        200,
        "claimed",
        "clerk1",
    )
    assert clerk1.get("/api/v1/tasks?view=claimed").get_json()["total"] == 1
    assert clerk1.post(f"/api/v1/tasks/{task_id}/unclaim").get_json()["state"] == "open"
    moved = clerk1.post(f"/api/v1/tasks/{task_id}/transfer", {"to": "clerk1b", "reason": "休假"})
    assert (moved.status_code, moved.get_json()["assignee"]) == (200, "clerk1b")
    assert_error(clerk1.post(f"/api/v1/tasks/{task_id}/complete", {"data": REGISTER}), 409, "conflict")

    clerk1b: Api = api_as("clerk1b", "pw-12345678")
    done = clerk1b.post(f"/api/v1/tasks/{task_id}/complete", {"data": REGISTER})
    assert done.status_code == 200
    result = done.get_json()
    assert result["task"]["state"] == "completed"
    assert result["task"]["completed_by"] == "clerk1b"
    assert result["new_tasks"] == []  # the reference process waits for its notice period next
    assert clerk1b.get("/api/v1/tasks?view=done").get_json()["total"] == 1


def test_completing_twice_is_409_and_changes_nothing(ctx: Context, api_as: Any) -> None:
    task_id = reference_task(ctx)
    clerk1: Api = api_as("clerk1")
    assert clerk1.post(f"/api/v1/tasks/{task_id}/complete", {"data": REGISTER}).status_code == 200
    before = counts(ctx)
    again = assert_error(clerk1.post(f"/api/v1/tasks/{task_id}/complete", {"data": REGISTER}), 409, "conflict")
    assert "办结" in again["message"]
    assert_error(clerk1.post(f"/api/v1/tasks/{task_id}/claim"), 409)
    assert counts(ctx) == before


def test_invalid_form_data_is_422_with_field_errors_named_by_their_path(ctx: Context, api_as: Any) -> None:
    task_id = reference_task(ctx)
    clerk1: Api = api_as("clerk1")
    before = counts(ctx)
    reply = clerk1.post(
        f"/api/v1/tasks/{task_id}/complete",
        {"data": {"applicant_name": "", "household_size": "three", "requested_amount": "-1", "extra": 1}},
    )
    body = assert_error(reply, 422, "invalid")
    assert set(body["fields"]) == {"data.applicant_name", "data.household_size", "data.requested_amount", "data.extra"}
    assert all(message for messages in body["fields"].values() for message in messages)
    envelope = assert_error(clerk1.post(f"/api/v1/tasks/{task_id}/complete", {"data": [1]}), 422)
    assert envelope["fields"] == {"data": ["必须是 JSON 对象"]}
    assert assert_error(clerk1.post(f"/api/v1/tasks/{task_id}/complete", {}), 422)["fields"] == {"data": ["必填"]}
    transfer = assert_error(clerk1.post(f"/api/v1/tasks/{task_id}/transfer", {"to": "clerk2", "reason": "试试"}), 422)
    assert set(transfer["fields"]) == {"to"}
    assert counts(ctx) == before
    assert task_state(ctx, task_id) == ("open", None)


def test_a_low_task_of_the_dibao_flow_completes_with_decision_and_opinion(ctx: Context, api_as: Any) -> None:
    with freeze_time("2026-11-23 01:00:00"):
        application, _notice = application_in_notice(ctx)
        with freeze_time("2026-11-30 02:00:00"):
            application.end_notice()
            (task,) = [t for t in application.open_tasks() if t.task_name == "county_confirmation"]
            approver: Api = api_as("approver1")
            missing = assert_error(
                approver.post(f"/api/v1/tasks/{task.id}/complete", {"data": {"decision": "approve"}}), 422
            )
            assert "data.opinion" in missing["fields"]
            done = approver.post(
                f"/api/v1/tasks/{task.id}/complete", {"data": {"decision": "approve", "opinion": "符合条件，确认保障"}}
            )
            assert done.status_code == 200
            assert (done.get_json()["case_status"], done.get_json()["task"]["decision"]) == ("closed", "approve")
    case = api_as("approver1").get(f"/api/v1/cases/{application.number}").get_json()
    assert (case["outcome"], case["decided_amount"]) == ("approved", "900.00")
    assert case["enrollment"]["monthly_amount"] == "900.00"


def test_out_of_scope_tasks_are_403_and_unknown_ones_404(ctx: Context, api_as: Any) -> None:
    task_id = reference_task(ctx)  # 城关镇 (demo-town-1)
    clerk2: Api = api_as("clerk2")  # 河西乡
    before = counts(ctx)
    assert_error(clerk2.get(f"/api/v1/tasks/{task_id}"), 403, "forbidden")
    assert_error(clerk2.post(f"/api/v1/tasks/{task_id}/claim"), 403, "forbidden")
    assert_error(clerk2.post(f"/api/v1/tasks/{task_id}/transfer", {"to": "clerk1", "reason": "试试"}), 403)
    assert_error(clerk2.post(f"/api/v1/tasks/{task_id}/complete", {"data": REGISTER}), 403)
    assert_error(clerk2.post(f"/api/v1/tasks/{task_id}/unclaim"), 409)  # 取消签收: only the assignee's own
    assert_error(clerk2.get("/api/v1/tasks/999999"), 404, "not_found")
    assert_error(clerk2.post("/api/v1/tasks/999999/complete", {"data": {}}), 404)
    assert counts(ctx) == before
    assert task_state(ctx, task_id) == ("open", None)
    assert task_page.show_task(ctx, task_id).summary.state == "open"
