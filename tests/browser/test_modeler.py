"""The in-browser BPMN modeler in a real Chromium: designer1 opens the national 低保 procedure in bpmn-js,
renames a task through the bpmn-js API (window.dibaoModeler), presses 保存草稿, and the draft the server
then serves has the new name. The page runs under the application's CSP with no violation reported.

Needs the assets of `make modeler-assets` (make test-browser runs it); skipped where npm was absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Server
from tests.browser.pages import WATCH_CSP, sign_in
from web.designer import modeler

pytestmark = pytest.mark.browser

PAGE = "/designer/modeler/default/dibao_application.bpmn"
NEW_NAME = "受理审查（建模器改名）"


def test_a_designer_renames_a_task_and_saves_a_draft(chromium: Browser, server: Server, screenshots: Path) -> None:
    if not modeler.assets_installed():
        pytest.skip("bpmn-js 未安装（make modeler-assets 未找到 npm）")
    page = sign_in(chromium, server.url, "designer1")
    page.context.add_init_script(WATCH_CSP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(PAGE)
    status = page.get_by_role("status")
    expect(status).to_have_text(re.compile("^已加载"))
    expect(page.locator("[data-element-id=intake_review]")).to_be_visible()
    page.evaluate(
        """name => {
            const modeler = window.dibaoModeler;
            const task = modeler.get('elementRegistry').get('intake_review');
            modeler.get('modeling').updateLabel(task, name);
        }""",
        NEW_NAME,
    )
    expect(status).to_have_text("有未保存的修改")
    page.get_by_role("button", name="保存草稿").click()
    expect(status).to_have_text(re.compile("^已保存草稿 dibao_application.bpmn"))
    page.screenshot(path=str(screenshots / "11-modeler.png"), full_page=True)
    served = page.request.get(f"{PAGE}/xml")
    assert served.ok
    assert f'name="{NEW_NAME}"' in served.text()
    assert page.evaluate("() => window.cspViolations") == []
    assert errors == []
    expect(page.get_by_role("link", name="校验与部署")).to_have_attribute("href", "/designer/drafts/default")
