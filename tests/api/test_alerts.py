"""POST /api/v1/alerts (docs/alerts.md): 201 with the counts and the per-row report, 422 when nothing is valid,
the same batch again is its result, other content under the same batch id is 409."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from tests.api.conftest import assert_error
from tests.scenarios.households import id_number

URL = "/api/v1/alerts"


def _alert(number: str, **more: Any) -> dict[str, Any]:
    return {
        "id_number": number,
        "name": "王五",
        "indicator": "unemployment",
        "level": "red",
        "alerted_on": "2026-12-02",
        **more,
    }


@freeze_time("2026-12-03 02:00:00")
def test_a_batch_is_imported_once_and_reported_row_by_row(api_as: Any) -> None:
    api = api_as("approver1")
    body = {
        "batch_id": "API-1",
        "source": "人社局",
        "alerts": [_alert(id_number(), village="demo-village-1-1"), _alert("110105198001011234"), {"name": "x"}],
    }
    created = api.post(URL, body)
    assert created.status_code == 201, created.get_data(as_text=True)
    result = created.get_json()
    assert {k: result[k] for k in ("batch_id", "total", "imported", "merged", "rejected", "repeated")} == {
        "batch_id": "API-1",
        "total": 3,
        "imported": 1,
        "merged": 0,
        "rejected": 2,
        "repeated": False,
    }
    assert len(result["opened_cases"]) == 1  # a verification in 城关镇东村
    assert result["report"][0] == {"row": 2, "field": "id_number", "message": "身份证号：校验码不正确"}
    assert {p["field"] for p in result["report"] if p["row"] == 3} == {"id_number", "indicator", "level", "alerted_on"}
    again = api.post(URL, body)
    assert again.status_code == 201
    assert (again.get_json()["repeated"], again.get_json()["report"]) == (True, result["report"])
    changed = {**body, "alerts": body["alerts"][:1]}
    assert "批次号 API-1 已用于另一份内容不同" in assert_error(api.post(URL, changed), 409, "conflict")["message"]


@freeze_time("2026-12-03 02:00:00")
def test_nothing_valid_is_422_with_the_rows(api_as: Any) -> None:
    api = api_as("approver1")
    bad = {"batch_id": "API-2", "source": "人社局", "alerts": [_alert("110105198001011234")]}
    refused = assert_error(api.post(URL, bad), 422)
    assert refused["fields"]["rows"] == ["第 1 行 身份证号：校验码不正确"]
    no_source = assert_error(api.post(URL, {**bad, "source": None}), 422)
    assert no_source["fields"]["alerts"][0].startswith("缺少列：预警来源")
    missing = assert_error(api.post(URL, {"alerts": []}), 422)
    assert "batch_id" in missing["fields"]
    assert assert_error(api_as("clerk1").post(URL, {"batch_id": "API-3", "alerts": [_alert(id_number())]}), 403)
