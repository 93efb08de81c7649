"""校验问题 in the modeler, in a real Chromium: designer_taian has a draft whose 初审 has an unreadable time
limit; the drafts page's report links 初审 to the modeler, which opens with 初审 selected, a red badge on
it and the problem listed; a click on the listed problem selects the element again. The draft is then
discarded (the browser tests share one server)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Server
from tests.browser.pages import discard_drafts, sign_in
from web.designer import modeler

pytestmark = pytest.mark.browser

FILE = "dibao_application.bpmn"
MODELER = f"/designer/modeler/taian/{FILE}"


def test_a_problem_is_shown_on_its_element_and_selects_it(chromium: Browser, server: Server, screenshots: Path) -> None:
    if not modeler.assets_installed():
        pytest.skip("bpmn-js 未安装（make modeler-assets 未找到 npm）")
    page = sign_in(chromium, server.url, "designer_taian")
    page.goto("/designer/drafts/taian")
    token = page.locator('input[name="csrf_token"]').first.get_attribute("value") or ""
    xml = page.request.get(f"{MODELER}/xml").text()
    broken, count = re.subn(
        r'(<bpmn:userTask id="first_review".*?name="dueWorkingDays" value=")5(")', r"\1五天\2", xml, flags=re.S
    )
    assert count == 1
    saved = page.request.post(
        MODELER, data=broken.encode(), headers={"Content-Type": "application/xml; charset=utf-8", "X-CSRFToken": token}
    )
    assert saved.ok, saved.text()

    page.goto("/designer/drafts/taian")
    page.get_by_role("button", name="校验草稿").click()
    expect(page.get_by_text("校验未通过（1 个问题）")).to_be_visible()
    page.get_by_role("link", name="初审").click()
    expect(page).to_have_url(re.compile(r"\?element=first_review$"))
    expect(page.locator("#modeler-problems-summary")).to_have_text(re.compile("^本文件有 1 个问题"))
    task = page.locator("g.djs-element[data-element-id=first_review]")
    expect(task).to_have_class(re.compile(r"\bselected\b"))
    expect(page.get_by_role("button", name=re.compile("^该元素有 1 个问题"))).to_be_visible()
    page.screenshot(path=str(screenshots / "17-modeler-problems.png"), full_page=True)

    page.evaluate("() => window.dibaoModeler.get('selection').select(null)")  # select nothing
    expect(task).not_to_have_class(re.compile(r"\bselected\b"))
    page.get_by_role("button", name=re.compile("^「初审」")).click()
    expect(task).to_have_class(re.compile(r"\bselected\b"))

    discard_drafts(page, "taian")
