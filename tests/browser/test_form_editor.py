"""The form editor in a real Chromium (docs/designer-forms.md): designer_yantai opens 初审's form
(dibao_first_review) for yantai from the region page, adds a field with a Chinese label, sees it in the
live preview (no button pressed), saves the draft and validates it on the drafts page. The pages run
under the application's CSP with no violation reported; screenshots at 1280 px and 375 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Server
from tests.browser.pages import WATCH_CSP, discard_drafts, sign_in

pytestmark = pytest.mark.browser

EDITOR = "/designer/forms/yantai/dibao_first_review"
LABEL = "已核对户口簿原件"


def _watched(page: Page) -> list[str]:
    page.context.add_init_script(WATCH_CSP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_a_region_adds_a_field_sees_it_in_the_preview_saves_and_validates(
    chromium: Browser, server: Server, screenshots: Path
) -> None:
    page = sign_in(chromium, server.url, "designer_yantai")
    errors = _watched(page)
    page.goto("/designer/yantai")
    page.locator("summary", has_text="表单").first.click()
    page.locator("li", has_text="dibao_first_review").get_by_role("link", name="编辑").click()
    expect(page.get_by_role("heading", name="编辑表单「初审」")).to_be_visible()
    preview = page.locator("#form-preview")
    expect(preview.get_by_text("初审意见说明")).to_be_visible()  # the national form, as clerks see it

    page.get_by_role("button", name="添加字段").click()
    row = page.locator(".editor-row").last
    expect(row.locator("legend")).to_contain_text("本地区字段")
    row.get_by_label("中文名称").fill(LABEL)
    row.get_by_label("字段标识").fill("hukou_checked")
    row.get_by_label("类型").select_option(label="是/否")
    row.get_by_label("必填").check()
    # The live preview follows the typing (debounced) through the clerk's renderer.
    expect(preview.get_by_label(LABEL)).to_be_visible()
    expect(preview.locator("input[name='f.hukou_checked'][type=checkbox]")).to_have_count(1)
    page.screenshot(path=str(screenshots / "form-editor-1280.png"), full_page=True)

    page.get_by_role("button", name="保存草稿").last.click()
    expect(page.get_by_text("已保存为草稿")).to_be_visible()
    expect(page.locator(".editor-row").last.get_by_label("中文名称")).to_have_value(LABEL)

    page.goto("/designer/drafts/yantai")
    expect(page.get_by_role("cell", name="dibao_first_review.override.json")).to_be_visible()
    expect(page.get_by_role("cell", name="表单地区覆盖")).to_be_visible()
    page.get_by_role("button", name="校验草稿").click()
    expect(page.get_by_role("status").filter(has_text="校验通过")).to_be_visible()
    page.screenshot(path=str(screenshots / "form-editor-drafts-1280.png"), full_page=True)
    assert page.evaluate("() => window.cspViolations") == []
    assert errors == []

    phone = sign_in(chromium, server.url, "designer_yantai", phone=True)
    phone_errors = _watched(phone)
    phone.goto(EDITOR)
    expect(phone.locator("#form-preview").get_by_label(LABEL)).to_be_visible()
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"the editor scrolls sideways at 375 px ({width} px)"
    phone.screenshot(path=str(screenshots / "form-editor-375.png"), full_page=True)
    assert phone.evaluate("() => window.cspViolations") == []
    assert phone_errors == []

    discard_drafts(page, "yantai")
