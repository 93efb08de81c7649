"""Bearer tokens: issued through the password sign-in (throttling, demo password, inactive users and
audit events as for the web login), stored only as a sha256, refused when expired, revoked or their user
is deactivated; the API reads no cookie and needs no CSRF token, the clerk pages still do."""

from __future__ import annotations

import dataclasses
import hashlib

from flask import Flask
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.lookups import get_org_unit
from engine.persistence import ApiToken, AuditEvent, User
from engine.services import tokens
from engine.services.auth import MAX_FAILURES
from engine.services.users import add_user
from tests.api.conftest import Api, assert_error
from tests.web.conftest import make_app

DEMO = "demo-pass-2026"


def _actions(ctx: Context, *names: str) -> list[AuditEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action.in_(names)).order_by(AuditEvent.seq)))


def test_right_password_gives_a_token_that_works_and_is_stored_only_as_its_hash(ctx: Context, anonymous: Api) -> None:
    reply = anonymous.post("/api/v1/auth/token", {"username": "clerk1", "password": DEMO})
    assert reply.status_code == 200
    body = reply.get_json()
    assert (body["username"], body["token_type"]) == ("clerk1", "Bearer")
    assert len(body["token"]) >= 43  # token_urlsafe(32)
    assert body["expires_at"].endswith("+00:00")
    assert "Set-Cookie" not in reply.headers  # nothing for a browser to replay cross-site
    with ctx.db.read() as session:
        (row,) = session.scalars(select(ApiToken))
        assert row.token_hash == hashlib.sha256(body["token"].encode()).hexdigest()
        assert body["token"] not in (row.token_hash, str(row.__dict__))
        assert row.expires_at - row.created_at == tokens.TOKEN_LIFETIME
    assert [e.action for e in _actions(ctx, "login", "api_token_issued")] == ["login", "api_token_issued"]
    listed = Api(anonymous.client, body["token"]).get("/api/v1/tasks")
    assert listed.status_code == 200
    assert "Set-Cookie" not in listed.headers


def test_wrong_password_unknown_user_and_missing_fields(ctx: Context, anonymous: Api) -> None:
    wrong = assert_error(anonymous.post("/api/v1/auth/token", {"username": "clerk1", "password": "nope"}), 401)
    assert wrong["error"] == "login_failed"
    assert wrong["message"] == "用户名或密码错误"
    unknown = anonymous.post("/api/v1/auth/token", {"username": "nobody", "password": "nope"})
    assert assert_error(unknown, 401)["message"] == "用户名或密码错误"  # same answer: names stay secret
    missing = assert_error(anonymous.post("/api/v1/auth/token", {"username": "clerk1"}), 422, "invalid")
    assert missing["fields"] == {"password": ["必填"]}
    reasons = [e.details["reason"] for e in _actions(ctx, "login_failed")]
    assert reasons == ["wrong_password", "unknown_user"]
    with ctx.db.read() as session:
        assert session.scalars(select(ApiToken)).first() is None


def test_demo_password_is_refused_outside_demo_mode(ctx: Context) -> None:
    production = Context(dataclasses.replace(ctx.settings, demo=False), ctx.db)
    client = Api(make_app(production).test_client())
    refused = assert_error(client.post("/api/v1/auth/token", {"username": "clerk1", "password": DEMO}), 401)
    assert refused["message"] == "示范密码只能在演示模式下使用，请使用正式密码登录"
    with ctx.db.write() as session:
        add_user(
            session, "real1", "正式用户", "a-real-password-1", get_org_unit(session, "demo-town-1"), ["township_clerk"]
        )
    accepted = client.post("/api/v1/auth/token", {"username": "real1", "password": "a-real-password-1"})
    assert accepted.status_code == 200


def test_repeated_failures_are_throttled_with_429(ctx: Context, anonymous: Api) -> None:
    with freeze_time("2026-11-23 01:00:00") as frozen:
        for _ in range(MAX_FAILURES):
            assert anonymous.post("/api/v1/auth/token", {"username": "clerk1", "password": "wrong"}).status_code == 401
        throttled = anonymous.post("/api/v1/auth/token", {"username": "clerk1", "password": DEMO})
        assert assert_error(throttled, 429)["error"] == "login_throttled"
        frozen.tick(16 * 60)  # the window has passed
        assert anonymous.post("/api/v1/auth/token", {"username": "clerk1", "password": DEMO}).status_code == 200


def test_a_bearer_token_is_required(anonymous: Api) -> None:
    for url in ("/api/v1/tasks", "/api/v1/cases/2026-0000001", "/api/v1/processes", "/api/v1/audit/verify"):
        reply = anonymous.get(url)
        assert assert_error(reply, 401, "unauthorized")["message"].startswith("需要登录")
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    for header in ("Basic Y2xlcmsxOmRlbW8=", "Bearer", "Bearer not-a-token", "bearer " + "x" * 500):
        reply = anonymous.get("/api/v1/tasks", headers={"Authorization": header})
        assert_error(reply, 401, "unauthorized")


def test_a_signed_in_browser_session_does_not_authenticate_the_api(app: Flask) -> None:
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert browser.post("/login", data={"username": "clerk1", "password": DEMO, "csrf_token": token}).status_code == 302
    assert browser.get("/").status_code == 200  # the session works for the pages …
    assert_error(browser.get("/api/v1/tasks"), 401)  # … and counts for nothing in the API


def test_only_the_api_is_exempt_from_csrf(app: Flask, anonymous: Api) -> None:
    # The API takes a JSON POST without any CSRF token …
    assert anonymous.post("/api/v1/auth/token", {"username": "clerk1", "password": DEMO}).status_code == 200
    # … while the clerk pages still refuse a form without one.
    assert app.test_client().post("/login", data={"username": "clerk1", "password": DEMO}).status_code == 400


def test_expired_and_revoked_tokens_are_refused(ctx: Context, anonymous: Api) -> None:
    with freeze_time("2026-11-23 01:00:00") as frozen:
        issued = tokens.issue_token(ctx, "clerk1", DEMO, None)
        client = Api(anonymous.client, issued.token)
        assert client.get("/api/v1/tasks").status_code == 200
        frozen.tick(tokens.TOKEN_LIFETIME.total_seconds() - 60)
        assert client.get("/api/v1/tasks").status_code == 200
        frozen.tick(61)
        assert_error(client.get("/api/v1/tasks"), 401, "unauthorized")

    other = Api(anonymous.client, tokens.issue_token(ctx, "clerk1", DEMO, None).token)
    assert other.delete("/api/v1/auth/token").get_json() == {"ok": True}
    assert_error(other.get("/api/v1/tasks"), 401)
    assert_error(other.delete("/api/v1/auth/token"), 401)
    assert [e.details["token_id"] for e in _actions(ctx, "api_token_revoked")] == [2]


def test_a_deactivated_user_s_token_is_refused(ctx: Context, api_as: object) -> None:
    client: Api = api_as("clerk1")  # type: ignore[operator]
    assert client.get("/api/v1/tasks").status_code == 200
    with ctx.db.write() as session:
        session.scalars(select(User).where(User.username == "clerk1")).unique().one().active = False
    assert_error(client.get("/api/v1/tasks"), 401, "unauthorized")


def test_last_use_is_recorded_at_most_once_a_minute(ctx: Context, api_as: object) -> None:
    with freeze_time("2026-11-23 01:00:00") as frozen:
        client: Api = api_as("clerk1")  # type: ignore[operator]
        client.get("/api/v1/tasks")
        first = _last_used(ctx)
        frozen.tick(30)
        client.get("/api/v1/tasks")
        assert _last_used(ctx) == first
        frozen.tick(31)
        client.get("/api/v1/tasks")
        assert _last_used(ctx) > first


def _last_used(ctx: Context) -> object:
    with ctx.db.read() as session:
        return session.scalars(select(ApiToken.last_used_at)).one()
