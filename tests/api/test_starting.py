"""Issue 14 (helper A): the API lists only what the token's user may start, start_case applies each
process's starting roles, and the scope rule holds for county users (docs/starting-cases.md)."""

from __future__ import annotations

from typing import Any

from engine.context import Context
from tests.api.conftest import assert_error, counts


def _listed(api_as: Any, who: str) -> dict[str, dict[str, Any]]:
    reply = api_as(who).get("/api/v1/cases/startable")
    assert reply.status_code == 200, reply.get_json()
    return {p["process"]: p for p in reply.get_json()["processes"]}


def test_the_api_lists_only_what_the_users_roles_may_start(api_as: Any) -> None:
    clerk = _listed(api_as, "clerk1")
    assert set(clerk) == {
        "dibao_application",
        "tekun_application",
        "tekun_review",
        "tekun_termination",
        "temporary_assistance",
        "periodic_review",
        "reference_review",
    }
    assert clerk["temporary_assistance"]["start_form"]["properties"]["kind"]["enum"] == ["emergency", "expenditure"]
    assert "乡镇经办人" in clerk["periodic_review"]["roles"]
    assert set(_listed(api_as, "village1")) == {
        "dibao_application",
        "tekun_application",
        "tekun_termination",
        "temporary_assistance",
    }
    # 特困人员探访 is opened by the worker only (startRoles "system"): offered to nobody.
    assert set(_listed(api_as, "approver1")) == {"periodic_review", "alert_verification", "tekun_review"}
    assert _listed(api_as, "auditor1") == {}
    # Processes only other processes call are never listed.
    assert not {"public_notice", "democratic_review", "gradual_exit"} & set(clerk)


def test_start_case_applies_the_process_roles(ctx: Context, api_as: Any) -> None:
    village, outsider, county = api_as("village1"), api_as("approver_yantai"), api_as("approver1")
    before = counts(ctx)  # after the tokens: issuing one is audited
    body = {"process": "periodic_review", "data": {"village": "demo-village-1-1"}}
    refused = assert_error(village.post("/api/v1/cases", body), 403, "forbidden")
    assert "动态复核" in refused["message"]
    # A county approver of another county: the village lies outside the user's unit.
    outside = assert_error(outsider.post("/api/v1/cases", body), 403, "forbidden")
    assert outside["message"].startswith("无权为")
    temporary = {"process": "temporary_assistance", "data": {"village": "demo-village-1-1"}}
    assert_error(county.post("/api/v1/cases", temporary), 403, "forbidden")
    assert counts(ctx) == before


def test_a_process_only_the_system_starts_is_refused_to_every_person(api_as: Any) -> None:
    """特困人员探访 (startRoles "system") is opened by the worker's monthly job; no role may start it by hand."""
    body = {
        "process": "tekun_care_visit",
        "data": {
            "village": "demo-village-1-1",
            "related_case": "2026-0000001",
            "month": "2026-12-01",
            "care_visit_id": 1,
        },
    }
    for who in ("county1", "approver1", "clerk1"):
        refused = assert_error(api_as(who).post("/api/v1/cases", body), 403, "forbidden")
        assert "特困人员探访" in refused["message"], who
