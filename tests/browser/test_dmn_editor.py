"""The DMN decision-table editor in a real Chromium: designer1 opens the national 审批层级 table in dmn-js
(in Chinese), retypes the output cell of row 1 in the table itself, presses 保存草稿, opens 测试决策表, enters
an amount that hits row 1 and sees the draft and the deployed table answer differently. The pages run
under the application's CSP with no violation and no script error; screenshots at 1280 and 375 px.

Needs the assets of `make modeler-assets` (make test-browser runs it); skipped where npm was absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from engine.workflow.parsing import parse_files
from tests.browser.conftest import Server
from tests.browser.pages import discard_drafts, sign_in
from web.designer import dmn

pytestmark = pytest.mark.browser

FILE = "reference_approval_level.dmn"
PAGE = f"/designer/dmn/default/{FILE}"
# Collects CSP violations from the first script on: dmn-js must work without inline styles or scripts.
_WATCH_CSP = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation', e => window.cspViolations.push("
    "e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));"
)


def _watched(page: Page) -> list[str]:
    page.context.add_init_script(_WATCH_CSP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def _page_width(page: Page) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth"))


def _a_slip_is_listed_and_marked(page: Page, cell: Locator, screenshots: Path) -> None:
    """An expression cut short, saved as a draft: the page lists the problem and marks the cell's row."""
    status = page.get_by_role("status")
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("1 +")
    page.locator(".decision-table-name").click()
    page.get_by_role("button", name="保存草稿").click()
    expect(status).to_have_text(re.compile(f"^已保存草稿 {re.escape(FILE)}"))
    expect(page.locator("#dmn-problems-summary")).to_have_text(re.compile("^本文件有 1 个问题"))
    expect(page.locator("#dmn-problems")).to_contain_text("第 1 条规则（乡镇审批）的输出")
    expect(cell).to_have_class(re.compile(r"\bdmn-problem-row\b"))
    page.screenshot(path=str(screenshots / "35-dmn-problem.png"), full_page=True)


def test_a_designer_edits_a_cell_saves_and_tests_the_table(
    chromium: Browser, server: Server, screenshots: Path
) -> None:
    if not dmn.assets_installed():
        pytest.skip("dmn-js 未安装（make modeler-assets 未找到 npm）")
    page = sign_in(chromium, server.url, "designer1")
    errors = _watched(page)
    page.goto(PAGE)
    status = page.get_by_role("status")
    expect(status).to_have_text(re.compile("^已加载"))
    table = page.locator(".tjs-table")
    expect(table).to_be_visible()
    expect(page.get_by_text("命中策略：")).to_be_visible()  # dmn-js's own texts, through our dictionary
    expect(page.get_by_text("唯一（UNIQUE）")).to_be_visible()
    # The column editor (a pop-up dmn-js positions itself) opens in Chinese, under the CSP too.
    # dmn-js shows the column's edit button to keyboard users (it is clipped until focused): focus, Enter.
    page.get_by_role("button", name="编辑输入列").focus()
    page.keyboard.press("Enter")
    menu = page.locator(".context-menu")
    expect(menu).to_contain_text("表达式")
    expect(menu).to_contain_text("类型")
    page.screenshot(path=str(screenshots / "30-dmn-column-editor.png"))
    page.keyboard.press("Escape")
    page.locator(".decision-table-name").click()
    # Row 1 (乡镇审批) outputs "township"; retype its output cell as a designer does: click, select, type.
    cell = page.locator('td[data-row-id="rule_township"][data-col-id="output_approval_level"]')
    expect(cell).to_have_text('"township"')
    _a_slip_is_listed_and_marked(page, cell, screenshots)
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type('"county"')
    page.locator(".decision-table-name").click()  # leave the cell
    expect(cell).to_have_text('"county"')
    expect(status).to_have_text("有未保存的修改")
    page.screenshot(path=str(screenshots / "31-dmn-editor.png"), full_page=True)
    page.get_by_role("button", name="保存草稿").click()
    expect(status).to_have_text(re.compile(f"^已保存草稿 {re.escape(FILE)}"))
    expect(page.locator("#dmn-problems-summary")).to_have_text(re.compile("^本文件校验通过"))
    served = page.request.get(f"{PAGE}/xml")
    assert served.ok
    assert '"county"' in served.text()
    assert '"township"' not in served.text()
    # What dmn-js exported passes the deploy-time checks (the DMN subset, Spiff's parser) unchanged.
    assert parse_files({}, {FILE: served.body()}).problems == []

    page.get_by_role("link", name="测试决策表").click()
    expect(page.get_by_role("heading", name=f"测试决策表：{FILE}")).to_be_visible()
    page.get_by_label("申请金额（元）").fill("3000")
    page.get_by_role("button", name="计算").click()
    draft, deployed = page.locator("#side-draft"), page.locator("#side-deployed")
    expect(draft).to_contain_text("命中第 1 行：乡镇审批")
    expect(draft.locator(".dmn-output")).to_have_text("county")
    expect(deployed).to_contain_text("命中第 1 行：乡镇审批")
    expect(deployed.locator(".dmn-output")).to_have_text("township")
    expect(page.get_by_text("草稿与已部署版本的结果不同")).to_be_visible()
    page.screenshot(path=str(screenshots / "32-dmn-test.png"), full_page=True)
    assert page.evaluate("() => window.cspViolations") == []
    assert errors == []
    discard_drafts(page, "default")


def test_the_editor_and_the_test_page_on_a_phone(chromium: Browser, server: Server, screenshots: Path) -> None:
    if not dmn.assets_installed():
        pytest.skip("dmn-js 未安装（make modeler-assets 未找到 npm）")
    page = sign_in(chromium, server.url, "designer1", phone=True)
    errors = _watched(page)
    page.goto("/designer/dmn/default/temporary_approval_level.dmn")
    expect(page.get_by_role("status")).to_have_text(re.compile("^已加载"))
    expect(page.locator(".tjs-table")).to_be_visible()
    assert _page_width(page) <= 375  # the table scrolls inside its frame
    page.screenshot(path=str(screenshots / "33-dmn-editor-375.png"), full_page=True)
    page.goto("/designer/dmn/default/temporary_approval_level.dmn/test")
    page.get_by_label("事由").fill("fire")
    page.get_by_label("救助金额超过乡镇审批限额").select_option(label="是")
    page.get_by_role("button", name="计算").click()
    expect(page.locator("#side-deployed")).to_contain_text("命中第 1 行")
    expect(page.locator("#side-deployed .dmn-output")).to_have_text("committee")
    assert _page_width(page) <= 375
    page.screenshot(path=str(screenshots / "34-dmn-test-375.png"), full_page=True)
    assert page.evaluate("() => window.cspViolations") == []
    assert errors == []
