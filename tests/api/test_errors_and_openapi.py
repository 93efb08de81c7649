"""JSON errors for everything that can go wrong in the envelope, and the OpenAPI document covering every
route with its security requirement."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask

from engine.context import Context
from engine.errors import WorkflowFailed
from engine.queries import inbox
from engine.services import tasks
from tests.api.conftest import Api, assert_error, counts, reference_task

# docs/contracts.md, names fixed; plus DELETE /auth/token (sign out) and the document itself.
ROUTES = {
    ("post", "/api/v1/auth/token"),
    ("delete", "/api/v1/auth/token"),
    ("get", "/api/v1/tasks"),
    ("get", "/api/v1/tasks/{task_id}"),
    ("post", "/api/v1/tasks/{task_id}/claim"),
    ("post", "/api/v1/tasks/{task_id}/unclaim"),
    # 委派 (docs/delegation.md)
    ("post", "/api/v1/tasks/{task_id}/delegate"),
    ("post", "/api/v1/tasks/{task_id}/hand-back"),
    ("post", "/api/v1/tasks/{task_id}/recall"),
    ("post", "/api/v1/tasks/{task_id}/transfer"),
    ("post", "/api/v1/tasks/{task_id}/complete"),
    ("put", "/api/v1/tasks/{task_id}/draft"),
    ("post", "/api/v1/tasks/batch"),
    ("post", "/api/v1/cases"),
    ("get", "/api/v1/cases/{number}"),
    ("get", "/api/v1/cases/{number}/history"),
    ("post", "/api/v1/assessments"),
    ("post", "/api/v1/assessments/temporary"),
    ("get", "/api/v1/notices"),
    ("post", "/api/v1/notices/{notice_id}/objections"),
    ("get", "/api/v1/objections"),
    ("get", "/api/v1/processes"),
    ("post", "/api/v1/processes/validate"),
    ("post", "/api/v1/processes/deploy"),
    ("get", "/api/v1/audit/verify"),
    ("get", "/api/v1/openapi.json"),
    # 终止, 暂停, 恢复, 撤销 (docs/ending-and-pausing-cases.md)
    ("post", "/api/v1/cases/{number}/terminate"),
    ("post", "/api/v1/cases/{number}/suspend"),
    ("post", "/api/v1/cases/{number}/resume"),
    ("post", "/api/v1/cases/{number}/cancel"),
    # issue 14 (helper A)
    ("get", "/api/v1/cases/startable"),
    ("post", "/api/v1/cases/{number}/extend"),
    # 撤回, 退回, move (docs/withdraw-and-return.md)
    ("post", "/api/v1/tasks/{task_id}/withdraw"),
    ("post", "/api/v1/tasks/{task_id}/return"),
    ("post", "/api/v1/cases/{number}/move"),
    # 更正 of an issued document (docs/documents-corrections-and-printing.md)
    ("post", "/api/v1/documents/{document_id}/correct"),
    # 文书 (docs/documents-verify-and-download.md)
    ("get", "/api/v1/cases/{number}/documents"),
    ("get", "/api/v1/documents/{document_id}"),
    ("get", "/api/v1/documents/verify/{code}"),
    # the notification centre (docs/notification-centre.md)
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/notifications/{notification_id}/read"),
    # 催办 (docs/urge-and-copy.md)
    ("post", "/api/v1/tasks/{task_id}/urge"),
    # 政策模拟测算 (docs/policy-simulation.md)
    ("post", "/api/v1/simulations"),
    ("get", "/api/v1/simulations/{simulation_id}"),
    # 迁移 (docs/process-migration.md)
    ("post", "/api/v1/processes/{process_id}/migrations"),
    # 发放名册 (docs/payments.md)
    ("get", "/api/v1/payroll/{county}/{month}"),
    # 特困人员认定评估 (docs/tekun-assessment.md)
    ("post", "/api/v1/assessments/tekun"),
    # 一门受理 (docs/intake.md)
    ("post", "/api/v1/intake"),
    ("get", "/api/v1/intake/{number}"),
    # 转介 (docs/referrals.md)
    ("get", "/api/v1/referrals"),
    ("post", "/api/v1/referrals/{number}/answer"),
    ("post", "/api/v1/cases/{number}/referrals"),
    # 监测预警 (docs/alerts.md)
    ("post", "/api/v1/alerts"),
}
PUBLIC = {
    ("post", "/api/v1/auth/token"),
    ("get", "/api/v1/notices"),
    ("post", "/api/v1/notices/{notice_id}/objections"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/documents/verify/{code}"),  # 文书核验, as the public page
}


def test_malformed_or_non_json_bodies_are_400_in_chinese(ctx: Context, api_as: Any) -> None:
    task_id = reference_task(ctx)
    clerk1: Api = api_as("clerk1")
    url = f"/api/v1/tasks/{task_id}/complete"
    before = counts(ctx)
    json_header = {"Content-Type": "application/json"}
    assert "不是合法的 JSON" in assert_error(clerk1.post(url, data='{"data": {', headers=json_header), 400)["message"]
    assert_error(clerk1.post(url, data=b"\xff\xfe{", headers=json_header), 400, "bad_request")
    assert_error(clerk1.post(url, data="[" * 100_000, headers=json_header), 400, "bad_request")
    form = assert_error(clerk1.post(url, data={"data": "x"}), 400, "bad_request")  # a form post, not JSON
    assert "Content-Type" in form["message"]
    assert_error(clerk1.post(url, data="", headers=json_header), 400)
    assert assert_error(clerk1.post(url, [1, 2]), 422)["fields"] == {"_body": ["必须是 JSON 对象"]}
    assert assert_error(clerk1.post(url, "text"), 422)["fields"] == {"_body": ["必须是 JSON 对象"]}
    assert counts(ctx) == before


def test_a_body_over_the_size_limit_is_413(api_as: Any) -> None:
    reply = api_as("clerk1").post("/api/v1/cases", {"process": "x", "data": {"pad": "x" * (2 * 1024 * 1024)}})
    assert_error(reply, 413, "too_large")


def test_unknown_addresses_are_404_and_wrong_methods_405_in_json(anonymous: Api) -> None:
    assert_error(anonymous.get("/api/v1/nothing/here"), 404, "not_found")
    assert_error(anonymous.get("/api/v1/"), 404, "not_found")
    assert_error(anonymous.get("/api/v1/tasks/abc"), 404, "not_found")
    wrong = anonymous.get("/api/v1/auth/token")
    assert_error(wrong, 405, "method_not_allowed")
    assert {m.strip() for m in wrong.headers["Allow"].split(",")} == {"POST", "DELETE", "OPTIONS"}
    assert_error(anonymous.post("/api/v1/notices"), 405)


def test_an_unexpected_error_is_500_with_a_request_id_and_no_trace(
    api_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals /srv/dibao/engine.py line 7")

    clerk1: Api = api_as("clerk1")
    monkeypatch.setattr(inbox, "inbox", boom)
    reply = clerk1.get("/api/v1/tasks")
    body = assert_error(reply, 500, "internal_error")
    assert "secret internals" not in reply.get_data(as_text=True)
    assert len(body["request_id"]) == 32


def test_a_failed_workflow_step_is_500_with_the_engines_message(
    ctx: Context, api_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise WorkflowFailed("脚本超出时间限制", "prepare_notice")

    task_id = reference_task(ctx)
    clerk1: Api = api_as("clerk1")
    monkeypatch.setattr(tasks, "complete", fail)
    body = assert_error(clerk1.post(f"/api/v1/tasks/{task_id}/complete", {"data": {}}), 500, "workflow_error")
    assert "脚本超出时间限制" in body["message"]


def test_the_openapi_document_lists_every_route_with_its_security(app: Flask, anonymous: Api) -> None:
    reply = anonymous.get("/api/v1/openapi.json")
    assert reply.status_code == 200
    document = reply.get_json()
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "POST /api/v1/auth/token 取得的令牌",
    }
    operations = {
        (method, path): op
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    }
    assert set(operations) == ROUTES
    for key, op in operations.items():
        assert op["security"] == ([] if key in PUBLIC else [{"bearerAuth": []}]), key
        assert op["summary"]
        assert "500" in op["responses"]
    # Every API route the app serves is documented.
    served = {
        (method.lower(), re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    assert served == ROUTES
    # Request and response bodies come from the marshmallow schemas, and every reference resolves.
    complete = operations[("post", "/api/v1/tasks/{task_id}/complete")]
    assert complete["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CompleteRequest"
    }
    assert document["components"]["schemas"]["CompleteRequest"]["required"] == ["data"]
    assert document["components"]["schemas"]["CompleteRequest"]["additionalProperties"] is False
    text = json.dumps(document)
    for name in {part.split('"')[0] for part in text.split('"#/components/schemas/')[1:]}:
        assert name in document["components"]["schemas"], name
    query = {p["name"] for p in operations[("get", "/api/v1/tasks")]["parameters"]}
    assert query == {"view", "limit", "offset", "process", "village", "q", "step", "due", "sort", "order", "page"}
