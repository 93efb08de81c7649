"""Signing in and out: audit events, throttling, the demo password, inactive users, CSRF, cookies."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from freezegun import freeze_time
from sqlalchemy import select, update

from engine.context import Context
from engine.lookups import get_org_unit
from engine.persistence import AuditEvent, User
from engine.services import auth
from engine.services.users import add_user
from tests.web.conftest import Browser, make_app


def _events(ctx: Context, *actions: str) -> list[AuditEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.seq)))


def test_login_page_is_chinese_and_carries_a_csrf_token(browser: Browser) -> None:
    page = browser.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "低保审批系统" in html
    assert "用户名" in html
    assert "密码" in html
    assert 'name="csrf_token"' in html


def test_login_success_records_an_event_and_shows_the_user(ctx: Context, browser: Browser) -> None:
    response = browser.login("clerk1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    inbox = browser.get("/").get_data(as_text=True)
    assert "城关镇经办人" in inbox
    assert "乡镇经办人" in inbox
    assert "城关镇" in inbox
    (event,) = _events(ctx, "login")
    assert (event.actor_name, event.actor_org, event.details["username"]) == ("clerk1", "demo-town-1", "clerk1")
    assert event.details["remote_addr"] == "127.0.0.1"


def test_wrong_password_and_unknown_user_fail_alike(ctx: Context, browser: Browser) -> None:
    wrong = browser.login("clerk1", "not-the-password")
    unknown = browser.login("nobody", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert auth.FAILED_MESSAGE in response.get_data(as_text=True)
    assert [(e.actor_name, e.details["reason"]) for e in _events(ctx, "login_failed")] == [
        ("clerk1", "wrong_password"),
        ("nobody", "unknown_user"),
    ]
    assert browser.get("/").status_code == 302  # still signed out


def test_blank_fields_are_refused_without_an_event(ctx: Context, browser: Browser) -> None:
    response = browser.login("", "")
    assert response.status_code == 422
    assert "请输入用户名和密码" in response.get_data(as_text=True)
    assert _events(ctx, "login_failed") == []


def test_five_failures_within_15_minutes_throttle_the_username(ctx: Context, browser: Browser) -> None:
    with freeze_time("2026-11-23 01:00:00") as clock:
        for _ in range(auth.MAX_FAILURES):
            assert browser.login("clerk1", "wrong").status_code == 401
            clock.tick(60)
        refused = browser.login("clerk1")  # even the right password
        assert refused.status_code == 429
        assert "登录失败次数过多" in refused.get_data(as_text=True)
        assert browser.get("/").status_code == 302
        assert browser.login("clerk2").status_code == 302  # other names are not affected
        browser.logout()

        clock.move_to(datetime(2026, 11, 23, 1, 15, 30))  # the first failure has left the window
        assert browser.login("clerk1").status_code == 302
    assert len(_events(ctx, "login_failed")) == auth.MAX_FAILURES
    (throttled,) = _events(ctx, "login_throttled")
    assert throttled.actor_name == "clerk1"


def test_a_successful_login_resets_the_count(browser: Browser) -> None:
    for _ in range(auth.MAX_FAILURES - 1):
        assert browser.login("clerk1", "wrong").status_code == 401
    assert browser.login("clerk1").status_code == 302
    browser.logout()
    for _ in range(auth.MAX_FAILURES - 1):
        assert browser.login("clerk1", "wrong").status_code == 401
    assert browser.login("clerk1").status_code == 302


def test_demo_password_is_refused_outside_demo_mode(ctx: Context) -> None:
    with ctx.db.write() as session:
        add_user(
            session, "real1", "正式用户", "a-real-password-1", get_org_unit(session, "demo-town-1"), ["township_clerk"]
        )
    production = Context(dataclasses.replace(ctx.settings, demo=False), ctx.db)
    browser = Browser(make_app(production).test_client())
    refused = browser.login("clerk1")  # the stored hash matches demo-pass-2026
    assert refused.status_code == 401
    assert auth.DEMO_MESSAGE in refused.get_data(as_text=True)
    assert [e.details["reason"] for e in _events(ctx, "login_failed")] == ["demo_password"]
    assert browser.login("real1", "a-real-password-1").status_code == 302


def test_inactive_user_is_refused_and_loses_an_open_session(ctx: Context, browser: Browser) -> None:
    other = Browser(browser.client.application.test_client())
    assert other.login("clerk1").status_code == 302
    with ctx.db.write() as session:
        session.execute(update(User).where(User.username == "clerk1").values(active=False))
    refused = browser.login("clerk1")
    assert refused.status_code == 401
    assert auth.INACTIVE_MESSAGE in refused.get_data(as_text=True)
    assert other.get("/").status_code == 302  # the session of the deactivated user ends


def test_logout_ends_the_session_and_is_recorded(ctx: Context, browser: Browser) -> None:
    browser.login("clerk1")
    response = browser.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert browser.get("/").status_code == 302
    assert [e.actor_name for e in _events(ctx, "logout")] == ["clerk1"]


def test_posts_without_a_csrf_token_are_refused(browser: Browser) -> None:
    refused = browser.post("/login", {"username": "clerk1", "password": "demo-pass-2026"}, csrf=False)
    assert refused.status_code == 400
    assert "安全校验" in refused.get_data(as_text=True)
    assert browser.login("clerk1").status_code == 302
    assert browser.post("/logout", csrf=False).status_code == 400
    assert browser.post("/logout", {"csrf_token": "forged"}, csrf=False).status_code == 400
    assert browser.get("/").status_code == 200  # still signed in


def test_next_goes_to_local_paths_only(browser: Browser) -> None:
    assert browser.get("/tasks/1").headers["Location"].startswith("/login?next=")
    assert browser.login("clerk1", next="/tasks/1").headers["Location"] == "/tasks/1"
    browser.logout()
    assert browser.login("clerk1", next="//evil.example/").headers["Location"] == "/"


def test_signed_in_user_visiting_login_goes_to_the_inbox(browser: Browser) -> None:
    browser.login("clerk1")
    assert browser.get("/login").headers["Location"] == "/"


def _cookie_header(ctx: Context, **app_config: object) -> str:
    browser = Browser(make_app(ctx, **app_config).test_client())
    response = browser.login("clerk1")
    assert response.status_code == 302
    return "; ".join(response.headers.getlist("Set-Cookie"))


def test_session_cookie_flags(ctx: Context) -> None:
    production = _cookie_header(ctx, TESTING=False, SERVER_NAME="dibao.example.gov.cn")
    assert "HttpOnly" in production
    assert "SameSite=Lax" in production
    assert "Secure" in production
    # Plain HTTP to this machine (make run on http://127.0.0.1:5000): the cookie never crosses a network.
    loopback = _cookie_header(ctx, TESTING=False)
    assert "HttpOnly" in loopback
    assert "Secure" not in loopback
    assert "Secure" not in _cookie_header(ctx)  # testing
    assert "Secure" not in _cookie_header(ctx, TESTING=False, SERVER_NAME="a.example", SESSION_COOKIE_SECURE=False)
