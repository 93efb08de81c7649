"""Demo clock travel (engine.services.demo_clock, /demo/clock): only in demo mode, only for admins, 1..60
days, audited, and the 公示 of a real application ends when the clock passes its 7 days: the timers of
SpiffWorkflow follow the travelled clock, not just the engine's own `next_timer_at`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from freezegun import freeze_time
from sqlalchemy import select

from engine import clock
from engine.context import Context
from engine.errors import InvalidData, PermissionDenied
from engine.lookups import get_org_unit
from engine.persistence import AuditEvent
from engine.records import audit
from engine.services import demo_clock
from engine.services.users import add_user
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.web.conftest import Browser, make_app

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing
PAGE = "/demo/clock"


@pytest.fixture(autouse=True)
def _real_time_afterwards() -> Iterator[None]:
    """The offset is process-wide: never let one test's travel leak into the next."""
    clock.set_offset(timedelta(0))
    yield
    clock.set_offset(timedelta(0))


def _in_notice(ctx: Context) -> Application:
    family = household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
        last_year="18000.00",
    )
    return Application(ctx, family).start().accept().investigate().first_review()


def _travels(ctx: Context) -> list[AuditEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "clock.travelled")))


def _not_demo(ctx: Context) -> Context:
    return Context(dataclasses.replace(ctx.settings, demo=False), ctx.db)


def _html(response: Any) -> str:
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


@freeze_time(START)
def test_travel_ends_a_notice_when_it_passes_its_seven_days(ctx: Context) -> None:
    application = _in_notice(ctx)
    first = demo_clock.travel(ctx, "admin1", 3)
    assert first.processed == 0
    assert [n.status for n in application.view().notices] == ["open"]
    second = demo_clock.travel(ctx, "admin1", 5)  # 8 days in all: the 7-day 公示 is over
    assert second.processed == 1
    assert second.status.offset == timedelta(days=8)
    assert second.status.now == datetime(2026, 12, 1, 1, 0)
    assert clock.utcnow() == datetime(2026, 12, 1, 1, 0)
    assert [n.status for n in application.view().notices] != ["open"]
    assert application.open_task_names() == ["county_confirmation"]
    (event, _) = _travels(ctx)[::-1]
    assert event.actor_name == "admin1"
    assert event.actor_role == "admin"
    assert event.details["days"] == 5
    assert event.details["offset_days_before"] == 3
    assert event.details["offset_days_after"] == 8
    assert audit.verify(ctx.db).ok


def test_status_shows_the_travelled_time(ctx: Context) -> None:
    assert demo_clock.status(ctx).offset == timedelta(0)
    with freeze_time(START):
        demo_clock.travel(ctx, "admin1", 2)
        status = demo_clock.status(ctx)
    assert status.offset == timedelta(days=2)
    assert status.offset_days == 2
    assert status.now == datetime(2026, 11, 25, 1, 0)


@pytest.mark.parametrize("days", [0, 61, -1, "8", True, 2.5])
def test_days_must_be_a_whole_number_from_1_to_60(ctx: Context, days: Any) -> None:
    with pytest.raises(InvalidData) as refused:
        demo_clock.travel(ctx, "admin1", days)
    assert "days" in refused.value.fields
    assert clock.offset() == timedelta(0)
    assert _travels(ctx) == []


@pytest.mark.parametrize("who", ["clerk1", "head1", "approver1", "auditor1", "designer1"])
def test_only_administrators_travel(ctx: Context, who: str) -> None:
    with pytest.raises(PermissionDenied, match="系统管理"):
        demo_clock.travel(ctx, who, 8)
    with pytest.raises(PermissionDenied):
        demo_clock.check_may_travel(ctx, who)
    assert clock.offset() == timedelta(0)
    assert _travels(ctx) == []


def test_nobody_travels_outside_demo_mode(ctx: Context) -> None:
    production = _not_demo(ctx)
    with pytest.raises(PermissionDenied, match="演示模式"):
        demo_clock.travel(production, "admin1", 8)
    with pytest.raises(PermissionDenied, match="演示模式"):
        demo_clock.check_may_travel(production, "admin1")
    assert clock.offset() == timedelta(0)
    assert _travels(ctx) == []


# --- the page ------------------------------------------------------------------------------------


@freeze_time(START)
def test_the_page_shows_demo_time_and_says_the_travel_is_per_process(make_browser: Any) -> None:
    admin: Browser = make_browser("admin1")
    html = _html(admin.get(PAGE))
    assert "演示时间快进" in html
    assert "2026-11-23 09:00" in html  # Beijing time
    assert "0 天" in html
    assert "服务重启后恢复真实时间" in html
    assert "命令行" in html
    assert 'name="csrf_token"' in html
    assert 'name="days"' in html


@freeze_time(START)
def test_posting_travels_flashes_the_count_and_redirects(ctx: Context, make_browser: Any) -> None:
    application = _in_notice(ctx)
    admin: Browser = make_browser("admin1")
    response = admin.post(PAGE, {"days": "8"})
    assert response.status_code == 302
    assert response.headers["Location"] == PAGE
    html = _html(admin.get(PAGE))
    assert "已快进 8 天，处理到期事项 1 件" in html
    assert "2026-12-01 09:00" in html
    assert "8 天" in html
    assert application.open_task_names() == ["county_confirmation"]


@pytest.mark.parametrize("days", ["", "abc", "0", "61", "2.5"])
def test_bad_days_show_the_form_again_with_the_error(make_browser: Any, days: str) -> None:
    admin: Browser = make_browser("admin1")
    response = admin.post(PAGE, {"days": days})
    assert response.status_code == 422
    html = _html(response)
    assert "快进天数：须为 1 到 60 之间的整数" in html
    assert 'aria-invalid="true"' in html
    assert clock.offset() == timedelta(0)


def test_a_post_without_the_csrf_token_is_refused(make_browser: Any) -> None:
    admin: Browser = make_browser("admin1")
    assert admin.post(PAGE, {"days": "8"}, csrf=False).status_code == 400
    assert clock.offset() == timedelta(0)


@pytest.mark.parametrize("who", ["clerk1", "approver1", "auditor1"])
def test_other_roles_get_403(ctx: Context, make_browser: Any, who: str) -> None:
    browser: Browser = make_browser(who)
    assert browser.get(PAGE).status_code == 403
    assert browser.post(PAGE, {"days": "8"}).status_code == 403
    assert clock.offset() == timedelta(0)
    assert _travels(ctx) == []


def test_visitors_are_sent_to_the_login_page(make_browser: Any) -> None:
    visitor: Browser = make_browser(None)
    response = visitor.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_outside_demo_mode_the_page_does_not_exist(ctx: Context) -> None:
    with ctx.db.write() as session:  # the demo password works only in demo mode: an admin with a real one
        add_user(session, "admin9", "管理员九", "pw-12345678", get_org_unit(session, "demo-county"), ["admin"])
    production: Flask = make_app(_not_demo(ctx))
    admin, visitor = Browser(production.test_client()), Browser(production.test_client())
    assert admin.login("admin9", "pw-12345678").status_code == 302
    for browser in (admin, visitor):
        assert browser.get(PAGE).status_code == 404
        assert browser.post(PAGE, {"days": "8"}).status_code == 404
    assert clock.offset() == timedelta(0)
    assert _travels(ctx) == []
