"""Forms that do not fight the user, in a real Chromium (docs/forms-ux.md): members added and removed
without a page load, an upload that keeps what was typed (with and without JavaScript), the error summary
that takes the focus, and the task and case pages at 375 px without horizontal scroll.

Screenshots go to artifacts/screenshots/ (forms-ux-*.png)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from engine.services.bootstrap import DEMO_PASSWORD
from tests.browser.api import Api
from tests.browser.conftest import Server
from tests.browser.pages import (
    CHANNELS,
    fill_household,
    fill_list,
    group,
    open_task,
    other_number,
    sign_in,
    walkthrough,
)

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PHONE = {"width": 375, "height": 812}


def _at_home_visit(playwright: Playwright, server: Server) -> str:
    """A fresh application moved to 入户调查 through the API; returns its case number."""
    api = Api(playwright, server.url)
    try:
        number = api.start("clerk1", _other_family())
        api.complete("clerk1", number, "intake_review", walkthrough("intake"))
        api.complete("clerk1", number, "start_investigation", walkthrough("investigation"))
    finally:
        api.close()
    return number


def _other_family() -> dict[str, Any]:
    """The walkthrough's family under other 身份证号: the server is shared, and the walkthrough registers
    the original numbers in the browser, where a running case of theirs would be a duplicate warning."""
    start = copy.deepcopy(walkthrough("start"))
    for person in start["household"]["members"]:
        person["id_number"] = other_number(person["id_number"], "9")
    return start


def _navigations(page: Page) -> list[str]:
    """Every document the page loads from now on (a reload or a form post would add one)."""
    seen: list[str] = []
    page.on("framenavigated", lambda frame: seen.append(frame.url) if frame == page.main_frame else None)
    page.evaluate("window.formsUxMarker = 'still here'")
    return seen


def _same_document(page: Page, seen: list[str]) -> None:
    assert seen == []
    assert page.evaluate("window.formsUxMarker") == "still here"


def test_a_three_person_registration_adds_and_removes_members_without_reloading(
    server: Server, chromium: Browser, screenshots: Path
) -> None:
    start = _other_family()
    zhang, li, ming = start["household"]["members"]
    li["incomes"] = [{"kind": "other", "monthly_amount": "200.00"}]  # a nested list that gets renumbered
    page = sign_in(chromium, server.url, "clerk1")
    page.get_by_role("link", name="受理登记").click()
    seen = _navigations(page)
    page.get_by_label("户籍所在村/社区").select_option(start["village"])
    page.get_by_role("radio", name=CHANNELS[start["channel"]]).check()
    household = group(page, "家庭情况")
    # 张三, a member typed by mistake, 李四 and 张小明; then the mistake is removed again.
    mistaken = dict(copy.deepcopy(zhang), name="误填", id_number="110105199001010013", relation="sibling")
    mistaken["incomes"] = []
    fill_household(page, household, {**start["household"], "members": [zhang, mistaken, li, ming]})
    group(household, "家庭成员 第 2 项").get_by_role("button", name="删除此项").first.click()
    expect(group(household, "家庭成员 第 4 项")).to_have_count(0)
    expect(group(household, "家庭成员 第 2 项").get_by_label("姓名")).to_have_value("李四")
    expect(group(household, "家庭成员 第 3 项").get_by_label("姓名")).to_have_value("张小明")
    amount = page.locator("input[name='f.household.members.1.incomes.0.monthly_amount']")
    expect(amount).to_have_value("200.00")
    expect(page.locator("input[name='f.household.members._n']")).to_have_value("3")
    _same_document(page, seen)
    page.screenshot(path=str(screenshots / "forms-ux-registration-3-members.png"), full_page=True)

    page.get_by_role("button", name="提交登记").click()
    expect(page.get_by_role("status")).to_contain_text("已登记案件")
    members = page.locator("#household")
    for name in ("张三", "李四", "张小明"):
        expect(members).to_contain_text(name)
    expect(members).not_to_contain_text("误填")


def _upload(page: Page, tmp_path: Path) -> None:
    pdf = tmp_path / "入户调查表.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("选择文件").set_input_files(str(pdf))
    page.get_by_label("附件说明").fill("签字页")
    page.get_by_role("button", name="上传", exact=True).click()


def _type_some_of_the_visit(page: Page) -> None:
    visit = walkthrough("home_visit")
    page.get_by_label("入户日期").fill(visit["visit_date"])
    page.get_by_role("radio", name="实地入户").check()
    page.get_by_label("调查情况").fill("已入户，家中情况与申报一致。")


def _typed_values_are_kept(page: Page) -> None:
    expect(page.get_by_label("入户日期")).to_have_value(walkthrough("home_visit")["visit_date"])
    expect(page.get_by_role("radio", name="实地入户")).to_be_checked()
    expect(page.get_by_label("调查情况")).to_have_value("已入户，家中情况与申报一致。")


def test_an_upload_on_the_task_page_keeps_what_was_typed(
    server: Server, chromium: Browser, playwright: Playwright, screenshots: Path, tmp_path: Path
) -> None:
    number = _at_home_visit(playwright, server)
    page = sign_in(chromium, server.url, "clerk1")
    open_task(page, number, "入户调查")
    _type_some_of_the_visit(page)
    seen = _navigations(page)
    _upload(page, tmp_path)
    expect(page.get_by_role("status").filter(has_text="已上传附件")).to_be_visible()
    attachments = page.locator("#attachments")
    expect(attachments).to_contain_text("入户调查表.pdf")
    expect(attachments).to_contain_text("签字页")
    _typed_values_are_kept(page)
    _same_document(page, seen)
    expect(page.get_by_label("选择文件")).to_have_value("")
    page.screenshot(path=str(screenshots / "forms-ux-upload-kept.png"), full_page=True)

    # The uploaded number is offered to the "…附件编号" field; the error summary takes the focus.
    record = page.get_by_label("入户调查表（调查人员与在场成员签字）附件编号")
    expect(record).to_have_attribute("list", "attachment-numbers")
    expect(page.locator("#attachment-numbers option")).to_have_count(1)
    visit = walkthrough("home_visit")
    fill_list(page.locator("main"), "调查人员（至少两人）", visit["investigators"])
    page.get_by_label("在场家庭成员").fill(visit["members_present"])
    record.fill(page.locator("#attachment-numbers option").get_attribute("value") or "")
    page.get_by_label("调查情况").fill("   ")  # the browser lets it through, the server refuses it
    page.get_by_role("button", name="提交", exact=True).click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="调查情况：必填")).to_have_attribute("href", "#f-findings")


def test_without_javascript_the_upload_button_posts_the_form_and_keeps_what_was_typed(
    server: Server, chromium: Browser, playwright: Playwright, tmp_path: Path
) -> None:
    number = _at_home_visit(playwright, server)
    context = chromium.new_context(base_url=server.url, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("用户名").fill("clerk1")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    open_task(page, number, "入户调查")
    _type_some_of_the_visit(page)
    page.get_by_role("button", name="添加一项（调查人员（至少两人））").click()  # posts the form: no script
    expect(page.get_by_label("调查人员（至少两人） 第 3 项")).to_be_visible()
    _upload(page, tmp_path)
    expect(page.get_by_role("status").filter(has_text="已上传附件")).to_be_visible()
    expect(page.locator("#attachments")).to_contain_text("入户调查表.pdf")
    _typed_values_are_kept(page)
    expect(page.get_by_label("调查人员（至少两人） 第 3 项")).to_be_visible()
    context.close()


def _no_horizontal_scroll(page: Page) -> Any:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide at {PHONE['width']} px"
    return width


def test_the_task_and_case_pages_fit_a_375_px_phone(
    server: Server, chromium: Browser, playwright: Playwright, screenshots: Path
) -> None:
    number = _at_home_visit(playwright, server)
    page = sign_in(chromium, server.url, "clerk1", phone=True)
    open_task(page, number, "入户调查")
    _no_horizontal_scroll(page)
    diagram = page.locator("details.diagram-details")
    expect(diagram).not_to_have_attribute("open", "")  # collapsed on a phone
    page.screenshot(path=str(screenshots / "forms-ux-task-375.png"), full_page=True)
    page.get_by_role("button", name="添加一项（调查人员（至少两人））").click()
    diagram.locator("summary").click()
    expect(page.get_by_role("button", name="放大")).to_be_visible()
    _no_horizontal_scroll(page)
    page.get_by_role("button", name="放大").click()
    _no_horizontal_scroll(page)  # the zoomed diagram scrolls inside its own box

    page.goto(f"/cases/{number}")
    _no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "forms-ux-case-375.png"), full_page=True)
