"""GET /api/v1/payroll/{county}/{month} (docs/payments.md): one roster's header, totals and masked lines."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from engine.services import payroll
from tests.api.conftest import Api
from tests.web.test_payroll_pages import _enrolled


def test_the_api_roster(ctx: Context, api_as: Any) -> None:
    _enrolled(ctx)
    with freeze_time("2026-12-20 02:00:00"):
        county: Api = api_as("county1")
        assert county.get("/api/v1/payroll/demo-county/2027-01").status_code == 404  # not generated yet
        payroll.generate(ctx, "county1", "demo-county", "2027-01")
        found = county.get("/api/v1/payroll/demo-county/2027-01")
        assert found.status_code == 200
        body = found.get_json()
        assert body["header"]["total"] == "900.00"
        assert body["header"]["status"] == "draft"
        assert body["groups"] == [
            {"township": "城关镇", "category": "城镇·整户保障", "lines": 1, "persons": 3, "amount": "900.00"}
        ]
        assert "*" in body["lines"][0]["id_number"]
        # A month outside the documented pattern (YYYY-MM from 2000) does not match the route.
        for month in ("2027-13", "1999-12", "2027-1", "0"):
            assert county.get(f"/api/v1/payroll/demo-county/{month}").status_code == 404, month
        assert county.get("/api/v1/payroll/demo-county/2027-01?kind=x").status_code == 422
        assert api_as("clerk1").get("/api/v1/payroll/demo-county/2027-01").status_code == 403
