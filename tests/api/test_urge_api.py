"""POST /api/v1/tasks/{id}/urge (docs/urge-and-copy.md): 200 with who was told and when the next 催办 is
allowed, 403 outside scope, 404, 409 for a completed task, 422 for the message, 429 with Retry-After and a
Chinese message naming the next allowed time, and allowed again once the interval has passed."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from engine.services import tasks
from tests.api.conftest import REGISTER, assert_error, counts, reference_task

START = "2026-11-23 01:00:00"


def test_urging_by_api(ctx: Context, api_as: Any) -> None:
    with freeze_time(START):
        task_id = reference_task(ctx)
        approver = api_as("approver1")
        reply = approver.post(f"/api/v1/tasks/{task_id}/urge", {"message": "请今天内办结"})
        assert reply.status_code == 200, reply.get_json()
        body = reply.get_json()
        assert (body["task_id"], body["urged"], body["title"]) == (task_id, ["clerk1"], "受理登记")
        assert (body["urged_at"], body["next_allowed_at"]) == ("2026-11-23T01:00:00+00:00", "2026-11-23T05:00:00+00:00")
    with freeze_time("2026-11-23 03:00:00"):
        before = counts(ctx)
        refused = approver.post(f"/api/v1/tasks/{task_id}/urge", {"message": "再催一次"})
        error = assert_error(refused, 429, "rate_limited")
        assert refused.headers["Retry-After"] == "7200"
        assert "下次可催办时间：2026-11-23 13:00" in error["message"]
        assert counts(ctx) == before
    with freeze_time("2026-11-23 05:00:00"):
        assert approver.post(f"/api/v1/tasks/{task_id}/urge", {"message": "再催一次"}).status_code == 200


@freeze_time(START)
def test_urging_by_api_refuses_bad_input_scope_and_done_tasks(ctx: Context, api_as: Any) -> None:
    task_id = reference_task(ctx)
    approver, clerk2 = api_as("approver1"), api_as("clerk2")  # signing in is audited: before the count
    before = counts(ctx)
    for body, field in (({"message": ""}, "message"), ({"message": "催" * 201}, "message"), ({}, "message")):
        error = assert_error(approver.post(f"/api/v1/tasks/{task_id}/urge", body), 422, "invalid")
        assert set(error["fields"]) == {field}
    error = assert_error(clerk2.post(f"/api/v1/tasks/{task_id}/urge", {"message": "请尽快"}), 403)
    assert "催办" in error["message"]
    assert_error(approver.post("/api/v1/tasks/999999/urge", {"message": "请尽快"}), 404, "not_found")
    assert counts(ctx) == before
    tasks.complete(ctx, task_id, "clerk1", REGISTER)
    error = assert_error(approver.post(f"/api/v1/tasks/{task_id}/urge", {"message": "请尽快"}), 409, "conflict")
    assert "无需催办" in error["message"]
