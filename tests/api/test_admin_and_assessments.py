"""Process catalogue, validation and deployment (designers, own region only), the audit-chain check
(auditors and administrators), and the what-if calculations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.context import Context
from engine.persistence import AuditEvent
from tests.api.conftest import Api, assert_error, counts, eligible_household
from tests.conftest import BUNDLES


def test_everyone_signed_in_lists_the_deployed_processes(api_as: Any) -> None:
    items = api_as("clerk1").get("/api/v1/processes").get_json()["items"]
    ids = {(i["process_id"], i["region"]) for i in items}
    assert ("dibao_application", "default") in ids
    assert ("reference_review", "yantai") in ids or any(i["region"] == "yantai" for i in items)
    assert all(i["version"] >= 1 and len(i["bundle_hash"]) == 64 for i in items)


def test_a_designer_validates_and_deploys_their_own_region(ctx: Context, api_as: Any, processes_dir: Path) -> None:
    designer: Api = api_as("designer1")
    report = designer.post("/api/v1/processes/validate").get_json()  # no body: the designer's own region
    assert (report["region"], report["ok"], report["problems"]) == ("default", True, [])
    assert "dibao_application" in {p["process_id"] for p in report["processes"]}
    unchanged = designer.post("/api/v1/processes/deploy", {"region": "default"}).get_json()
    assert unchanged["region"] == "default"
    assert not any(item["new"] for item in unchanged["items"])

    review = processes_dir / "default" / "reference_review.bpmn"
    review.write_text(review.read_text(encoding="utf-8").replace("受理登记", "受理登记（新）"), encoding="utf-8")
    deployed = designer.post("/api/v1/processes/deploy", {}).get_json()
    (new,) = [item for item in deployed["items"] if item["new"]]
    assert (new["process_id"], new["region"], new["version"], new["deployed_by"]) == (
        "reference_review",
        "default",
        2,
        "designer1",
    )
    with ctx.db.read() as session:
        (event,) = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "process_deployed", AuditEvent.actor_name == "designer1")
        )
        assert event.details["process_id"] == "reference_review"

    yantai: Api = api_as("designer_yantai")
    assert yantai.post("/api/v1/processes/validate", {"region": "yantai"}).get_json()["region"] == "yantai"
    assert yantai.post("/api/v1/processes/deploy").status_code == 200


def test_designers_are_confined_to_their_region_and_others_refused(ctx: Context, api_as: Any) -> None:
    designer1, yantai, clerk1 = api_as("designer1"), api_as("designer_yantai"), api_as("clerk1")
    before = counts(ctx)
    assert (
        "本地区（default）"
        in assert_error(designer1.post("/api/v1/processes/deploy", {"region": "yantai"}), 403)["message"]
    )
    assert_error(yantai.post("/api/v1/processes/deploy", {"region": "default"}), 403, "forbidden")
    assert_error(yantai.post("/api/v1/processes/validate", {"region": "../../etc"}), 403, "forbidden")
    assert_error(clerk1.post("/api/v1/processes/validate"), 403, "forbidden")
    assert_error(clerk1.post("/api/v1/processes/deploy"), 403, "forbidden")
    assert assert_error(designer1.post("/api/v1/processes/deploy", {"region": 7}), 422)["fields"] == {
        "region": ["必须是字符串"]
    }
    assert counts(ctx) == before


def test_an_invalid_bundle_is_reported_by_validate_and_refused_by_deploy(
    ctx: Context, api_as: Any, processes_dir: Path
) -> None:
    broken = (BUNDLES / "unknown_lane" / "reference_review.bpmn").read_text(encoding="utf-8")
    (processes_dir / "default" / "reference_review.bpmn").write_text(broken, encoding="utf-8")
    designer: Api = api_as("designer1")
    report = designer.post("/api/v1/processes/validate").get_json()
    assert not report["ok"]
    assert report["problems"][0]["file"].endswith("reference_review.bpmn")
    before = counts(ctx)
    refused = assert_error(designer.post("/api/v1/processes/deploy"), 422, "bundle_invalid")
    assert refused["problems"]
    assert counts(ctx) == before


def test_audit_verify_is_for_auditors_and_administrators(api_as: Any) -> None:
    for who in ("auditor1", "admin1"):
        result = api_as(who).get("/api/v1/audit/verify").get_json()
        assert result["ok"] is True
        assert result["events_checked"] > 0
        assert result["first_broken"] is None
    for who in ("clerk1", "designer1", "approver1"):
        assert_error(api_as(who).get("/api/v1/audit/verify"), 403, "forbidden")


def test_household_assessment(api_as: Any) -> None:
    clerk1: Api = api_as("clerk1")
    body = {"region": "default", "as_of": "2026-11-01", "household": eligible_household()}
    result = clerk1.post("/api/v1/assessments", body).get_json()
    assert (result["per_capita_income"], result["category"], result["benefit_amount"]) == ("500.00", "dibao", "900.00")
    assert result["explanation"]
    assert_error(clerk1.post("/api/v1/assessments", {**body, "region": "atlantis"}), 404, "not_found")
    invalid = assert_error(clerk1.post("/api/v1/assessments", {**body, "as_of": "yesterday"}), 422, "invalid")
    assert "as_of" in invalid["fields"]
    assert (
        "region"
        in assert_error(clerk1.post("/api/v1/assessments", {"as_of": "2026-11-01", "household": {}}), 422)["fields"]
    )


def test_temporary_assistance_calculation(api_as: Any) -> None:
    clerk1: Api = api_as("clerk1")
    body = {
        "region": "default",
        "as_of": "2026-11-01",
        "kind": "emergency",
        "cause": "fire",
        "persons": 3,
        "months": 2,
        "household_type": "other",
        "existing_recipient": False,
    }
    reply = clerk1.post("/api/v1/assessments/temporary", body)
    assert reply.status_code == 200, reply.get_json()
    result = reply.get_json()
    assert {"amount", "months_counted", "approval_level", "advance_payment", "explanation"} <= set(result)
    assert result["approval_level"] in ("township", "county", "committee")
    invalid = assert_error(
        clerk1.post("/api/v1/assessments/temporary", {**body, "persons": 0, "cause": "boredom"}), 422
    )
    assert {"persons", "cause"} <= set(invalid["fields"])
