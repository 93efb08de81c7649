"""催办 in a real Chromium (docs/urge-and-copy.md): the township head opens a case whose 受理审查 waits, urges
its clerks from the case page with a message, and sees the 催办记录; clerk1 finds the 催办 under the bell and
on the task page. Screenshots of the case page's 催办 and the task page at desktop width and at 375 px."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, expect

from tests.browser.api import Api
from tests.browser.conftest import Server
from tests.browser.pages import other_number, sign_in, walkthrough

pytestmark = pytest.mark.browser


def _household() -> dict[str, Any]:
    start = copy.deepcopy(walkthrough("start"))
    start["channel"] = "proxy"
    for index, person in enumerate(start["household"]["members"]):
        person.update(name=f"催{'甲乙丙丁'[index]}", id_number=other_number(person["id_number"], "7"))
    return start


def test_a_township_head_urges_from_the_case_page_and_the_clerk_sees_it(
    server: Server, chromium: Browser, playwright: Playwright, screenshots: Path
) -> None:
    api = Api(playwright, server.url)
    try:
        number = api.start("village1", _household())
    finally:
        api.close()

    head = sign_in(chromium, server.url, "head1")
    head.goto(f"{server.url}/cases/{number}")
    urge = head.locator("details.case-urge").first
    urge.locator("summary").click()
    urge.get_by_label("催办内容").fill("请今天内完成受理审查")
    urge.screenshot(path=str(screenshots / "urge-case-page.png"))
    urge.get_by_role("button", name="催办").click()
    expect(head.locator(".flash, [role=status]").first).to_contain_text("催办")

    clerk = sign_in(chromium, server.url, "clerk1", phone=True)
    clerk.goto(f"{server.url}/notifications")
    item = clerk.locator(".notice-item", has_text="请今天内完成受理审查").first
    expect(item).to_contain_text("催办：受理审查")
    clerk.screenshot(path=str(screenshots / "urge-notification-375px.png"), full_page=True)
    item.get_by_role("button", name="催办：受理审查").click()
    records = clerk.locator("#urging")
    expect(records).to_contain_text("请今天内完成受理审查")
    expect(records).to_contain_text("已通知 城关镇经办人（clerk1）")
    records.screenshot(path=str(screenshots / "urge-task-page-375px.png"))
    width = clerk.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"the task page is {width} px wide at 375 px"
