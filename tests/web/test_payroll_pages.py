"""The 发放名册 pages (/payroll, docs/payments.md) through Flask's test client, as a browser posts them: the
county clerk generates, the approver confirms and locks, a locked month refuses a new draft, the bank file
downloads, and nobody outside the county's payroll roles gets in. Also the JSON API's roster."""

from __future__ import annotations

from typing import Any

from flask import Flask
from freezegun import freeze_time

from engine.context import Context
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.web.conftest import Browser

ROSTER = "/payroll/demo-county/2027-01"


def _enrolled(ctx: Context) -> str:
    """张三's household, 900 a month from December 2026."""
    data = household(member("张三", "self", ("wage", "1500.00")), member("李芳", "spouse"), member("张小", "child"))
    with freeze_time("2026-11-23 01:00:00"):
        app = Application(ctx, data).start().accept().investigate().first_review()
    with freeze_time("2026-11-30 02:00:00"):
        app.end_notice()
        app.confirm()
    return app.number


def test_generate_approve_lock_and_download(ctx: Context, make_browser: Any) -> None:
    number = _enrolled(ctx)
    with freeze_time("2026-12-20 02:00:00"):
        clerk: Browser = make_browser("county1")
        months = clerk.get("/payroll", follow_redirects=True)
        assert "示范县 低保金发放名册" in months.get_data(as_text=True)
        assert "生成名册草稿" in months.get_data(as_text=True)
        done = clerk.post("/payroll/demo-county/generate", {"month": "2027-01"})
        assert done.status_code == 302
        assert done.headers["Location"].endswith(ROSTER)
        page = clerk.get(ROSTER).get_data(as_text=True)
        assert "草稿，尚未审批" in page
        assert "城关镇" in page
        assert "城镇·整户保障" in page
        assert "900.00" in page
        assert "一致：名册 900.00 元" in clerk.get(f"{ROSTER}/check").get_data(as_text=True)
        assert "审批并锁定" not in page  # the clerk prepares; approving is the approver's
        approver: Browser = make_browser("approver1")
        refused = approver.post(f"{ROSTER}/approve", {}, follow_redirects=True).get_data(as_text=True)
        assert "请勾选确认后再审批" in refused
        assert "审批并锁定" in approver.get(ROSTER).get_data(as_text=True)
        approver.post(f"{ROSTER}/approve", {"confirm": "yes"})
        locked = approver.get(ROSTER).get_data(as_text=True)
        assert "已审批锁定" in locked
        assert "审批并锁定" not in locked
        again = clerk.post("/payroll/demo-county/generate", {"month": "2027-01"}, follow_redirects=True)
        assert "已审批锁定，不能再改变该月的发放" in again.get_data(as_text=True)
        csv_file = clerk.get(f"{ROSTER}/file.csv")
        assert csv_file.status_code == 200
        assert csv_file.data.startswith(b"\xef\xbb\xbf")
        assert "filename*=UTF-8''%E5%8F%91" in csv_file.headers["Content-Disposition"]
        assert csv_file.headers["Cache-Control"] == "no-store"
        assert clerk.get(f"{ROSTER}/file.pdf").status_code == 404
        assert clerk.get(f"{ROSTER}/file.xlsx").data.startswith(b"PK")
        # A correction of the locked January, paid in February; a bad amount is named, nothing recorded.
        adjustment = {"case_number": number, "corrects_month": "2027-01", "paid_in": "2027-02", "reason": "1月少发"}
        bad = clerk.post("/payroll/demo-county/adjustments", {**adjustment, "amount": "abc"}, follow_redirects=True)
        assert "调整金额：非零金额" in bad.get_data(as_text=True)
        good = clerk.post("/payroll/demo-county/adjustments", {**adjustment, "amount": "-50.00"}, follow_redirects=True)
        assert "已登记调整，计入 2027-02" in good.get_data(as_text=True)
        # The line's 身份证号 is masked on the page, whole in the bank file.
        assert "110105********" in locked
        assert "********" not in csv_file.data.decode("utf-8-sig")


def test_who_may_open_the_pages(ctx: Context, make_browser: Any, app: Flask) -> None:
    with freeze_time("2026-12-20 02:00:00"):
        clerk: Browser = make_browser("county1")
        clerk.post("/payroll/demo-county/generate", {"month": "2027-01"})
        for outsider in ("clerk1", "head1", "approver_bengbu", "designer1"):
            other: Browser = make_browser(outsider)
            assert other.get(ROSTER).status_code == 403, outsider
            assert other.get("/payroll/demo-county").status_code == 403, outsider
            assert other.post("/payroll/demo-county/generate", {"month": "2027-01"}).status_code == 403
        assert make_browser("auditor1").get(ROSTER).status_code == 200
        assert make_browser("approver1").post("/payroll/demo-county/generate", {"month": "2027-01"}).status_code == 403
        assert clerk.post("/payroll/demo-county/generate", {"month": "2027-01"}, csrf=False).status_code == 400
        assert make_browser(None).get(ROSTER).status_code == 302  # to the sign-in page
        assert "发放名册" in clerk.get("/").get_data(as_text=True)  # the navigation link
        assert "/payroll" not in make_browser("clerk1").get("/").get_data(as_text=True)
