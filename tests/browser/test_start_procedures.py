"""Every procedure from 受理登记 in a real browser (issue 14, docs/starting-cases.md): a 临时救助 emergency
with its 试算 (amount, township limit, who approves) registered from the page, and a 动态复核 of one
enrolled household picked by name, prefilled and started; screenshots at desktop and 375 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Server, seeded_serving
from tests.browser.pages import other_number, sign_in
from tests.browser.seed_enrolments import NAME

pytestmark = pytest.mark.browser

APPLICANT = other_number("11010519820315021X", "7")  # a number of its own (the browser tests share families)


@pytest.fixture(scope="module")
def enrolled(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[tuple[Server, str]]:
    with seeded_serving(tmp_path_factory, pytestconfig, "seed_enrolments") as (running, printed):
        yield running, printed


def _fill_fire(page: Page) -> None:
    page.get_by_label("受理村/社区（户籍地或事发地）").select_option("demo-village-1-1")
    page.get_by_label("申请人姓名").fill("陈火灾")
    page.get_by_label("申请人身份证号").fill(APPLICANT)
    page.get_by_role("radio", name=re.compile("^急难型")).check()
    page.get_by_label("困难事由").select_option("fire")
    page.get_by_label("事发日期").fill("2026-01-05")
    page.get_by_label("受困家庭人口（人）").fill("3")
    page.get_by_label("困难预计持续月数（月）").fill("4")
    page.get_by_role("radio", name="其他家庭").check()
    page.get_by_label("困难情况说明").fill("夜间住房失火，家中财物全部烧毁")


def test_a_temporary_assistance_emergency_is_registered_from_the_browser(
    chromium: Browser, enrolled: tuple[Server, str], screenshots: Path
) -> None:
    server, _number = enrolled
    page = sign_in(chromium, server.url, "clerk1")
    page.get_by_role("link", name="受理登记").click()
    tabs = page.get_by_role("navigation", name="申请事项")
    for title in ("最低生活保障审核确认", "临时救助审核审批", "动态复核"):
        expect(tabs.get_by_role("link", name=title)).to_be_visible()
    tabs.get_by_role("link", name="临时救助审核审批").click()
    _fill_fire(page)
    page.get_by_role("button", name="试算", exact=True).last.click()
    result = page.locator("#assessment")
    expect(result).to_contain_text("乡镇审批限额")
    expect(result).to_contain_text("3200.00")
    expect(result).to_contain_text("9600.00")
    expect(page.get_by_label("申请人姓名")).to_have_value("陈火灾")  # what was typed stays
    page.screenshot(path=str(screenshots / "60-start-temporary-assessment.png"), full_page=True)
    page.get_by_role("button", name="提交登记").click()
    expect(page.get_by_role("heading", name=re.compile(r"^案件 \d{4}-\d{7}"))).to_be_visible()
    expect(page.get_by_text("先行救助", exact=False).first).to_be_visible()
    page.screenshot(path=str(screenshots / "61-start-temporary-case.png"), full_page=True)


def test_the_due_batch_preview_at_desktop(chromium: Browser, enrolled: tuple[Server, str], screenshots: Path) -> None:
    server, _number = enrolled
    page = sign_in(chromium, server.url, "clerk1")
    page.goto("/cases/due-reviews?on=2027-06-01")
    expect(page.get_by_role("heading", name="批量启动到期复核")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(NAME))).to_be_visible()  # due 1 June 2027: listed, not started
    page.screenshot(path=str(screenshots / "64-due-reviews-preview.png"), full_page=True)


def test_a_periodic_review_is_started_from_the_browser_at_375_px(
    chromium: Browser, enrolled: tuple[Server, str], screenshots: Path
) -> None:
    server, number = enrolled
    page = sign_in(chromium, server.url, "clerk1", phone=True)
    page.goto("/cases/new?process=periodic_review")
    page.get_by_label("案件编号或户主姓名").fill(NAME)
    page.get_by_role("button", name="查找").click()
    row = page.get_by_role("row", name=re.compile(number))
    expect(row).to_be_visible()
    row.get_by_role("link", name="选择").click()
    expect(page.get_by_label("原低保案件编号")).to_have_value(number)
    page.get_by_role("radio", name="家庭报告变化").check()
    page.screenshot(path=str(screenshots / "62-start-review-375px-top.png"))
    width = int(page.evaluate("document.scrollingElement.scrollWidth"))
    page.screenshot(path=str(screenshots / "62-start-review-375px.png"), full_page=True)
    assert width <= 375, f"受理登记 scrolls sideways at 375 px ({width} px)"
    page.get_by_role("button", name="提交登记").click()
    expect(page.get_by_role("heading", name=re.compile(r"^案件 \d{4}-\d{7}"))).to_be_visible()
    expect(page.get_by_text("复核调查", exact=False).first).to_be_visible()
    page.screenshot(path=str(screenshots / "63-start-review-case-375px.png"), full_page=True)
