"""终止 from the case page and 委派 on the task page in a real Chromium (docs/ending-and-pausing-cases.md,
docs/delegation.md). The township clerk ends a case whose applicant withdrew; the township head hands 初审 to
a colleague (deputy1), who saves it and hands it back, and the head finds it back with the colleague's note.
Screenshots at desktop width and at 375 px. The steps in between go through the JSON API."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, expect

from tests.browser.api import Api
from tests.browser.conftest import Server
from tests.browser.pages import open_task, other_number, sign_in, walkthrough

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 375, "height": 812}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def _household(mark: str, surname: str) -> dict[str, Any]:
    """The walkthrough's family under other names and 身份证号 (this test's own case)."""
    start = copy.deepcopy(walkthrough("start"))
    for index, person in enumerate(start["household"]["members"]):
        person.update(name=f"{surname}{'甲乙丙丁'[index]}", id_number=other_number(person["id_number"], mark))
    return start


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide at {PHONE['width']} px"


def test_terminate_on_the_case_page(
    server: Server, chromium: Browser, playwright: Playwright, screenshots: Path
) -> None:
    api = Api(playwright, server.url)
    try:
        number = api.start("clerk1", _household("8", "孙"))
        api.complete("clerk1", number, "intake_review", walkthrough("intake"))

        clerk = sign_in(chromium, server.url, "clerk1")
        clerk.set_viewport_size(PHONE)
        clerk.goto(f"/cases/{number}")
        ending = clerk.locator("section#terminate")
        ending.locator("summary").click()
        ending.get_by_label("终止事由").select_option(label="申请人撤回申请")
        ending.get_by_label("终止理由").fill("申请人书面申请撤回，已签字确认")
        _no_horizontal_scroll(clerk)
        clerk.screenshot(path=str(screenshots / "terminate-1-form-375.png"), full_page=True)
        ending.get_by_role("button", name="终止案件").click()
        expect(clerk.get_by_role("status").filter(has_text=f"案件 {number} 已终止")).to_be_visible()
        ended = clerk.locator("section#case-ended")
        expect(ended).to_contain_text("申请人撤回申请")
        expect(clerk.locator("section.legal-clock")).to_contain_text("已终止，停止计时")
        expect(clerk.locator("section#terminate")).to_have_count(0)  # once is all
        clerk.set_viewport_size(DESKTOP)
        clerk.screenshot(path=str(screenshots / "terminate-2-ended-case.png"), full_page=True)
        clerk.goto("/")
        expect(clerk.get_by_role("row").filter(has_text=number)).to_have_count(0)  # its tasks are gone
    finally:
        api.close()


def test_delegate_and_hand_back_on_the_task_page(
    server: Server, chromium: Browser, playwright: Playwright, screenshots: Path
) -> None:
    api = Api(playwright, server.url)
    try:
        number = api.start("clerk1", _household("9", "周"))
        api.complete("clerk1", number, "intake_review", walkthrough("intake"))
        api.complete("clerk1", number, "start_investigation", walkthrough("investigation"))
        api.complete("clerk1", number, "home_visit", walkthrough("home_visit"))
        api.complete("verify1", number, "data_verification", walkthrough("verification"))

        head = sign_in(chromium, server.url, "head1")
        open_task(head, number, "初审")
        head.get_by_role("button", name="签收", exact=True).click()
        delegation = head.locator("section#delegation")
        delegation.locator("summary").click()
        delegation.get_by_label("被委派人").select_option("deputy1")
        delegation.get_by_label("委派说明").fill("请核对入户调查记录后填写初审意见")
        head.screenshot(path=str(screenshots / "delegate-1-holder.png"), full_page=True)
        delegation.get_by_role("button", name="委派").click()
        expect(head.get_by_role("status").filter(has_text="委派给")).to_be_visible()

        deputy = sign_in(chromium, server.url, "deputy1")
        deputy.set_viewport_size(PHONE)
        deputy.goto("/?view=delegated")
        row = deputy.get_by_role("row").filter(has_text=number)
        row.get_by_role("link", name="初审").click()
        expect(deputy.locator("section#delegation")).to_contain_text("委派您填写本任务")
        expect(deputy.get_by_role("button", name="提交", exact=True)).to_have_count(0)  # the delegate never submits
        deputy.get_by_role("button", name="暂存").click()
        # Measured once the page the save leads to is shown: mid-navigation, an unstyled page once measured
        # 4,332 px wide on a loaded machine.
        expect(deputy.get_by_role("status").filter(has_text="已暂存")).to_be_visible()
        _no_horizontal_scroll(deputy)
        deputy.screenshot(path=str(screenshots / "delegate-2-delegate-375.png"), full_page=True)
        deputy.locator("section#delegation").get_by_label("交回说明").fill("已核对，意见见表单")
        deputy.locator("section#delegation").get_by_role("button", name="交回").click()
        expect(deputy.get_by_role("status").filter(has_text="交回签收人")).to_be_visible()

        head.reload()
        expect(head.locator("section#delegation")).to_contain_text("已核对，意见见表单")
        expect(head.get_by_role("button", name="提交", exact=True)).to_be_visible()
        head.screenshot(path=str(screenshots / "delegate-3-handed-back.png"), full_page=True)
    finally:
        api.close()
