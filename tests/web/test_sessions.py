"""Server-side sessions (engine.services.web_sessions): a session cookie copied before sign-out, a password
reset or a deactivation opens nothing afterwards. Other sessions are untouched, and 8 hours after
sign-in every session ends, whatever its cookie says."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from freezegun import freeze_time
from sqlalchemy import event, select

from engine import clock
from engine.context import Context
from engine.persistence import AuditEvent, User, WebSession
from engine.services import web_sessions
from engine.services.bootstrap import DEMO_PASSWORD
from tests.web.conftest import Browser

SIGN_IN = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing


def _cookie(browser: Browser) -> str:
    """What someone looking over the clerk's shoulder, or at a shared computer, could copy."""
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app: Flask, value: str) -> FlaskClient:
    """Another browser presenting a copied session cookie."""
    client = app.test_client()
    client.set_cookie("session", value)
    return client


def _opens_inbox(app: Flask, value: str) -> bool:
    response = _replay(app, value).get("/")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
    return response.status_code == 200


def _signed_in(make_browser: Any, username: str) -> tuple[Browser, str]:
    browser: Browser = make_browser(username)
    return browser, _cookie(browser)


def _events(ctx: Context, *actions: str) -> list[AuditEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.seq)))


def _sessions(ctx: Context) -> list[WebSession]:
    with ctx.db.read() as session:
        return list(session.scalars(select(WebSession).order_by(WebSession.id)))


@pytest.fixture(autouse=True)
def _real_time_afterwards() -> Iterator[None]:
    yield
    clock.set_offset(timedelta(0))  # the demo clock test travels the process-wide offset


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(ctx: Context, app: Flask, make_browser: Any) -> None:
    clerk, copied = _signed_in(make_browser, "clerk1")
    assert _opens_inbox(app, copied)  # the copy works while the clerk is signed in: that is the threat
    assert clerk.logout().status_code == 302
    assert not _opens_inbox(app, copied)
    assert clerk.get("/").status_code == 302

    (started,) = _events(ctx, "web_session_started")
    (logout,) = _events(ctx, "logout")
    assert started.details["session_id"] == logout.details["session_id"]
    assert (logout.actor_name, logout.actor_org) == ("clerk1", "demo-town-1")
    assert logout.details["remote_addr"] == "127.0.0.1"
    (row,) = _sessions(ctx)
    assert (row.id, row.revoked_reason) == (started.details["session_id"], "logout")
    assert row.revoked_at is not None


def test_signing_out_ends_only_that_session(app: Flask, make_browser: Any) -> None:
    office, office_cookie = _signed_in(make_browser, "clerk1")
    _laptop, laptop_cookie = _signed_in(make_browser, "clerk1")
    _other, other_cookie = _signed_in(make_browser, "clerk2")
    office.logout()
    assert not _opens_inbox(app, office_cookie)
    assert _opens_inbox(app, laptop_cookie)  # the same clerk on another computer
    assert _opens_inbox(app, other_cookie)


def test_a_password_reset_ends_every_session_of_that_user_only(ctx: Context, app: Flask, make_browser: Any) -> None:
    _office, office_cookie = _signed_in(make_browser, "clerk1")
    _laptop, laptop_cookie = _signed_in(make_browser, "clerk1")
    _other, other_cookie = _signed_in(make_browser, "clerk2")
    admin, admin_cookie = _signed_in(make_browser, "admin1")
    assert "<dt>在线登录会话</dt><dd>2 个</dd>" in admin.get("/admin/users/clerk1").get_data(as_text=True)

    reset = admin.post("/admin/users/clerk1/reset-password")
    assert reset.status_code == 200
    assert "该用户已登录的 2 个会话已同时结束" in reset.get_data(as_text=True)
    assert not _opens_inbox(app, office_cookie)
    assert not _opens_inbox(app, laptop_cookie)
    assert _opens_inbox(app, other_cookie)
    assert _opens_inbox(app, admin_cookie)
    assert "<dt>在线登录会话</dt><dd>0 个</dd>" in admin.get("/admin/users/clerk1").get_data(as_text=True)

    (event,) = _events(ctx, "admin.password_reset")
    clerk1_sessions = [s.id for s in _sessions(ctx) if s.revoked_reason == "password_reset"]
    assert event.details["revoked_sessions"] == clerk1_sessions
    assert len(clerk1_sessions) == 2


def test_deactivation_ends_every_session_for_good(ctx: Context, app: Flask, make_browser: Any) -> None:
    _clerk, copied = _signed_in(make_browser, "clerk1")
    _other, other_cookie = _signed_in(make_browser, "clerk2")
    admin, _ = _signed_in(make_browser, "admin1")
    admin.post("/admin/users/clerk1/deactivate")
    assert "结束登录会话 1 个" in admin.get("/admin/users/clerk1").get_data(as_text=True)
    assert not _opens_inbox(app, copied)
    assert _opens_inbox(app, other_cookie)

    admin.post("/admin/users/clerk1/reactivate")
    assert not _opens_inbox(app, copied)  # revoked, not merely suspended while the account was off
    assert make_browser("clerk1").get("/").status_code == 200  # signing in again works
    (event,) = _events(ctx, "admin.user_deactivated")
    assert len(event.details["revoked_sessions"]) == 1


def test_a_session_ends_8_hours_after_sign_in_whatever_the_cookie(app: Flask, make_browser: Any) -> None:
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    with freeze_time(SIGN_IN) as frozen:
        clerk, copied = _signed_in(make_browser, "clerk1")
        payload = serializer.loads(copied)
        frozen.tick(timedelta(hours=7, minutes=59))
        assert _opens_inbox(app, copied)
        assert clerk.get("/").status_code == 200
        frozen.tick(timedelta(minutes=1))
        # Signed this very second, so Flask's own cookie age check passes: only the server's record ends it.
        assert not _opens_inbox(app, serializer.dumps(payload))
        assert not _opens_inbox(app, copied)
        assert clerk.get("/").status_code == 302


def test_the_server_side_limit_holds_when_the_cookie_is_fresh(ctx: Context) -> None:
    with freeze_time(SIGN_IN) as frozen:
        signed_in = web_sessions.sign_in(ctx, "clerk1", DEMO_PASSWORD, None)
        frozen.tick(web_sessions.SESSION_LIFETIME - timedelta(seconds=1))
        assert web_sessions.load(ctx, signed_in.session_id) is not None
        frozen.tick(timedelta(seconds=1))
        assert web_sessions.load(ctx, signed_in.session_id) is None


def test_a_demo_clock_travel_does_not_sign_the_administrator_out(make_browser: Any) -> None:
    admin = make_browser("admin1")
    travelled = admin.post("/demo/clock", {"days": "8"})
    assert travelled.status_code == 302
    assert clock.offset() == timedelta(days=8)
    assert admin.get("/demo/clock").status_code == 200


def test_a_cookie_naming_a_user_instead_of_a_session_opens_nothing(app: Flask) -> None:
    """Cookies signed before server-side sessions held the user name; after the upgrade they are refused
    (everyone signs in once more), and knowing the signing key no longer suffices to open a session."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    forged = serializer.dumps({"_user_id": "clerk1", "_fresh": True})
    assert not _opens_inbox(app, forged)


def test_only_a_hash_of_the_session_id_is_stored(ctx: Context) -> None:
    signed_in = web_sessions.sign_in(ctx, "clerk1", DEMO_PASSWORD, "127.0.0.1")
    (row,) = _sessions(ctx)
    assert row.token_hash == hashlib.sha256(signed_in.session_id.encode()).hexdigest()
    assert len(signed_in.session_id) >= 43  # 32 random bytes, URL-safe base64
    events = _events(ctx, "login", "web_session_started")
    assert [e.action for e in events] == ["login", "web_session_started"]
    assert all(signed_in.session_id not in str(e.details) for e in events)


def test_each_request_costs_one_select_and_last_seen_moves_once_a_minute(ctx: Context) -> None:
    with freeze_time(SIGN_IN) as frozen:
        signed_in = web_sessions.sign_in(ctx, "clerk1", DEMO_PASSWORD, None)
        statements: list[str] = []

        def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            statements.append(statement.split()[0].upper())

        event.listen(ctx.db.engine, "before_cursor_execute", count)
        try:
            frozen.tick(timedelta(seconds=30))
            user = web_sessions.load(ctx, signed_in.session_id)
            assert user is not None
            assert (user.username, user.roles, user.org_unit_code) == ("clerk1", ("township_clerk",), "demo-town-1")
            assert [s for s in statements if s in ("SELECT", "UPDATE")] == ["SELECT"]
            frozen.tick(timedelta(seconds=30))
            web_sessions.load(ctx, signed_in.session_id)
        finally:
            event.remove(ctx.db.engine, "before_cursor_execute", count)
        assert [s for s in statements if s in ("SELECT", "UPDATE")] == ["SELECT", "SELECT", "UPDATE"]
        (row,) = _sessions(ctx)
        assert row.last_seen_at == row.created_at + timedelta(minutes=1)


@pytest.mark.parametrize("value", ["", "x" * 500, "not-a-session"])
def test_unknown_session_ids_load_nobody(ctx: Context, value: str) -> None:
    assert web_sessions.load(ctx, value) is None


@pytest.mark.postgres
def test_sessions_on_postgres(ctx: Context) -> None:
    kept = web_sessions.sign_in(ctx, "clerk2", DEMO_PASSWORD, None).session_id
    ended = [web_sessions.sign_in(ctx, "clerk1", DEMO_PASSWORD, None).session_id for _ in range(2)]
    loaded_users = [web_sessions.load(ctx, s) for s in ended]
    assert [user.username if user else None for user in loaded_users] == ["clerk1", "clerk1"]
    with ctx.db.write() as session:
        (user_id,) = session.scalars(select(User.id).where(User.username == "clerk1"))
        assert len(web_sessions.revoke_all(session, user_id, "password_reset")) == 2
    assert [web_sessions.load(ctx, s) for s in ended] == [None, None]
    loaded = web_sessions.load(ctx, kept)
    assert loaded is not None
    assert loaded.username == "clerk2"
