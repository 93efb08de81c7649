"""The public 公示 board (/public/notices/<village>, no login): only the public fields of a real case in
公示, objections recorded through the page (CSRF, validation, rate limit), refused once the 公示 has
ended, and the long-term 公布 list after the county confirms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from freezegun import freeze_time

from engine import lookups
from engine.context import Context
from engine.records import audit
from engine.services import notices, timers
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.web.conftest import Browser

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
DAY_5 = "2026-11-28 03:00:00"
NOTICE_OVER = "2026-11-30 02:00:00"  # the 7-day 公示 ended at 09:00 Beijing time that morning
BOARD = "/public/notices/demo-village-1-1"


def scenario_1() -> dict[str, Any]:
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
        last_year="18000.00",
    )


def leaves(value: Any) -> Iterator[str]:
    """Every text value of the household (names, ID numbers, amounts, dates, kinds)."""
    if isinstance(value, dict):
        for child in value.values():
            yield from leaves(child)
    elif isinstance(value, list):
        for child in value:
            yield from leaves(child)
    elif isinstance(value, str):
        yield value


@pytest.fixture
def in_notice(ctx: Context) -> Iterator[Application]:
    """Scenario 1 in its 公示 (started Monday 2026-11-23 09:00 Beijing time); the clock stays frozen there."""
    with freeze_time(START):
        yield Application(ctx, scenario_1()).start().accept().investigate().first_review()


def notice_id(ctx: Context, application: Application) -> int:
    (notice,) = application.view().notices
    return notice.id


def objection_url(ctx: Context, application: Application) -> str:
    return f"{BOARD}/{notice_id(ctx, application)}/objections"


def history(ctx: Context, number: str) -> list[Any]:
    with ctx.db.read() as session:
        case_id = lookups.get_case(session, number).id
    return audit.case_history(ctx.db, case_id)


def test_the_board_shows_only_the_public_fields(browser: Browser, in_notice: Application) -> None:
    response = browser.get(BOARD)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "城关镇东村" in html
    assert "申请人：张*" in html
    assert "<dt>保障人数</dt><dd>3 人</dd>" in html
    assert "<dt>拟保障金额</dt><dd>900.00 元/月</dd>" in html
    assert "<dt>公示开始</dt><dd>2026-11-23 09:00</dd>" in html  # Beijing time
    assert "<dt>公示结束</dt><dd>2026-11-30 09:00</dd>" in html
    hidden = {v for v in leaves(in_notice.household) if v not in ("0.00",)}
    assert {"张三", "李芳", "张小明", "1500.00", "18000.00", "2024-03-01"} <= hidden
    for value in hidden:  # ID numbers, names, incomes, dates, kinds: none of it is public
        assert value not in html, value
    for label in ("工资", "身份证", "收入", "地址", "住址", "案件"):
        assert label not in html, label
    assert "登录" not in html
    assert "/login" not in html
    assert 'name="csrf_token"' in html
    assert "提交异议" in html


def test_an_objection_is_recorded_and_delivered(browser: Browser, ctx: Context, in_notice: Application) -> None:
    with freeze_time(DAY_5):
        response = browser.post(
            objection_url(ctx, in_notice), {"text": "该户有一辆货车未申报", "contact": "13800000000"}
        )
        assert response.status_code == 302
        assert response.headers["Location"] == BOARD
        page = browser.get(BOARD).get_data(as_text=True)
    assert "已收到您的异议" in page
    assert "13800000000" not in page
    assert "货车" not in page
    (event,) = [e for e in history(ctx, in_notice.number) if e.action == "objection_received"]
    assert event.details["channel"] == "public"
    assert event.details["text"] == "该户有一辆货车未申报"
    assert event.details["contact_given"] is True


def test_an_empty_objection_is_shown_again_with_the_message(
    browser: Browser, ctx: Context, in_notice: Application
) -> None:
    with freeze_time(DAY_5):
        response = browser.post(objection_url(ctx, in_notice), {"text": "  ", "contact": "王先生"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "异议内容：必填" in html
    assert 'value="王先生"' in html
    assert "<details open>" in html
    assert [e for e in history(ctx, in_notice.number) if e.action == "objection_received"] == []


def test_after_the_notice_ended_the_form_is_gone_and_a_post_is_refused(
    browser: Browser, ctx: Context, in_notice: Application
) -> None:
    url = objection_url(ctx, in_notice)
    with freeze_time(NOTICE_OVER):
        assert timers.tick(ctx) == 1
        html = browser.get(BOARD).get_data(as_text=True)
        assert "提交异议" not in html
        assert "张*" not in html
        assert "目前没有正在公示的低保申请" in html
        response = browser.post(url, {"text": "迟到的异议"})
    assert response.status_code == 409
    assert "该公示已于 2026-11-30 09:00 结束，不再受理异议" in response.get_data(as_text=True)
    assert [e for e in history(ctx, in_notice.number) if e.action == "objection_received"] == []


def test_objections_are_rate_limited_per_client_address(browser: Browser, ctx: Context, in_notice: Application) -> None:
    url = objection_url(ctx, in_notice)
    limit = notices.RATE_LIMIT  # per client and notice within notices.RATE_WINDOW
    with freeze_time(DAY_5) as clock:
        for index in range(limit):
            assert browser.post(url, {"text": f"第 {index + 1} 条异议"}).status_code == 302
        refused = browser.post(url, {"text": "又一条异议"})
        assert refused.status_code == 429
        html = refused.get_data(as_text=True)
        assert "提交过于频繁" in html
        assert "又一条异议</textarea>" in html  # kept for a later try
        assert int(refused.headers["Retry-After"]) == notices.RATE_WINDOW.total_seconds()
        other = browser.post(url, {"text": "另一位群众的异议"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 302
        clock.tick(notices.RATE_WINDOW + timedelta(seconds=1))
        assert browser.post(url, {"text": "又一条异议"}).status_code == 302
    received = [e.details["text"] for e in history(ctx, in_notice.number) if e.action == "objection_received"]
    assert received == [f"第 {i + 1} 条异议" for i in range(limit)] + ["另一位群众的异议", "又一条异议"]


def test_an_objection_without_the_csrf_token_is_refused(browser: Browser, ctx: Context, in_notice: Application) -> None:
    with freeze_time(DAY_5):
        response = browser.post(objection_url(ctx, in_notice), {"text": "无令牌"}, csrf=False)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请求未通过安全校验" in html
    assert "登录" not in html
    assert [e for e in history(ctx, in_notice.number) if e.action == "objection_received"] == []


def test_unknown_places_are_not_found(browser: Browser, ctx: Context, in_notice: Application) -> None:
    for url in ("/public/notices/no-such-village", "/public/notices/demo-town-1"):
        response = browser.get(url)
        assert response.status_code == 404, url
        assert "不存在" in response.get_data(as_text=True)
    # A notice is objected to on its own village's board only.
    wrong_board = f"/public/notices/demo-village-1-2/{notice_id(ctx, in_notice)}/objections"
    with freeze_time(DAY_5):
        assert browser.post(wrong_board, {"text": "异议"}).status_code == 404
        assert browser.post(f"{BOARD}/999999/objections", {"text": "异议"}).status_code == 404


def test_the_index_lists_villages_with_a_running_notice(browser: Browser, in_notice: Application) -> None:
    html = browser.get("/public/notices").get_data(as_text=True)
    assert f'href="{BOARD}"' in html
    assert "城关镇东村" in html
    assert "城关镇西村" not in html


def test_an_enrolled_household_is_on_the_publication_list(app: Flask, ctx: Context, in_notice: Application) -> None:
    with freeze_time(NOTICE_OVER):
        in_notice.end_notice()
        in_notice.confirm()
        html = Browser(app.test_client()).get(BOARD).get_data(as_text=True)
    assert "<tr><td>张*</td><td>3 人</td><td>900.00 元</td></tr>" in html
    for value in ("张三", "李芳", "张小明", "1500.00"):
        assert value not in html
