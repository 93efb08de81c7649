"""POST /api/v1/simulations and GET /api/v1/simulations/{id}: the validation report, a run's progress and
result, and who may (figures: tests/unit/test_simulation.py, S 800 → 850 adds 300 a month)."""

from __future__ import annotations

from typing import Any

import pytest

from engine.context import Context
from engine.services import simulation
from tests.api.conftest import assert_error
from tests.integration.test_simulation import _seed

RAISE = {
    "parameters": [
        {"name": "dibao_standard_urban", "value": "850", "effective": "2027-01-01"},
        {"name": "dibao_standard_rural", "value": "850", "effective": "2027-01-01"},
    ]
}


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    queued: list[int] = []
    monkeypatch.setattr(simulation, "launch", lambda ctx, job_id: queued.append(job_id))
    return queued


def test_start_poll_and_read_the_result(ctx: Context, api_as: Any, later: list[int]) -> None:
    _seed(ctx)
    county1 = api_as("county1")
    reply = county1.post("/api/v1/simulations", RAISE)
    assert reply.status_code == 202
    body = reply.get_json()
    assert (body["status"], body["total"], body["done"], body["as_of"], body["summary"]) == (
        "queued",
        5,
        0,
        "2027-01-01",
        None,
    )
    assert body["scope_name"] == "示范县"
    assert later == [body["id"]]
    simulation.run_job(ctx, body["id"])
    done = county1.get(f"/api/v1/simulations/{body['id']}").get_json()
    assert (done["status"], done["percent"]) == ("done", 100)
    assert done["summary"]["total"]["monthly_difference"] == "300.00"
    assert done["summary"]["total"]["yearly_difference"] == "3600.00"
    assert done["summary"]["counts"]["newly_eligible"] == 1
    assert [c["name"] for c in done["changes"]] == ["dibao_standard_urban", "dibao_standard_rural"]


def test_invalid_parameters_are_a_422_report_and_nothing_runs(api_as: Any, later: list[int]) -> None:
    designer1 = api_as("designer1")
    bad = {"parameters": [{"name": "marginal_multiplier", "value": "abc", "effective": "2027-01-01"}]}
    body = assert_error(designer1.post("/api/v1/simulations", bad), 422, "invalid")
    assert body["fields"]["parameters"] == [
        "参数“低保边缘家庭收入倍数”（marginal_multiplier）：须是不小于 0 的数，如 1.5"
    ]
    body = assert_error(
        designer1.post("/api/v1/simulations", {"parameters": [{"name": "x", "value": "1", "effective": "soon"}]}),
        422,
        "invalid",
    )
    assert "parameters" in body["fields"] or any(k.startswith("parameters") for k in body["fields"])
    assert later == []


def test_who_may(api_as: Any, later: list[int]) -> None:
    assert_error(api_as("clerk1").post("/api/v1/simulations", RAISE), 403, "forbidden")
    job = api_as("designer1").post("/api/v1/simulations", RAISE).get_json()
    assert_error(api_as("designer_yantai").get(f"/api/v1/simulations/{job['id']}"), 403, "forbidden")
    assert_error(api_as("approver1").get(f"/api/v1/simulations/{job['id']}"), 403, "forbidden")
    assert_error(api_as("designer1").get("/api/v1/simulations/424242"), 404, "not_found")
