"""POST /api/v1/intake and GET /api/v1/intake/{number} (docs/intake.md): 201 with the number, status and
deadline; a hotline ticket sent again with the same content is the same request (201, repeated), with other content 409;
bad fields 422 in Chinese; nothing written when refused."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.api.conftest import counts
from tests.integration.intake_support import hotline_call


@freeze_time("2026-11-23 01:00:00")  # Monday 09:00 Beijing; 12345: 3 working days → 11-26 23:59:59
def test_register_a_hotline_call_and_read_it_back(ctx: Context, api_as: Any) -> None:
    clerk1 = api_as("clerk1")
    reply = clerk1.post("/api/v1/intake", hotline_call())
    assert reply.status_code == 201
    body = reply.get_json()
    assert (body["number"], body["status"], body["status_label"]) == ("SL-2026-000001", "registered", "待分办")
    assert body["due_at"] == "2026-11-26T15:59:59+00:00"
    assert body["id_number_masked"] == "110105********002X"
    assert body["external_ticket"] == "GD-20260930-0017"
    again = clerk1.post("/api/v1/intake", hotline_call())
    assert (again.status_code, again.get_json()["repeated"]) == (201, True)
    assert again.get_json()["number"] == "SL-2026-000001"
    clerk2 = api_as("clerk2")  # its token issued (an audit event) before the count
    before = counts(ctx)
    conflict = clerk1.post("/api/v1/intake", hotline_call(need="另一件事"))
    assert conflict.status_code == 409
    assert "GD-20260930-0017" in conflict.get_json()["message"]
    bad = clerk1.post("/api/v1/intake", hotline_call(channel="fax", phone="12"))
    assert bad.status_code == 422  # the document's own keywords: the channels and the phone's form
    assert set(bad.get_json()["fields"]) == {"channel", "phone"}
    bad = clerk1.post("/api/v1/intake", hotline_call(id_number="110105194912310021"))
    assert bad.status_code == 422  # the check character, stated in words
    assert "校验码" in bad.get_json()["fields"]["id_number"][0]
    assert clerk1.post("/api/v1/intake", {"channel": "window"}).status_code == 422  # name, need and kind missing
    assert clerk2.post("/api/v1/intake", hotline_call(external_ticket="T-9")).status_code == 403
    assert counts(ctx) == before
    shown = clerk1.get("/api/v1/intake/SL-2026-000001")
    assert shown.status_code == 200
    assert shown.get_json()["township"] == "城关镇"
    assert clerk2.get("/api/v1/intake/SL-2026-000001").status_code == 403
    assert clerk1.get("/api/v1/intake/SL-2026-999999").status_code == 404
