"""年度调标 in a real Chromium (docs/annual-adjustment.md): the county clerk prepares a run for January 2027 from
the header's 年度调标 link, the county approver reads the households to re-check on a 375 px phone and approves;
the case page of a household enrolled through the process then says what changed. Screenshots at desktop
width and at 375 px (recalc-*.png).

The module has its own server: its database gets 300 seeded enrolments, one enrolled through the engine and a
standard of 850.00 from 2027 before the server starts (tests/browser/seed_recalculation.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Server, seeded_serving
from tests.browser.pages import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def raised(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[tuple[Server, str]]:
    with seeded_serving(tmp_path_factory, pytestconfig, "seed_recalculation", "300") as (running, printed):
        yield running, printed.splitlines()[-1]


def _width(page: Page) -> int:
    return int(page.evaluate("document.scrollingElement.scrollWidth"))


def test_the_county_prepares_and_approves_a_standard_rise(
    chromium: Browser, raised: tuple[Server, str], screenshots: Path
) -> None:
    server, number = raised
    clerk = sign_in(chromium, server.url, "county1")
    clerk.get_by_role("navigation", name="主导航").get_by_role("link", name="年度调标").click()
    expect(clerk.get_by_role("heading", name="年度调标", exact=True)).to_be_visible()
    clerk.get_by_label("生效月份").fill("2027-01")
    clerk.get_by_role("button", name="试算").click()
    expect(clerk.get_by_role("heading", name="调标 TB-2027-0001")).to_be_visible()
    # 300 seeded (180 FAMILY, 30 ALONE, 30 SINGLE, 30 CROSSING, 15 LOW, 15 渐退) and the engine's household.
    expect(clerk.locator(".recalc-figures")).to_contain_text("增发256 户")
    expect(clerk.locator(".recalc-figures")).to_contain_text("需复核（不自动调整）30 户")
    expect(clerk.get_by_text("第 1 / 3 页，共 286 户")).to_be_visible()
    expect(clerk.get_by_role("button", name="审批通过")).to_have_count(0)
    clerk.screenshot(path=str(screenshots / "recalc-run-desktop.png"), full_page=True)

    approver = sign_in(chromium, server.url, "approver1", phone=True)
    approver.goto("/recalculations/TB-2027-0001")
    approver.get_by_role("navigation", name="筛选").get_by_role("link", name="需复核").click()
    expect(approver.locator("tr.recalc-flagged")).to_have_count(30)
    expect(approver.locator("tr.recalc-flagged").first).to_contain_text("保障方式将由单人户保障变为全户保障，需复核")
    assert _width(approver) <= 375, f"the run page is {_width(approver)} px wide at 375 px"
    approver.screenshot(path=str(screenshots / "recalc-flagged-375px.png"), full_page=True)
    approver.get_by_label("已核对调标结果", exact=False).check()
    approver.get_by_role("button", name="审批通过").click()
    expect(approver.locator(".flash-success")).to_contain_text("调标 TB-2027-0001 已审批：增发 256 户")
    expect(approver.locator(".recalc-status")).to_have_text("已审批")
    approver.screenshot(path=str(screenshots / "recalc-approved-375px.png"), full_page=True)

    approver.goto(f"/cases/{number}")
    sentence = approver.get_by_text(
        "年度调标 TB-2027-0001（增发）：每月保障金额 100.00 → 200.00 元，自 2027 年 1 月起执行"
    )
    expect(sentence).to_be_visible()
    assert _width(approver) <= 375
    clerk.goto(f"/cases/{number}")
    clerk.get_by_text("年度调标 TB-2027-0001（增发）").scroll_into_view_if_needed()
    clerk.screenshot(path=str(screenshots / "recalc-case-desktop.png"), full_page=True)
