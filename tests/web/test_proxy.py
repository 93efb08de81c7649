"""DIBAO_TRUSTED_PROXIES: the client's address (sign-in audit events, the public objection rate limit) and
scheme come from X-Forwarded-For / -Proto only as far as the configured proxies wrote them. With the
default 0 a forged header changes nothing."""

from __future__ import annotations

import dataclasses

import pytest
from flask import Flask
from flask.testing import FlaskClient
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import AuditEvent
from engine.services import notices
from engine.settings import Settings
from tests.api.conftest import application_in_notice
from tests.web.conftest import Browser, make_app

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time, the 公示 of application_in_notice is open
PROXY = "10.0.0.1"  # REMOTE_ADDR as the app sees it behind a reverse proxy on the same network


def _behind(ctx: Context, hops: int, **config: object) -> Flask:
    return make_app(Context(dataclasses.replace(ctx.settings, trusted_proxies=hops), ctx.db), **config)


def _login_addresses(ctx: Context) -> list[str | None]:
    with ctx.db.read() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "login").order_by(AuditEvent.seq))
        return [e.details["remote_addr"] for e in events]


def _client(app: Flask, headers: dict[str, str], remote: str = "127.0.0.1") -> FlaskClient:
    """A test client whose every request carries `headers` and comes from `remote`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = remote
    client.environ_base.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    return client


def _sign_in(app: Flask, headers: dict[str, str], remote: str = PROXY) -> None:
    assert Browser(_client(app, headers, remote)).login("clerk1").status_code == 302


def _object(app: Flask, notice_id: int, forwarded_for: str, remote: str = PROXY) -> int:
    reply = app.test_client().post(
        f"/api/v1/notices/{notice_id}/objections",
        json={"text": "该户有一辆货车未申报"},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": remote},
    )
    return reply.status_code


def _objection_clients(ctx: Context) -> list[str]:
    with ctx.db.read() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "objection_received"))
        return [e.details["client"] for e in events]


def test_without_trusted_proxies_a_forged_header_changes_nothing(ctx: Context) -> None:
    app = _behind(ctx, 0)
    _sign_in(app, {"X-Forwarded-For": "203.0.113.9"}, remote="127.0.0.1")
    assert _login_addresses(ctx) == ["127.0.0.1"]
    with freeze_time(START):
        _application, notice = application_in_notice(ctx)
        # A new forged address on every request: the allowance is still the one of the real address.
        for index in range(notices.RATE_LIMIT):
            assert _object(app, notice.id, f"198.51.100.{index}", remote="127.0.0.1") == 201
        assert _object(app, notice.id, "198.51.100.99", remote="127.0.0.1") == 429
    assert set(_objection_clients(ctx)) == {notices.client_hash(ctx, "127.0.0.1")}


def test_behind_one_proxy_each_visitor_has_an_allowance_of_their_own(ctx: Context) -> None:
    app = _behind(ctx, 1)
    _sign_in(app, {"X-Forwarded-For": "203.0.113.9"})
    assert _login_addresses(ctx) == ["203.0.113.9"]
    with freeze_time(START):
        _application, notice = application_in_notice(ctx)
        for _ in range(notices.RATE_LIMIT):
            assert _object(app, notice.id, "203.0.113.9") == 201
        assert _object(app, notice.id, "203.0.113.9") == 429
        # What the visitor writes into the header itself comes before the proxy's own entry: ignored.
        assert _object(app, notice.id, "192.0.2.77, 203.0.113.9") == 429
        assert _object(app, notice.id, "198.51.100.20") == 201  # another visitor behind the same proxy
    assert set(_objection_clients(ctx)) == {
        notices.client_hash(ctx, "203.0.113.9"),
        notices.client_hash(ctx, "198.51.100.20"),
    }


@pytest.mark.parametrize(
    ("hops", "forwarded_for", "expected"),
    [
        (1, "192.0.2.77, 203.0.113.9", "203.0.113.9"),
        (2, "192.0.2.77, 203.0.113.9, 10.0.0.2", "203.0.113.9"),  # the outer proxy, then the inner one
        (2, "203.0.113.9", PROXY),  # fewer entries than proxies: the header is not trusted at all
        (1, "", PROXY),
    ],
)
def test_the_client_is_the_entry_the_outermost_trusted_proxy_wrote(
    ctx: Context, hops: int, forwarded_for: str, expected: str
) -> None:
    _sign_in(_behind(ctx, hops), {"X-Forwarded-For": forwarded_for} if forwarded_for else {})
    assert _login_addresses(ctx) == [expected]


def _cookie_is_secure(app: Flask, headers: dict[str, str]) -> bool:
    response = Browser(_client(app, headers)).login("clerk1")
    assert response.status_code == 302
    return "Secure" in "; ".join(response.headers.getlist("Set-Cookie"))


def test_the_scheme_the_proxy_reports_decides_the_secure_cookie(ctx: Context) -> None:
    # http://localhost gets no Secure cookie (web/__init__._SessionInterface); https through a proxy does.
    # Over https Flask-WTF also wants a same-host Referer on every form: the Host the proxy passed on.
    https = {"X-Forwarded-Proto": "https", "Referer": "https://localhost/login"}
    assert not _cookie_is_secure(_behind(ctx, 0, SESSION_COOKIE_SECURE=True), https)
    assert _cookie_is_secure(_behind(ctx, 1, SESSION_COOKIE_SECURE=True), https)
    assert not _cookie_is_secure(_behind(ctx, 1, SESSION_COOKIE_SECURE=True), {})


def test_the_forwarded_host_is_never_trusted(ctx: Context) -> None:
    # The host decides the Secure flag over plain HTTP: loopback (here, localhost) gets none. A trusted
    # X-Forwarded-Host would make this request's host another one and the cookie Secure.
    app = _behind(ctx, 1, SESSION_COOKIE_SECURE=True)
    assert not _cookie_is_secure(app, {"X-Forwarded-Host": "dibao.example.gov.cn"})
    # The Host the proxy passes on does (the test client sends SERVER_NAME as the Host).
    named = _behind(ctx, 1, SESSION_COOKIE_SECURE=True, SERVER_NAME="dibao.example.gov.cn")
    assert _cookie_is_secure(named, {})


@pytest.mark.parametrize(("raw", "hops"), [("", 0), ("0", 0), ("1", 1), (" 2 ", 2), ("10", 10)])
def test_the_setting_reads_a_hop_count(monkeypatch: pytest.MonkeyPatch, raw: str, hops: int) -> None:
    monkeypatch.setenv("DIBAO_TRUSTED_PROXIES", raw)
    assert Settings.from_env().trusted_proxies == hops


@pytest.mark.parametrize("raw", ["-1", "yes", "1.5", "11", "１"])
def test_a_wrong_hop_count_stops_the_start(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("DIBAO_TRUSTED_PROXIES", raw)
    with pytest.raises(ValueError, match="DIBAO_TRUSTED_PROXIES 应为 0–10 的整数"):
        Settings.from_env()
