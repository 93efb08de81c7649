"""The parameter form in a real Chromium (issue 17): designer_yantai gives 烟台 a new 城市低保标准 from next
New Year's Day through the typed form, saves the draft and validates it on the drafts page. The page shows
which parameters 沿用全国默认, runs under the application's CSP with nothing reported, and fits 375 px.
The draft is discarded at the end, so the session's other designer tests start from the deployed files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from engine.clock import china_today
from tests.browser.conftest import Server
from tests.browser.pages import WATCH_CSP, discard_drafts, sign_in

pytestmark = pytest.mark.browser

PAGE = "/designer/drafts/yantai/parameters"


def _section(page: Page, label: str) -> object:
    return page.locator("section.param").filter(
        has=page.get_by_role("heading", name=re.compile(f"^{re.escape(label)}"))
    )


def test_a_designer_sets_a_new_standard_from_a_date(chromium: Browser, server: Server, screenshots: Path) -> None:
    start = f"{china_today().year + 1}-01-01"
    page = sign_in(chromium, server.url, "designer_yantai")
    page.context.add_init_script(WATCH_CSP)
    page.goto(PAGE)
    expect(page.get_by_role("heading", name="参数：烟台")).to_be_visible()
    standard = page.locator("#param-dibao_standard_urban")
    expect(standard.get_by_role("heading")).to_contain_text("城市低保标准（元/人·月）")
    expect(standard).to_contain_text("本地区沿用全国默认")
    expect(standard).to_contain_text("800.00 元")
    expect(page.locator("#param-gradual_exit_caution_groups")).to_contain_text("本地区设置")
    page.screenshot(path=str(screenshots / "40-parameters.png"), full_page=False)
    page.locator("#param-escalation_roles").screenshot(path=str(screenshots / "45-parameters-levels.png"))

    # A bad amount first: 422 in Chinese, the typed value kept.
    standard.get_by_label("城市低保标准（元/人·月） 新取值的生效日期", exact=True).fill(start)
    standard.get_by_label("城市低保标准（元/人·月） 新取值", exact=True).fill("850.125")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"参数「城市低保标准（元/人·月）」第 2 行（{start} 起）：金额最多两位小数"
    )
    expect(standard.get_by_label("城市低保标准（元/人·月） 新取值", exact=True)).to_have_value("850.125")
    standard.screenshot(path=str(screenshots / "41-parameters-error.png"))

    standard.get_by_label("城市低保标准（元/人·月） 新取值", exact=True).fill("850")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.get_by_role("heading", name="流程草稿：烟台")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="parameters.toml")).to_be_visible()
    page.get_by_role("button", name="校验草稿").click()
    expect(page.get_by_role("status")).to_contain_text("校验通过")

    page.goto(PAGE)
    expect(standard).to_contain_text("本地区设置")
    expect(standard.locator(".timeline")).to_contain_text("2021-07-01 起 800.00 元")
    expect(standard.get_by_label("城市低保标准（元/人·月） 第 2 行生效日期", exact=True)).to_have_value(start)
    expect(standard.get_by_label("城市低保标准（元/人·月） 第 2 行取值", exact=True)).to_have_value("850.00")
    standard.screenshot(path=str(screenshots / "42-parameters-timeline.png"))
    assert page.evaluate("() => window.cspViolations") == []

    phone = sign_in(chromium, server.url, "designer_yantai", phone=True)
    phone.goto(PAGE)
    expect(phone.locator("#param-dibao_standard_urban")).to_contain_text("本地区设置")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width} px wide on a 375 px screen"
    phone.screenshot(path=str(screenshots / "43-parameters-375.png"), full_page=False)
    phone.locator("#param-dibao_standard_urban").screenshot(path=str(screenshots / "44-parameters-375-standard.png"))
    phone.locator("#param-escalation_roles").screenshot(path=str(screenshots / "46-parameters-375-levels.png"))

    discard_drafts(page, "yantai")
