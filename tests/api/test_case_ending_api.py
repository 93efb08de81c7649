"""The JSON API of 终止 and the administrators' suspend / resume / cancel: statuses, Chinese errors, nothing
written on refusal, and the OpenAPI document (docs/ending-and-pausing-cases.md)."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.api.conftest import application_in_notice, assert_error, counts, reference_task


@freeze_time("2026-11-23 01:00:00")
def test_terminate_through_the_api_then_twice_is_409(ctx: Context, api_as: Any) -> None:
    application, _notice = application_in_notice(ctx)
    head = api_as("head1")
    url = f"/api/v1/cases/{application.number}/terminate"
    reply = head.post(url, {"ground": "moved_away", "reason": "全家迁往外省"})
    assert reply.status_code == 200, reply.get_json()
    body = reply.get_json()
    assert (body["status"], body["stage"], body["open_tasks"]) == ("cancelled", "已终止（迁出）", [])
    assert api_as("clerk1").get("/api/v1/notices?village=demo-village-1-1").get_json()["items"] == []

    before = counts(ctx)
    error = assert_error(head.post(url, {"ground": "other", "reason": "再次"}), 409, "conflict")
    assert "已终止" in error["message"]
    assert counts(ctx) == before


@freeze_time("2026-11-23 01:00:00")
def test_bad_ground_or_empty_reason_is_422_naming_the_field(ctx: Context, api_as: Any) -> None:
    reference_task(ctx)
    clerk = api_as("clerk1")
    number = clerk.get("/api/v1/tasks").get_json()["items"][0]["case_number"]
    before = counts(ctx)
    bad = assert_error(clerk.post(f"/api/v1/cases/{number}/terminate", {"ground": "x", "reason": "r"}), 422)
    assert set(bad["fields"]) == {"ground"}
    empty = assert_error(clerk.post(f"/api/v1/cases/{number}/terminate", {"ground": "other", "reason": " "}), 422)
    assert set(empty["fields"]) == {"reason"}
    assert counts(ctx) == before


@freeze_time("2026-11-23 01:00:00")
def test_admin_suspends_resumes_and_cancels(ctx: Context, api_as: Any) -> None:
    task_id = reference_task(ctx)
    admin, clerk = api_as("admin1"), api_as("clerk1")
    number = clerk.get(f"/api/v1/tasks/{task_id}").get_json()["task"]["case_number"]
    base = f"/api/v1/cases/{number}"

    assert admin.post(f"{base}/resume", {"reason": "未暂停"}).status_code == 409
    reply = admin.post(f"{base}/suspend", {"reason": "核查"})
    assert (reply.status_code, reply.get_json()["status"]) == (200, "suspended")
    error = assert_error(clerk.post(f"/api/v1/tasks/{task_id}/claim"), 409, "conflict")
    assert "案件已暂停" in error["message"]
    assert admin.post(f"{base}/suspend", {"reason": "再次"}).status_code == 409
    assert admin.post(f"{base}/resume", {"reason": "核查完毕"}).get_json()["status"] == "open"
    assert clerk.post(f"/api/v1/tasks/{task_id}/claim").status_code == 200

    reply = admin.post(f"{base}/cancel", {"reason": "重复登记"})
    assert (reply.status_code, reply.get_json()["status"]) == (200, "cancelled")
    assert admin.post(f"{base}/cancel", {"reason": "再次"}).status_code == 409
    assert admin.post(f"{base}/suspend", {"reason": "已结束"}).status_code == 409
    history = clerk.get(f"{base}/history").get_json()["events"]
    actions = [e["action"] for e in history]
    assert {"case_suspended", "case_resumed", "case_terminated", "task_cancelled"} <= set(actions)


def test_openapi_documents_the_grounds(anonymous: Any) -> None:
    document = anonymous.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/cases/{number}/terminate" in document["paths"]
    schema = document["components"]["schemas"]["TerminateRequest"]
    assert schema["properties"]["ground"]["enum"][0] == "applicant_withdrew"
