"""Starting, reading and tracing cases over the API, inside the user's org scope only."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.api.conftest import Api, application_in_notice, assert_error, counts, eligible_household


def _start(api: Api, village: str = "demo-village-1-1", **extra: Any) -> Any:
    data = {"village": village, "channel": "window", "household": eligible_household(), **extra}
    return api.post("/api/v1/cases", {"process": "dibao_application", "data": data})


@freeze_time("2026-11-23 01:00:00")
def test_start_a_dibao_application_and_read_it_back(api_as: Any) -> None:
    clerk1: Api = api_as("clerk1")
    reply = _start(clerk1)
    assert reply.status_code == 201
    case = reply.get_json()
    assert (case["kind"], case["region"], case["village"], case["status"]) == (
        "dibao_application",
        "default",
        "demo-village-1-1",
        "open",
    )
    assert [t["task_name"] for t in case["open_tasks"]] == ["intake_review"]
    shown = clerk1.get(f"/api/v1/cases/{case['number']}").get_json()
    assert shown["number"] == case["number"]
    assert shown["process_version"] >= 1
    assert "data" not in shown  # the household (ID numbers) is not part of the case resource
    history = clerk1.get(f"/api/v1/cases/{case['number']}/history").get_json()
    assert history["case_number"] == case["number"]
    assert history["events"][0]["action"] == "case_created"
    assert history["events"][0]["actor"] == "clerk1"
    assert [e["seq"] for e in history["events"]] == sorted(e["seq"] for e in history["events"])


@freeze_time("2026-11-23 01:00:00")
def test_case_shows_stage_legal_clock_and_assessment(ctx: Context, api_as: Any) -> None:
    application, _notice = application_in_notice(ctx)
    case = api_as("clerk1").get(f"/api/v1/cases/{application.number}").get_json()
    assert case["legal_clock"]["limit_days"] == 30
    assert case["legal_clock"]["started_on"] == "2026-11-23"
    assert case["assessment"]["benefit_amount"] == "900.00"
    assert case["notices"][0]["masked_name"] == "张*"
    assert case["stage"]
    assert case["open_tasks"] == []  # waiting for the 公示 to end


def test_invalid_start_data_is_422_and_writes_nothing(ctx: Context, api_as: Any) -> None:
    clerk1: Api = api_as("clerk1")
    before = counts(ctx)
    bad = assert_error(_start(clerk1, channel="fax"), 422, "invalid")
    assert "data.channel" in bad["fields"]
    unknown = assert_error(_start(clerk1, colour="red"), 422)
    assert "data.colour" in unknown["fields"]
    no_village = assert_error(clerk1.post("/api/v1/cases", {"process": "reference_review", "data": {}}), 422)
    assert no_village["fields"] == {"data.village": ["村/社区：必填"]}
    envelope = assert_error(clerk1.post("/api/v1/cases", {"data": {}, "extra": 1}), 422)
    assert set(envelope["fields"]) == {"process", "extra"}
    assert_error(
        clerk1.post("/api/v1/cases", {"process": "no_such_process", "data": {"village": "demo-village-1-1"}}), 404
    )
    assert_error(clerk1.post("/api/v1/cases", {"process": "reference_review", "data": {"village": "nowhere"}}), 404)
    assert counts(ctx) == before


def test_cases_outside_the_users_unit_are_403_and_unknown_ones_404(ctx: Context, api_as: Any) -> None:
    number = _start(api_as("clerk1")).get_json()["number"]  # 城关镇
    clerk2: Api = api_as("clerk2")  # 河西乡
    yantai: Api = api_as("clerk_yantai")
    before = counts(ctx)
    assert_error(_start(clerk2), 403, "forbidden")  # may not register for another township's village
    assert_error(clerk2.get(f"/api/v1/cases/{number}"), 403, "forbidden")
    assert_error(clerk2.get(f"/api/v1/cases/{number}/history"), 403, "forbidden")
    assert_error(yantai.get(f"/api/v1/cases/{number}"), 403)
    assert_error(clerk2.get("/api/v1/cases/2026-9999999"), 404, "not_found")
    assert_error(clerk2.get("/api/v1/cases/2026-9999999/history"), 404, "not_found")
    assert counts(ctx) == before
    # The county sees every case of its townships.
    assert api_as("approver1").get(f"/api/v1/cases/{number}/history").status_code == 200
