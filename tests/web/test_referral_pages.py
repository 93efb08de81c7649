"""The 转介 pages (docs/referrals.md) through the real app: clerk1 refers a case from its page, yibao1 (县医疗
保障局) lands on 转介待办 after login, accepts and answers, and the case page shows the answer; another
department and bad input are refused with nothing written."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from engine.queries import referrals as referral_queries
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.web.conftest import Browser

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time


def _case(ctx: Context) -> str:
    return Application(ctx, household(member("王五", "self"))).start().number


@freeze_time(START)
def test_refer_from_the_case_page_then_the_department_answers(ctx: Context, make_browser: Any) -> None:
    number = _case(ctx)
    clerk: Browser = make_browser("clerk1")
    page = clerk.get(f"/cases/{number}").get_data(as_text=True)
    assert "转介其他部门" in page
    form = clerk.get(f"/referrals/new/{number}").get_data(as_text=True)
    assert "县医疗保障局" in form
    assert "医疗救助" in form
    empty = clerk.post(f"/referrals/new/{number}", {"department": "demo-dept-yibao", "kind": "medical", "reason": ""})
    assert empty.status_code == 422
    assert "转介事由：必填" in empty.get_data(as_text=True)
    done = clerk.post(
        f"/referrals/new/{number}", {"department": "demo-dept-yibao", "kind": "medical", "reason": "住院费用负担重"}
    )
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/cases/{number}#referrals")

    department: Browser = make_browser(None)
    landing = department.login("yibao1")
    assert landing.headers["Location"] == "/"
    assert department.get("/").headers["Location"].endswith("/referrals")
    inbox = department.get("/referrals").get_data(as_text=True)
    assert "ZJ-2026-000001" in inbox
    assert "王五" in inbox
    assert "2026-12-07" in inbox  # 10 working days

    other: Browser = make_browser("jiaoyu1")
    assert other.get("/referrals/ZJ-2026-000001").status_code == 403
    refused = other.post("/referrals/ZJ-2026-000001/answer", {"answer": "handled", "text": "已办"})
    assert refused.status_code == 403
    assert "ZJ-2026-000001" not in other.get("/referrals").get_data(as_text=True)

    assert department.post("/referrals/ZJ-2026-000001/accept").status_code == 302
    blank = department.post("/referrals/ZJ-2026-000001/answer", {"answer": "handled", "text": " "})
    assert blank.status_code == 422
    assert "办理结果：必填" in blank.get_data(as_text=True)
    answered = department.post(
        "/referrals/ZJ-2026-000001/answer", {"answer": "handled", "text": "已纳入医疗救助，报销住院费用 3000 元"}
    )
    assert answered.status_code == 302
    again = department.post("/referrals/ZJ-2026-000001/answer", {"answer": "not_ours", "text": "x"})
    assert again.status_code == 409
    (row,) = referral_queries.list_referrals(ctx, "yibao1")
    assert row.answer_text == "已纳入医疗救助，报销住院费用 3000 元"

    case_page = clerk.get(f"/cases/{number}").get_data(as_text=True)
    assert "已纳入医疗救助，报销住院费用 3000 元" in case_page
    assert "县医疗保障局反馈转介 ZJ-2026-000001：已办结" in case_page  # the timeline's sentence


@freeze_time(START)
def test_who_may_open_the_referral_pages(ctx: Context, make_browser: Any) -> None:
    number = _case(ctx)
    expected = {"clerk1": 200, "approver1": 200, "yibao1": 200, "clerk2": 200, "village1": 403, "designer1": 403}
    for who, status in expected.items():
        assert make_browser(who).get("/referrals").status_code == status, who
    refer = {"clerk1": 200, "head1": 200, "approver1": 200, "clerk2": 403, "village1": 403, "yibao1": 403}
    for who, status in refer.items():
        assert make_browser(who).get(f"/referrals/new/{number}").status_code == status, who
    assert make_browser("yibao1").post(f"/referrals/new/{number}", {"department": "demo-dept-yibao"}).status_code == 403
    assert make_browser(None).get("/referrals").status_code == 302
    assert make_browser("yibao1").get("/referrals/ZJ-2026-999999").status_code == 404
    assert make_browser("yibao1").get("/referrals/" + "9" * 40).status_code == 404
