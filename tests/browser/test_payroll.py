"""发放名册 in a real Chromium (docs/payments.md), on a server of its own (the seed travels the clock to
mid-2027): the approver reads the months, August's draft (a 补发 for 马丽, whose approval came after July was
locked, and an adjustment of June), its reconciliation, and approves it; July shows the 渐退 household paid
and the stopped one gone; the clerk downloads the XLSX and reads the roster on a 375 px phone.
Screenshots at desktop width and at 375 px."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Server, seeded_serving
from tests.browser.pages import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def payroll_server(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Server]:
    with seeded_serving(tmp_path_factory, pytestconfig, "seed_payroll") as (running, _):
        yield running


def test_the_approver_reads_checks_and_locks_a_month(
    payroll_server: Server, chromium: Browser, screenshots: Path
) -> None:
    url = payroll_server.url
    approver = sign_in(chromium, url, "approver1")
    approver.get_by_role("link", name="发放名册").click()
    expect(approver.get_by_role("heading", name="示范县 低保金发放名册")).to_be_visible()
    months = approver.locator("table.payroll-months")
    expect(months).to_contain_text("2027 年 8 月")
    expect(months).to_contain_text("已审批锁定")
    approver.screenshot(path=str(screenshots / "payroll-months.png"), full_page=True)

    approver.get_by_role("link", name="2027 年 8 月").click()
    expect(approver.locator(".payroll-draft")).to_contain_text("草稿，尚未审批")
    groups = approver.locator("table.payroll-groups")
    expect(groups).to_contain_text("城关镇")
    expect(groups).to_contain_text("河西乡")
    expect(groups).to_contain_text("农村·整户保障")
    lines = approver.locator("table.payroll-lines")
    expect(lines.locator("tr", has_text="马丽").filter(has_text="补发")).to_contain_text("2027-07")
    expect(lines.locator("tr", has_text="张三").filter(has_text="调整")).to_contain_text("100.00")
    approver.screenshot(path=str(screenshots / "payroll-roster-draft.png"), full_page=True)

    approver.get_by_role("link", name="查看核对结果").click()
    expect(approver.locator(".payroll-check")).to_contain_text("一致")
    approver.screenshot(path=str(screenshots / "payroll-check.png"), full_page=True)
    approver.go_back()

    approver.get_by_label("我已核对").check()
    approver.get_by_role("button", name="审批并锁定").click()
    expect(approver.locator(".flash-success").first).to_contain_text("该月已锁定")
    expect(approver.locator(".payroll-locked")).to_contain_text("已审批锁定")
    expect(approver.get_by_role("button", name="审批并锁定")).to_have_count(0)
    approver.screenshot(path=str(screenshots / "payroll-roster-locked.png"), full_page=True)

    approver.goto(f"{url}/payroll/demo-county/2027-07")
    july = approver.locator("table.payroll-lines")
    expect(july).to_contain_text("周强")  # 渐退: paid during the exit months
    expect(july).not_to_contain_text("郑老汉")  # stopped from July

    clerk = sign_in(chromium, url, "county1", phone=True)
    clerk.goto(f"{url}/payroll/demo-county")
    expect(clerk.get_by_role("heading", name="生成名册草稿")).to_be_visible()
    expect(clerk.get_by_role("heading", name="登记调整（更正已锁定的月份）")).to_be_visible()
    clerk.screenshot(path=str(screenshots / "payroll-months-375px.png"), full_page=True)
    assert clerk.evaluate("document.scrollingElement.scrollWidth") <= 375
    clerk.goto(f"{url}/payroll/demo-county/2027-08")
    expect(clerk.locator(".payroll-locked")).to_be_visible()
    with clerk.expect_download() as download:
        clerk.get_by_role("link", name="Excel（XLSX）").click()
    assert download.value.suggested_filename == "发放名册-示范县-2027-08.xlsx"
    clerk.screenshot(path=str(screenshots / "payroll-roster-375px.png"), full_page=True)
    width = clerk.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"the roster page is {width} px wide at 375 px"
