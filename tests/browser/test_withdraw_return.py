"""撤回 and 退回 on the task page in a real Chromium (docs/withdraw-and-return.md): the clerk takes back a
受理审查 submitted by mistake, finds it reopened with what was submitted, and submits it again; later the
township head sends 初审 back to 入户调查 with a reason, which the clerk sees on the reopened task.
Screenshots at desktop width and at 375 px. The steps in between go through the JSON API."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.browser.api import Api
from tests.browser.conftest import Server
from tests.browser.pages import open_task, other_number, sign_in, submit_task, walkthrough

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
RETURN_REASON = "入户调查记录缺少申请人签字，请补签后重新提交"


def _household() -> dict[str, Any]:
    """The walkthrough's family under other names and 身份证号 (this test's own case)."""
    start = copy.deepcopy(walkthrough("start"))
    for index, person in enumerate(start["household"]["members"]):
        person.update(name=f"钱{'甲乙丙丁'[index]}", id_number=other_number(person["id_number"], "7"))
    return start


def _open_done(page: Page, number: str, title: str) -> None:
    """From 已办, open the step `title` of the case."""
    page.goto("/?view=done")
    row = page.get_by_role("row").filter(has_text=number).filter(has=page.get_by_role("link", name=title))
    row.get_by_role("link", name=title).first.click()
    expect(page.get_by_role("heading", level=1, name=title, exact=True)).to_be_visible()


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide at {PHONE['width']} px"


def test_withdraw_and_return_on_the_task_page(
    server: Server, chromium: Browser, playwright: Playwright, screenshots: Path
) -> None:
    api = Api(playwright, server.url)
    try:
        number = api.start("clerk1", _household())
        api.complete("clerk1", number, "intake_review", walkthrough("intake"))

        clerk = sign_in(chromium, server.url, "clerk1")
        _open_done(clerk, number, "受理审查")
        withdraw = clerk.locator("section#withdraw")
        withdraw.locator("summary").click()
        withdraw.get_by_label("撤回理由").fill("承诺书尚未签字，误点了受理")
        clerk.screenshot(path=str(screenshots / "withdraw-1-completed-step.png"), full_page=True)
        withdraw.get_by_role("button", name="撤回").click()
        expect(clerk.get_by_role("status").filter(has_text="已撤回“受理审查”")).to_be_visible()
        expect(clerk.get_by_role("heading", level=1, name="受理审查", exact=True)).to_be_visible()
        expect(clerk.locator("section#reopened")).to_contain_text("本人撤回后重新办理：承诺书尚未签字，误点了受理")
        expect(clerk.locator("section#step-records")).to_contain_text("已撤回")
        clerk.screenshot(path=str(screenshots / "withdraw-2-reopened-for-me.png"), full_page=True)
        submit_task(clerk, "受理审查")  # the form reopened with what was submitted (its 暂存)

        api.complete("clerk1", number, "start_investigation", walkthrough("investigation"))
        api.complete("clerk1", number, "home_visit", walkthrough("home_visit"))
        api.complete("verify1", number, "data_verification", walkthrough("verification"))

        head = sign_in(chromium, server.url, "head1")
        head.set_viewport_size(PHONE)
        open_task(head, number, "初审")
        back = head.locator("section#return")
        back.locator("summary").click()
        back.get_by_label("退回到").select_option(label="入户调查")
        back.get_by_label("退回理由").fill(RETURN_REASON)
        _no_horizontal_scroll(head)
        head.screenshot(path=str(screenshots / "return-1-first-review-375.png"), full_page=True)
        back.get_by_role("button", name="退回").click()
        expect(head.get_by_role("status").filter(has_text="退回到“入户调查”")).to_be_visible()

        open_task(clerk, number, "入户调查")
        expect(clerk.locator("section#reopened")).to_contain_text(f"被退回重新办理：{RETURN_REASON}")
        records = clerk.locator("section#step-records")
        expect(records.locator('li[data-step="home_visit"]')).to_contain_text("已退回（作废）")
        clerk.screenshot(path=str(screenshots / "return-2-reopened-home-visit.png"), full_page=True)
        clerk.set_viewport_size(PHONE)
        _no_horizontal_scroll(clerk)
        clerk.screenshot(path=str(screenshots / "return-3-reopened-home-visit-375.png"), full_page=True)
    finally:
        api.close()
