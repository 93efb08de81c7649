"""The public 公示 board and objections: no token, public fields only, a per-address rate limit kept in
the audit log (keyed hashes, never the address), and refusal once the 公示 is over."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import RateLimited
from engine.persistence import AuditEvent
from engine.records import audit
from engine.services import notices
from tests.api.conftest import Api, application_in_notice, assert_error, counts

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
HERE, THERE = "127.0.0.7", "127.0.0.8"


def _object(api: Api, notice_id: int, text: str = "该户有一辆货车未申报", address: str = HERE, **extra: Any) -> Any:
    return api.post(
        f"/api/v1/notices/{notice_id}/objections", {"text": text, **extra}, environ_base={"REMOTE_ADDR": address}
    )


def _objection_events(ctx: Context) -> list[AuditEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "objection_received")))


@freeze_time(START)
def test_the_board_shows_open_notices_with_public_fields_only(ctx: Context, anonymous: Api) -> None:
    _application, notice = application_in_notice(ctx)
    reply = anonymous.get("/api/v1/notices?village=demo-village-1-1")
    assert reply.status_code == 200
    board = reply.get_json()
    assert board["village"] == "demo-village-1-1"
    (entry,) = board["items"]
    assert set(entry) == {
        "id",
        "village",
        "village_name",
        "masked_name",
        "persons",
        "proposed_amount",
        "starts_at",
        "ends_at",
    }
    assert (entry["id"], entry["masked_name"], entry["persons"], entry["proposed_amount"]) == (
        notice.id,
        "张*",
        3,
        "900.00",
    )
    assert entry["ends_at"] == "2026-11-30T01:00:00+00:00"
    assert "张三" not in reply.get_data(as_text=True)
    assert anonymous.get("/api/v1/notices?village=demo-village-1-2").get_json()["items"] == []
    assert_error(anonymous.get("/api/v1/notices?village=nowhere"), 404, "not_found")
    assert assert_error(anonymous.get("/api/v1/notices"), 422)["fields"] == {"village": ["必填"]}


@freeze_time(START)
def test_an_objection_is_recorded_with_a_keyed_hash_of_the_address_only(
    ctx: Context, anonymous: Api, api_as: Any
) -> None:
    application, notice = application_in_notice(ctx)
    reply = _object(anonymous, notice.id, contact="13800000000")
    assert reply.status_code == 201
    receipt = reply.get_json()
    assert (receipt["notice_id"], receipt["received_at"]) == (notice.id, "2026-11-23T01:00:00+00:00")
    (event,) = _objection_events(ctx)
    assert event.details["channel"] == "api"
    assert event.details["client"] == notices.client_hash(ctx, HERE)
    assert HERE not in str(event.details)
    assert len(event.details["client"]) == 64
    # Staff reading the case history do not get the hash (it would link objections across cases).
    history = api_as("clerk1").get(f"/api/v1/cases/{application.number}/history").get_json()
    (objection,) = [e for e in history["events"] if e["action"] == "objection_received"]
    assert "client" not in objection["details"]
    assert objection["details"]["text"] == "该户有一辆货车未申报"


@freeze_time(START)
def test_objections_are_rate_limited_per_address_and_notice(ctx: Context, anonymous: Api) -> None:
    _application, notice = application_in_notice(ctx)
    with freeze_time(START) as frozen:
        for index in range(notices.RATE_LIMIT):
            assert _object(anonymous, notice.id, f"第 {index + 1} 条异议").status_code == 201
            frozen.tick(60)
        before = counts(ctx)
        refused = _object(anonymous, notice.id, "第 6 条异议")
        body = assert_error(refused, 429, "rate_limited")
        assert "10 分钟内对同一公示最多提交 5 条异议" in body["message"]
        assert refused.headers["Retry-After"] == str(body["retry_after"]) == "300"  # the first leaves the window in 5'
        assert counts(ctx) == before  # a refused objection writes nothing, not even an event
        assert _object(anonymous, notice.id, "另一个地址", address=THERE).status_code == 201
        with pytest.raises(RateLimited):
            notices.check_rate(ctx, HERE, notice.id)
        notices.check_rate(ctx, HERE)  # 5 in all is under the overall limit
        notices.check_rate(ctx, None, notice.id)  # no address (the CLI): no limit
        frozen.tick(5 * 60)
        assert _object(anonymous, notice.id, "五分钟后").status_code == 201


@freeze_time(START)
def test_the_overall_limit_counts_every_notice(ctx: Context, anonymous: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    _application, notice = application_in_notice(ctx)
    monkeypatch.setattr(notices, "RATE_LIMIT_ALL", 2)
    assert _object(anonymous, notice.id).status_code == 201
    assert _object(anonymous, notice.id).status_code == 201
    body = assert_error(_object(anonymous, notice.id), 429, "rate_limited")
    assert "10 分钟内最多提交 2 条异议" in body["message"]


@freeze_time(START)
def test_objections_after_the_notice_ended_are_refused_with_its_end_time(ctx: Context, anonymous: Api) -> None:
    application, notice = application_in_notice(ctx)
    with freeze_time("2026-11-30 01:00:00"):  # the end instant, before the timer sweep closed it
        late = assert_error(_object(anonymous, notice.id), 409, "conflict")
        assert "2026-11-30 09:00" in late["message"]  # Beijing time
    with freeze_time("2026-11-30 02:00:00"):
        application.end_notice()
        assert anonymous.get("/api/v1/notices?village=demo-village-1-1").get_json()["items"] == []
        before = counts(ctx)
        assert_error(_object(anonymous, notice.id), 409, "conflict")
        assert counts(ctx) == before


@freeze_time(START)
def test_invalid_objections_are_422_and_unknown_notices_404(ctx: Context, anonymous: Api) -> None:
    _application, notice = application_in_notice(ctx)
    before = counts(ctx)
    assert assert_error(_object(anonymous, notice.id, "  "), 422)["fields"] == {"text": ["异议内容：必填"]}
    assert "text" in assert_error(_object(anonymous, notice.id, "长" * 2001), 422)["fields"]
    assert "contact" in assert_error(_object(anonymous, notice.id, contact=13800000000), 422)["fields"]
    assert "contact" in assert_error(_object(anonymous, notice.id, contact="x" * 201), 422)["fields"]
    no_text = anonymous.post(f"/api/v1/notices/{notice.id}/objections", {"contact": "x"})
    assert assert_error(no_text, 422)["fields"] == {"text": ["必填"]}
    assert_error(_object(anonymous, 999999), 404, "not_found")
    assert counts(ctx) == before


@pytest.mark.postgres
@freeze_time(START)
def test_the_rate_limit_and_tokens_work_on_postgres(ctx: Context, api_as: Any) -> None:
    # The limit matches the stored canonical JSON text; PostgreSQL's json type keeps that text as written.
    assert ctx.db.is_postgres
    hashed = notices.client_hash(ctx, HERE)
    with ctx.db.write() as session:
        for _ in range(notices.RATE_LIMIT):
            details = {"notice_id": 1, "objection_id": 1, "channel": "api", "text": "异议", "client": hashed}
            audit.record(session, "objection_received", notices.PUBLIC, details=details)
    with pytest.raises(RateLimited):
        notices.check_rate(ctx, HERE, 1)
    notices.check_rate(ctx, HERE, 2)
    notices.check_rate(ctx, THERE, 1)
    assert api_as("clerk1").get("/api/v1/tasks").status_code == 200
