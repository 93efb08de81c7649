"""The 信息核对 pages (docs/verification-exchange.md): the 核对 form offers the per-item results, and the
township's 登记复查申请 page shows each item's finding in the 信息核对 panel."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.web.conftest import Browser

START = "2026-11-23 01:00:00"


@freeze_time(START)
def test_the_verification_form_and_the_findings_panel(ctx: Context, make_browser: Any) -> None:
    app = Application(ctx, household(member("张三", "self", ("wage", "600.00")), member("李芳", "spouse"))).start()
    app.accept().investigate_visit_only()
    verifier: Browser = make_browser("verify1")
    page = verifier.get(f"/tasks/{app.task('data_verification').id}").get_data(as_text=True)
    assert "逐项核对结果" in page
    assert "数据来源显示的月均金额（元）" in page
    found = {
        "item": "tax",
        "result": "discrepancy",
        "finding": "纳税记录显示李芳有工资收入",
        "member": "李芳",
        "income_kind": "wage",
        "monthly_amount": "2000.00",
    }
    data = {"result": "ineligible", "verification_items": [found], "report": "核对完毕"}
    app.complete("data_verification", app.users.verifier, data)
    app.complete("verification_notice", app.users.clerk, {"notified_on": "2026-11-23", "method": "phone"})
    clerk: Browser = make_browser("clerk1")
    page = clerk.get(f"/tasks/{app.task('verification_contest').id}").get_data(as_text=True)
    assert "核对·纳税" in page
    assert "李芳 工资性收入 每月 2000.00 元" in page
    assert "申请复查" in page
