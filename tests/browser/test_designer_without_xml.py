"""Issue 17 end to end, in a real Chromium: a region's designer changes a procedure without touching XML.

designer_huining, in the browser only:
1. in the modeler's properties panel, sets 初审's 办理时限 from 5 to 7 working days and its 表单 to another
   existing form, and saves the draft;
2. in the decision-table editor, retypes row 1 of 确定审批层级 (township → county) and saves;
3. in the form editor, adds a field to 入户调查's form for 会宁 only and saves;
4. in the parameter form, gives 城市低保标准 a new value from next New Year's Day and saves;
then validates the drafts, dry-runs the 低保 procedure on them, deploys, and reads the version diffs:
each change is one Chinese sentence. Other regions are untouched (no browser test uses 会宁).

Needs the assets of `make modeler-assets` (make test-browser runs it); skipped where npm was absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from engine.clock import china_today
from tests.browser.conftest import Server
from tests.browser.pages import WATCH_CSP, sign_in
from web.designer import modeler

pytestmark = pytest.mark.browser

REGION = "huining"
NEW_FORM = "dibao_caution_review"
FIELD = "住房是否危房"


def _panel_edits(page: Page) -> None:
    page.goto(f"/designer/modeler/{REGION}/dibao_application.bpmn")
    status = page.locator("#modeler-status")
    expect(status).to_have_text(re.compile("^已加载"))
    page.locator("[data-element-id=first_review]").first.click()
    panel = page.locator("#modeler-properties")
    due = panel.locator("#bio-properties-panel-dibao-dueWorkingDays")
    expect(due).to_have_value("5")
    due.fill("7")
    form = panel.locator("#bio-properties-panel-dibao-formKey")
    form.select_option(NEW_FORM)
    expect(form).to_have_value(NEW_FORM)
    page.get_by_role("button", name="保存草稿").click()
    expect(status).to_have_text(re.compile("^已保存草稿 dibao_application.bpmn"))
    expect(page.locator("#modeler-problems-summary")).to_have_text(re.compile("^本文件校验通过"))


def _table_edit(page: Page) -> None:
    page.goto(f"/designer/dmn/{REGION}/reference_approval_level.dmn")
    status = page.locator("#dmn-status")
    expect(status).to_have_text(re.compile("^已加载"))
    cell = page.locator('td[data-row-id="rule_township"][data-col-id="output_approval_level"]')
    expect(cell).to_have_text('"township"')
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type('"county"')
    page.locator(".decision-table-name").click()  # leave the cell
    page.get_by_role("button", name="保存草稿").click()
    expect(status).to_have_text(re.compile("^已保存草稿 reference_approval_level.dmn"))


def _form_edit(page: Page) -> None:
    page.goto(f"/designer/forms/{REGION}/dibao_home_visit")
    expect(page.get_by_role("heading", name="编辑表单「入户调查」")).to_be_visible()
    page.get_by_role("button", name="添加字段").click()
    row = page.locator(".editor-row").last
    row.get_by_label("中文名称").fill(FIELD)
    row.get_by_label("字段标识").fill("house_unsafe")
    row.get_by_label("类型").select_option(label="是/否")
    expect(page.locator("#form-preview").get_by_label(FIELD)).to_be_visible()  # the clerk's renderer
    page.get_by_role("button", name="保存草稿").last.click()
    expect(page.get_by_text("已保存为草稿")).to_be_visible()


def _parameter_edit(page: Page, start: str) -> None:
    page.goto(f"/designer/drafts/{REGION}/parameters")
    standard = page.locator("#param-dibao_standard_urban")
    standard.get_by_label("城市低保标准（元/人·月） 新取值的生效日期", exact=True).fill(start)
    standard.get_by_label("城市低保标准（元/人·月） 新取值", exact=True).fill("850")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.get_by_role("heading", name="流程草稿：会宁")).to_be_visible()


def _sentences(page: Page) -> list[str]:
    """The diff page's changes, one per list item, without the marker and the where-note."""
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in page.locator(".diff-list > li").evaluate_all(
            "items => items.map(li => [...li.childNodes]"
            ".filter(n => n.nodeType === 3).map(n => n.textContent).join(''))"
        )
    ]


def test_a_designer_changes_a_procedure_without_xml(chromium: Browser, server: Server, screenshots: Path) -> None:
    if not modeler.assets_installed():
        pytest.skip("bpmn-js 未安装（make modeler-assets 未找到 npm）")
    start = f"{china_today().year + 1}-01-01"
    page = sign_in(chromium, server.url, f"designer_{REGION}")
    page.context.add_init_script(WATCH_CSP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    _panel_edits(page)
    _table_edit(page)
    _form_edit(page)
    _parameter_edit(page, start)

    page.goto(f"/designer/drafts/{REGION}")
    for name in ("dibao_application.bpmn", "reference_approval_level.dmn", "dibao_home_visit.override.json"):
        expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="parameters.toml", exact=True)).to_be_visible()
    page.get_by_role("button", name="校验草稿").click()
    expect(page.get_by_role("status").filter(has_text="校验通过")).to_be_visible()
    page.screenshot(path=str(screenshots / "17-designer-drafts-valid.png"), full_page=True)

    page.goto(f"/designer/drafts/{REGION}/dry-run")
    page.get_by_label("流程").select_option(label="最低生活保障审核确认")  # by name, as a designer reads it
    page.get_by_role("button", name="试运行").click()
    expect(page.get_by_text("结论：")).to_be_visible()  # the assessment ran under the draft's parameters
    page.screenshot(path=str(screenshots / "17-designer-dry-run.png"), full_page=True)

    page.goto(f"/designer/drafts/{REGION}")
    page.get_by_role("button", name="校验草稿").click()
    page.get_by_role("button", name="部署到 会宁").click()
    expect(page.get_by_text(re.compile("^已部署："))).to_be_visible()
    expect(page.get_by_text("本地区没有草稿")).to_be_visible()

    page.goto(f"/designer/{REGION}")
    page.locator("tr", has=page.get_by_text("dibao_application", exact=True)).get_by_role("link", name="差异").click()
    expect(page.get_by_role("heading", name=re.compile("^版本差异"))).to_be_visible()
    changes = _sentences(page)
    assert "任务“初审”的办理时限（工作日）：5 → 7" in changes
    assert any(s.startswith("任务“初审”的表单：") and NEW_FORM in s for s in changes), changes
    assert any(f"新增字段“{FIELD}”" in s and s.endswith("（本地区）") for s in changes), changes
    assert f"参数「城市低保标准（元/人·月）」自 {start} 起由 800.00 元 改为 850.00 元" in changes
    page.screenshot(path=str(screenshots / "17-designer-diff.png"), full_page=True)

    page.goto(f"/designer/{REGION}")
    page.locator("tr", has=page.get_by_text("reference_review", exact=True)).get_by_role("link", name="差异").click()
    changes = _sentences(page)
    assert any('规则 rule_township（乡镇审批） 的结果“审批层级”："township" → "county"' in s for s in changes), changes
    assert page.evaluate("() => window.cspViolations") == []
    assert errors == []
