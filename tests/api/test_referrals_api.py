"""转介 over the API (docs/referrals.md): refer a case, the department lists and answers, refusals in JSON."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.api.conftest import Api, assert_error
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
REFER = {"department": "demo-dept-yibao", "kind": "medical", "reason": "住院费用负担重"}


@freeze_time(START)
def test_refer_list_and_answer_over_the_api(ctx: Context, api_as: Any) -> None:
    number = Application(ctx, household(member("王五", "self"))).start().number
    clerk: Api = api_as("clerk1")
    made = clerk.post(f"/api/v1/cases/{number}/referrals", REFER)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["number"] == "ZJ-2026-000001"
    assert body["status"] == "pending"
    assert body["due_at"] == "2026-12-07T15:59:59+00:00"
    assert "*" in body["id_number"]

    not_department = clerk.post(f"/api/v1/cases/{number}/referrals", {**REFER, "department": "demo-town-1"})
    assert assert_error(not_department, 422)["fields"] == {"department": ["城关镇 不是部门，不能接收转介"]}
    assert_error(clerk.post(f"/api/v1/cases/{number}/referrals", {**REFER, "kind": "x"}), 422)
    assert_error(api_as("clerk2").post(f"/api/v1/cases/{number}/referrals", REFER), 403)

    yibao: Api = api_as("yibao1")
    listed = yibao.get("/api/v1/referrals?status=open").get_json()["items"]
    assert [r["number"] for r in listed] == ["ZJ-2026-000001"]
    assert api_as("jiaoyu1").get("/api/v1/referrals").get_json()["items"] == []
    assert_error(yibao.get("/api/v1/referrals?status=maybe"), 422)

    url = "/api/v1/referrals/ZJ-2026-000001/answer"
    assert_error(api_as("jiaoyu1").post(url, {"answer": "handled", "text": "已办"}), 403)
    assert set(assert_error(yibao.post(url, {"answer": "handled", "text": " "}), 422)["fields"]) == {"text"}
    answered = yibao.post(url, {"answer": "handled", "text": "已纳入医疗救助"})
    assert answered.status_code == 200
    assert answered.get_json()["status_label"] == "已办结"
    assert_error(yibao.post(url, {"answer": "not_ours", "text": "再答"}), 409)
    assert_error(yibao.post("/api/v1/referrals/ZJ-2026-999999/answer", {"answer": "handled", "text": "x"}), 404)
    assert_error(yibao.post("/api/v1/referrals/" + "9" * 40 + "/answer", {"answer": "handled", "text": "x"}), 404)
    assert clerk.get("/api/v1/referrals?status=handled").get_json()["items"][0]["answer_text"] == "已纳入医疗救助"
