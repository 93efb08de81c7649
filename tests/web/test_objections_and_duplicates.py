"""On the pages: 待处理异议 in the inbox and as a badge on the case and task pages from the moment an
objection arrives; the duplicate warning of 受理登记 (server-side on 提交登记 with 「仍然登记」, and the JSON
check the page's script asks while numbers are typed); the hour deadline of 先行救助 in the task header."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from freezegun import freeze_time

from engine.context import Context
from engine.queries import notices as notice_board
from engine.services import notices
from tests.scenarios.flow import Application
from tests.scenarios.households import household, id_number, member
from tests.scenarios.test_temporary_assistance import HUINING, Request
from tests.web.conftest import Browser
from tests.web.test_registration import PROCESS, as_form, signed_in
from web.clerk import intake

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
DAY_5 = "2026-11-28 03:00:00"
NOTICE_OVER = "2026-11-30 02:00:00"
CHECK = "/cases/new/duplicates"


def _family() -> dict[str, Any]:
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
    )


def _html(response: Any) -> str:
    return str(response.get_data(as_text=True))


@freeze_time(START)
def test_an_objection_shows_in_the_inbox_and_on_the_case_and_task_pages_at_once(ctx: Context, app: Flask) -> None:
    application = Application(ctx, _family()).start().accept().investigate().first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    assert "待处理异议" not in _html(signed_in(app, "head1").get("/"))
    with freeze_time(DAY_5):  # (a sign-in lasts a working day: each moment signs in afresh)
        notices.object_to_notice(ctx, notice.id, "该户有一辆货车未申报")
        head = signed_in(app, "head1")
        inbox = _html(head.get("/"))
        assert "待处理异议" in inbox
        assert f'href="/cases/{application.number}"' in inbox
        assert "该户有一辆货车未申报" in inbox
        assert "公示中" in inbox
        assert "待处理异议 1 条" in _html(head.get(f"/cases/{application.number}"))
        # Roles that do not handle objections get no panel; another township sees none of ours.
        assert "待处理异议" not in _html(signed_in(app, "village1").get("/"))
        assert "该户有一辆货车未申报" not in _html(signed_in(app, "head2").get("/"))
    with freeze_time(NOTICE_OVER):
        application.end_notice()
        handling = application.task("objection_handling").id
        head = signed_in(app, "head1")
        inbox = _html(head.get("/"))
        assert f'href="/tasks/{handling}">去办理</a>' in inbox
        assert "待处理异议 1 条" in _html(head.get(f"/tasks/{handling}"))


def _registration(family: dict[str, Any], village: str = "demo-village-1-1", **extra: str) -> dict[str, str]:
    return {
        "process": PROCESS,
        "_op": "submit",
        **as_form({"village": village, "channel": "window", "household": family}),
        **extra,
    }


@freeze_time(START)
def test_registering_a_member_of_a_running_case_asks_for_confirmation_first(app: Flask) -> None:
    family = _family()
    clerk = signed_in(app, "clerk1")
    first = clerk.post("/cases/new", _registration(family))
    assert first.status_code == 302
    number = first.headers["Location"].rsplit("/", 1)[-1]
    again = household({**family["members"][1], "relation": "self"})
    warned = clerk.post("/cases/new", _registration(again))
    assert warned.status_code == 409
    page = _html(warned)
    assert f'<a href="/cases/{number}">' in page
    assert 'name="confirm_duplicate" value="1"' in page
    assert "仍然登记" in page
    assert 'value="李芳"' in page  # what was typed is kept
    confirmed = clerk.post("/cases/new", _registration(again, confirm_duplicate="1"))
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] != first.headers["Location"]


@freeze_time(START)
def test_the_live_check_links_cases_in_scope_and_only_warns_outside_it(app: Flask, make_browser: Any) -> None:
    family = _family()
    clerk = signed_in(app, "clerk1")
    number = clerk.post("/cases/new", _registration(family)).headers["Location"].rsplit("/", 1)[-1]
    shared = family["members"][0]["id_number"]

    def check(browser: Browser, numbers: Any, token: bool = True) -> Any:
        headers = {"X-CSRFToken": browser.token()} if token else {}
        return browser.client.post(CHECK, json={"id_numbers": numbers}, headers=headers)

    (match,) = check(clerk, [shared, "110105"]).get_json()["matches"]
    assert match["url"] == f"/cases/{number}"
    assert shared not in match["text"]  # masked
    other = make_browser("clerk2")
    (outside,) = check(other, [shared]).get_json()["matches"]
    assert outside["url"] is None
    assert number not in outside["text"]
    assert outside["text"].endswith("该身份证号存在其他在办案件或在保记录，请联系上级核实")
    assert check(clerk, [id_number("19550505")]).get_json() == {"matches": []}
    assert check(clerk, [shared], token=False).status_code == 400  # CSRF
    assert check(clerk, "not a list").status_code == 400
    assert check(make_browser("auditor1"), [shared]).status_code == 403


def test_the_live_check_is_rate_limited_per_user(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "CHECKS_PER_MINUTE", 2)
    monkeypatch.setattr(intake, "_checks", {})
    clerk = signed_in(app, "clerk1")
    token = clerk.token()
    statuses = [
        clerk.client.post(CHECK, json={"id_numbers": []}, headers={"X-CSRFToken": token}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


@freeze_time(START)
def test_a_24_hour_step_shows_its_deadline_to_the_hour_and_what_is_left(ctx: Context, app: Flask) -> None:
    request = Request(ctx, HUINING).start()
    task_id = request.task("advance_payment").id
    page = _html(signed_in(app, "head_huining").get(f"/tasks/{task_id}"))
    assert "11月24日 09:00 前" in page
    assert re.search(r'class="urgency">剩余 24 小时<', page)
    with freeze_time("2026-11-24 00:30:00"):
        assert "剩余 30 分钟" in _html(signed_in(app, "head_huining").get(f"/tasks/{task_id}"))
    with freeze_time("2026-11-24 01:30:00"):
        page = _html(signed_in(app, "head_huining").get(f"/tasks/{task_id}"))
        assert re.search(r'class="urgency urgency-late">已超时<', page)


def test_anonymous_visitors_are_sent_to_sign_in_by_the_live_check(make_browser: Any) -> None:
    visitor = make_browser(None)
    response = visitor.client.post(CHECK, json={"id_numbers": []}, headers={"X-CSRFToken": visitor.token()})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
