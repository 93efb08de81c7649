"""POST /api/v1/assessments/tekun (docs/tekun-assessment.md): scenario 10 over HTTP, field errors, auth."""

from __future__ import annotations

import json
from typing import Any

from tests.api.conftest import Api, assert_error
from tests.conftest import DATA


def _body(region: str = "yantai") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "tekun" / "scenario10.json").read_text(encoding="utf-8"))
    return {"region": region, **data}


def test_scenario_10_over_http(api_as: Any) -> None:
    clerk1: Api = api_as("clerk1")
    reply = clerk1.post("/api/v1/assessments/tekun", _body())
    assert reply.status_code == 200, reply.get_json()
    result = reply.get_json()
    assert (result["eligible"], result["basic"], result["care_tier"], result["care"], result["total"]) == (
        True,
        "1120.00",
        "full",
        "600.00",
        "1720.00",
    )
    assert result["reasons"][0] == "符合：无劳动能力"
    assert result["explanation"][-1] == "三项条件均符合，可认定为特困人员：每月 1120.00 + 600.00 = 1720.00 元"
    huining = clerk1.post("/api/v1/assessments/tekun", _body("huining")).get_json()
    assert huining["basic"] == "1040.00"
    zero = _body()
    zero["person"]["adl"] = [False] * 6
    assert clerk1.post("/api/v1/assessments/tekun", zero).get_json()["total"] == "1300.00"


def test_bad_input_is_a_422_naming_the_field(api_as: Any) -> None:
    clerk1: Api = api_as("clerk1")
    body = _body()
    body["person"]["adl"] = [True] * 7
    invalid = assert_error(clerk1.post("/api/v1/assessments/tekun", body), 422, "invalid")
    six = "自主吃饭、自主穿衣、自主上下床、自主如厕、室内行走、自主洗澡"
    assert invalid["fields"] == {"person.adl": [f"申请人·生活自理能力评估：必须正好有 6 项指标（{six}），现有 7 项"]}
    body = _body()
    body["supporters"] = [{"relation": "cousin", "status": "able"}]
    assert "supporters.0.relation" in assert_error(clerk1.post("/api/v1/assessments/tekun", body), 422)["fields"]
    body = _body()
    body["person"]["incomes"][0]["monthly_amount"] = "-5"
    assert (
        "person.incomes.0.monthly_amount" in assert_error(clerk1.post("/api/v1/assessments/tekun", body), 422)["fields"]
    )
    unknown = assert_error(clerk1.post("/api/v1/assessments/tekun", {**_body(), "extra": 1}), 422, "invalid")
    assert "extra" in unknown["fields"]
    assert (
        "region"
        in assert_error(clerk1.post("/api/v1/assessments/tekun", {"as_of": "2026-11-01", "person": {}}), 422)["fields"]
    )
    assert_error(clerk1.post("/api/v1/assessments/tekun", _body("atlantis")), 404, "not_found")


def test_a_date_without_parameters_is_a_422(api_as: Any) -> None:
    body = {**_body("default"), "as_of": "2021-08-01"}
    refused = assert_error(api_as("clerk1").post("/api/v1/assessments/tekun", body), 422)
    assert "minimum_wage" in refused["message"]


def test_anonymous_is_refused_and_the_operation_is_documented(anonymous: Api) -> None:
    assert_error(anonymous.post("/api/v1/assessments/tekun", _body()), 401)
    document = anonymous.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/assessments/tekun"]["post"]
    assert operation["summary"].startswith("特困人员认定评估")
    request = document["components"]["schemas"]["TekunRequest"]
    assert request["required"] == ["region", "as_of", "person"]
    adl = request["properties"]["person"]["properties"]["adl"]["oneOf"]
    assert (adl[0]["minItems"], adl[0]["maxItems"]) == (6, 6)
