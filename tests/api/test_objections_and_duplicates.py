"""The API side of issue 13's objections and duplicates: GET /api/v1/objections (pending, scope- and
role-checked) and POST /api/v1/cases refusing a duplicate household with 409 unless confirm_duplicate."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from engine.queries import notices as notice_board
from engine.services import notices
from tests.api.conftest import assert_error
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"
PROCESS = "dibao_application"


def _family() -> dict[str, Any]:
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
    )


@freeze_time(START)
def test_the_api_lists_pending_objections_of_the_callers_unit(ctx: Context, api_as: Any) -> None:
    application = Application(ctx, _family()).start().accept().investigate().first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    notices.object_to_notice(ctx, notice.id, "收入未如实申报", contact="13800000000")
    body = api_as("clerk1").get("/api/v1/objections?state=pending").get_json()
    assert body["total"] == 1
    (item,) = body["items"]
    assert (item["case_number"], item["text"], item["contact_given"]) == (application.number, "收入未如实申报", True)
    assert "contact" not in item
    assert api_as("clerk2").get("/api/v1/objections").get_json()["total"] == 0
    assert api_as("auditor1").get("/api/v1/objections").status_code == 403
    assert api_as("clerk1").get("/api/v1/objections?state=done").status_code == 422


@freeze_time(START)
def test_the_api_refuses_a_duplicate_with_409_unless_confirmed(ctx: Context, api_as: Any) -> None:
    family = _family()
    api = api_as("clerk1")
    body = {"process": PROCESS, "data": {"village": "demo-village-1-1", "channel": "window", "household": family}}
    first = api.post("/api/v1/cases", body)
    assert first.status_code == 201
    refused = api.post("/api/v1/cases", body)
    answer = assert_error(refused, 409, "duplicate")
    assert answer["error"] == "duplicate"
    assert {d["case_number"] for d in answer["duplicates"]} == {first.get_json()["number"]}
    assert api.post("/api/v1/cases", {**body, "confirm_duplicate": True}).status_code == 201
