"""GET /api/v1/tasks with search, filters, sort and pages, and POST /api/v1/tasks/batch (批量签收 / 批量审批)."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.api.conftest import Api, application_in_notice, assert_error, counts, eligible_household, reference_task
from tests.scenarios.flow import Application

MONDAY = "2026-11-23 01:00:00"


@freeze_time(MONDAY)
def test_search_sort_filters_and_pages(ctx: Context, api_as: Any) -> None:
    ids = [reference_task(ctx) for _ in range(3)]
    clerk1: Api = api_as("clerk1")
    newest = clerk1.get("/api/v1/tasks?sort=case&order=desc&limit=2").get_json()
    assert [t["id"] for t in newest["items"]] == [ids[2], ids[1]]
    assert (newest["total"], newest["page"], newest["pages"]) == (3, 1, 2)
    second = clerk1.get("/api/v1/tasks?sort=case&order=desc&limit=2&page=2").get_json()
    assert ([t["id"] for t in second["items"]], second["offset"]) == ([ids[0]], 2)
    number = newest["items"][0]["case_number"]
    found = clerk1.get(f"/api/v1/tasks?q={int(number.split('-')[1])}").get_json()
    assert [t["case_number"] for t in found["items"]] == [number]
    item = found["items"][0]
    assert (item["village_name"], item["case_status"], item["urgent"]) == ("城关镇东村", "open", False)
    assert clerk1.get("/api/v1/tasks?step=register&due=week").get_json()["total"] == 3
    assert clerk1.get("/api/v1/tasks?step=county_review").get_json()["total"] == 0
    for bad, field in (("sort=colour", "sort"), ("due=soon", "due"), ("order=up", "order"), ("page=0", "page")):
        assert assert_error(clerk1.get(f"/api/v1/tasks?{bad}"), 422)["fields"].keys() == {field}


def test_batch_approval_over_the_api(ctx: Context, api_as: Any) -> None:
    with freeze_time(MONDAY):
        first, _notice = application_in_notice(ctx)
        second = Application(ctx, eligible_household()).start().accept().investigate().first_review()
    with freeze_time("2026-11-30 02:00:00"):
        first.end_notice()
        ids = [a.task("county_confirmation").id for a in (first, second)]
        approver: Api = api_as("approver1")
        before = counts(ctx)
        missing = assert_error(approver.post("/api/v1/tasks/batch", {"action": "complete", "task_ids": ids}), 422)
        assert set(missing["fields"]) == {"decision", "opinion"}
        assert counts(ctx) == before
        done = approver.post(
            "/api/v1/tasks/batch",
            {"action": "complete", "task_ids": ids, "decision": "approve", "opinion": "经审核，符合保障条件"},
        )
        assert done.status_code == 200
        body = done.get_json()
        assert (body["action"], body["succeeded"], body["failed"]) == ("complete", 2, 0)
        assert [item["case_number"] for item in body["items"]] == [first.number, second.number]
        assert first.view().outcome == second.view().outcome == "approved"
        listed = approver.get("/api/v1/tasks?view=done").get_json()
        assert {t["case_outcome"] for t in listed["items"]} == {"approved"}


def test_batch_refusals_are_422_and_write_nothing(ctx: Context, api_as: Any) -> None:
    task_id = reference_task(ctx)
    clerk1: Api = api_as("clerk1")
    before = counts(ctx)
    not_a_decision = {"action": "complete", "task_ids": [task_id], "decision": "approve", "opinion": "同意"}
    assert set(assert_error(clerk1.post("/api/v1/tasks/batch", not_a_decision), 422)["fields"]) == {"task_ids"}
    bad_bodies = (({"action": "claim", "task_ids": []}, "task_ids"), ({"action": "x", "task_ids": [1]}, "action"))
    for body, field in bad_bodies:
        assert set(assert_error(clerk1.post("/api/v1/tasks/batch", body), 422)["fields"]) == {field}
    assert counts(ctx) == before
