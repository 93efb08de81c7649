"""委派 over the JSON API (docs/delegation.md): delegate, save a draft as the delegate, hand back, complete; the
task's JSON (GET /tasks/<id>, the inbox) shows the delegation; refusals are JSON errors with the right status."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.api.conftest import REGISTER, assert_error, counts, reference_task
from tests.conftest import add_second_clerk


@freeze_time("2026-11-23 01:00:00")
def test_delegate_draft_hand_back_and_complete(ctx: Context, api_as: Any) -> None:
    add_second_clerk(ctx)
    holder, delegate = api_as("clerk1"), api_as("clerk1b", "pw-12345678")
    task_id = reference_task(ctx)
    base = f"/api/v1/tasks/{task_id}"
    assert holder.post(f"{base}/claim").status_code == 200

    reply = holder.post(f"{base}/delegate", {"to": "clerk1b", "note": "请协助登记"})
    assert reply.status_code == 200, reply.get_json()
    shown = reply.get_json()["delegation"]
    assert (shown["delegate"], shown["delegate_name"], shown["note"], shown["active"]) == (
        "clerk1b",
        "城关镇经办人乙",
        "请协助登记",
        True,
    )
    (row,) = delegate.get("/api/v1/tasks?view=delegated").get_json()["items"]
    assert (row["id"], row["assignee"], row["delegation"]["active"]) == (task_id, "clerk1", True)

    before = counts(ctx)
    assert_error(delegate.post(f"{base}/complete", {"data": REGISTER}), 403, "forbidden")
    body = assert_error(holder.post(f"{base}/complete", {"data": REGISTER}), 409)
    assert "任务已委派给 城关镇经办人乙（clerk1b），请先收回或等待交回" in body["message"]
    assert_error(holder.post(f"{base}/delegate", {"to": "clerk1b"}), 409)
    assert_error(holder.post(f"{base}/hand-back"), 403)
    assert counts(ctx) == before

    assert delegate.put(f"{base}/draft", {"data": REGISTER}).status_code == 200
    back = delegate.post(f"{base}/hand-back", {"note": "已填好"})
    assert back.status_code == 200, back.get_json()
    assert back.get_json()["delegation"]["active"] is False
    detail = holder.get(base).get_json()
    assert detail["task"]["delegation"]["hand_back_note"] == "已填好"
    assert detail["data"] == REGISTER  # the holder's form opens with what the delegate saved
    assert holder.post(f"{base}/complete", {"data": REGISTER}).status_code == 200


@freeze_time("2026-11-23 01:00:00")
def test_bad_delegate_is_422_naming_the_field(ctx: Context, api_as: Any) -> None:
    holder = api_as("clerk1")
    task_id = reference_task(ctx)
    holder.post(f"/api/v1/tasks/{task_id}/claim")
    before = counts(ctx)
    body = assert_error(holder.post(f"/api/v1/tasks/{task_id}/delegate", {"to": "clerk2"}), 422)
    assert body["fields"] == {"to": ["被委派人：河西乡经办人（clerk2）不属于城关镇"]}
    assert_error(holder.post(f"/api/v1/tasks/{task_id}/delegate", {"note": "x"}), 422)  # `to` is required
    assert_error(holder.post(f"/api/v1/tasks/{task_id}/recall"), 409)
    assert counts(ctx) == before
    document = holder.get("/api/v1/openapi.json").get_json()
    assert {"/tasks/{task_id}/delegate", "/tasks/{task_id}/hand-back", "/tasks/{task_id}/recall"} <= {
        path.removeprefix("/api/v1") for path in document["paths"]
    }
