"""POST /api/v1/documents/{id}/correct (docs/documents-corrections-and-printing.md): 201 with version 2 naming
version 1; a blank reason 422 naming reason, a superseded document 409 naming the newer code, another unit's
403, an unknown id 404; a refusal writes nothing."""

from __future__ import annotations

from typing import Any

from engine.context import Context
from tests.api.conftest import assert_error, counts
from tests.web.documents_flow import approved, documents


def test_correcting_through_the_api(ctx: Context, api_as: Any) -> None:
    number = approved(ctx).number
    (first,) = documents(ctx, number, "confirmation_notice")
    url = f"/api/v1/documents/{first.id}/correct"
    approver, clerk2, auditor1 = api_as("approver1"), api_as("clerk2"), api_as("auditor1")
    before = counts(ctx)  # after signing in, which is audited
    assert_error(clerk2.post(url, {"reason": "越权"}), 403, "forbidden")
    assert_error(auditor1.post(url, {"reason": "越权"}), 403, "forbidden")
    blank = assert_error(approver.post(url, {"reason": " "}), 422, "invalid")
    assert blank["fields"] == {"reason": ["更正原因：必填"]}
    assert set(assert_error(approver.post(url, {}), 422, "invalid")["fields"]) == {"reason"}
    assert set(assert_error(approver.post(url, {"reason": "x" * 501}), 422, "invalid")["fields"]) == {"reason"}
    assert_error(approver.post("/api/v1/documents/999999/correct", {"reason": "x"}), 404, "not_found")
    assert counts(ctx) == before

    reply = approver.post(url, {"reason": "保障金额录入有误"})
    assert reply.status_code == 201, reply.get_json()
    body = reply.get_json()
    assert (body["version"], body["replaces_id"], body["replaces_code"]) == (2, first.id, first.code)
    assert (body["case_number"], body["superseded"], body["correction_reason"]) == (number, False, "保障金额录入有误")
    assert body["issued_at"].endswith("+00:00")
    stale = assert_error(approver.post(url, {"reason": "再次"}), 409, "conflict")
    assert body["code"] in stale["message"]
    old, new = documents(ctx, number, "confirmation_notice")
    assert old.superseded_at is not None
    assert new.id == body["id"]
