"""政策模拟测算 in a real Chromium (docs/policy-simulation.md): county1 types 800 → 850, first with a value
that is no number (the report, nothing run), then a valid one; the run's page refreshes itself until the
result shows its charts and tables; the CSV downloads. Screenshots at desktop width and at 375 px, with
no CSP violation (the page has no script: the progress page refreshes by <meta>)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Server, seeded_serving
from tests.browser.pages import WATCH_CSP, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Server]:
    with seeded_serving(tmp_path_factory, pytestconfig, "seed_simulation") as (running, _):
        yield running


def _propose(page: Page, standard: str) -> None:
    page.get_by_label("城市低保标准（元/人·月）").fill(standard)
    page.get_by_label("农村低保标准（元/人·月）").fill(standard)
    page.get_by_label("生效日期").fill("2027-01-01")
    page.get_by_role("button", name="开始测算").click()


def test_a_county_user_simulates_a_higher_standard(seeded_server: Server, chromium: Browser, screenshots: Path) -> None:
    page = sign_in(chromium, seeded_server.url, "county1")
    page.context.add_init_script(WATCH_CSP)
    page.get_by_role("link", name="政策测算").click()
    expect(page.get_by_role("heading", name="政策模拟测算")).to_be_visible()
    _propose(page, "八百五")
    report = page.locator(".form-error")
    expect(report).to_contain_text("拟议参数未通过校验，未进行测算")
    expect(report).to_contain_text("参数“城市低保标准（元/人·月）”（dibao_standard_urban）：须是不小于 0 的金额")
    page.screenshot(path=str(screenshots / "simulation-invalid.png"), full_page=True)
    _propose(page, "850")
    expect(page.get_by_role("heading", name="结果概览")).to_be_visible()  # after the page's own refreshes
    expect(page.locator(".summary-figures").first).to_contain_text("共测算 2005 户")
    expect(
        page.locator("svg#chart-simulation-townships-title, svg[aria-labelledby^='chart-simulation-townships']")
    ).to_have_count(1)
    expect(page.locator("table caption", has_text="保障金支出：按乡镇")).to_be_visible()
    page.screenshot(path=str(screenshots / "simulation-result.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 CSV（受影响家庭明细和合计）").click()
    saved = download.value.path()
    text = Path(saved).read_text(encoding="utf-8-sig")
    assert text.startswith("序号,来源,户主（脱敏）,乡镇")
    assert page.evaluate("() => window.cspViolations") == []
    result_url = page.url

    phone = sign_in(chromium, seeded_server.url, "approver1", phone=True)
    phone.goto(result_url)
    expect(phone.get_by_role("heading", name="结果概览")).to_be_visible()
    phone.screenshot(path=str(screenshots / "simulation-result-375px.png"), full_page=True)
    width = phone.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"the result page is {width} px wide at 375 px"
    phone.goto("/dashboard/simulations")
    phone.screenshot(path=str(screenshots / "simulation-form-375px.png"), full_page=True)
    width = phone.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"the form is {width} px wide at 375 px"
