"""`python -m tests.browser.seed_payroll`: the 发放名册 scenario's households (tests/scenarios/payroll_flow.py)
enrolled and re-checked with a frozen clock on the database the environment names, June and July 2027
generated and approved, then 马丽 approved late, an adjustment of June recorded and August's draft generated:
the browser test (test_payroll.py) reads and approves it."""

from __future__ import annotations

import os

os.environ.setdefault("DIBAO_FAST_PASSWORD_HASH", "1")

from freezegun import freeze_time

from engine.context import Context
from engine.services import payroll
from tests.scenarios.payroll_flow import enrol_county, enrol_ma

COUNTY = "demo-county"


def seed() -> None:
    ctx = Context.from_settings()
    try:
        numbers = enrol_county(ctx)
        with freeze_time("2027-06-25 02:00:00"):
            for month in ("2027-06", "2027-07"):
                payroll.generate(ctx, "county1", COUNTY, month)
                payroll.approve(ctx, "approver1", COUNTY, month)
        enrol_ma(ctx)
        with freeze_time("2027-07-25 02:00:00"):
            payroll.add_adjustment(ctx, "county1", COUNTY, numbers["张三"], "2027-06", "2027-08", "100.00", "6月少发")
            payroll.generate(ctx, "county1", COUNTY, "2027-08")
    finally:
        ctx.close()


if __name__ == "__main__":
    seed()
