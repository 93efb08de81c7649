"""The notification centre in a real Chromium (docs/notification-centre.md): the village assistant registers two
applications through the JSON API, so clerk1, the township clerk who must review them, is told; clerk1 sees
the bell's count, opens the list, opens one (the 受理审查 task page) and finds it read. Screenshots of the
bell and the list at desktop width and at 375 px."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from engine.services.bootstrap import DEMO_PASSWORD
from tests.browser.api import Api
from tests.browser.conftest import Server
from tests.browser.pages import other_number, sign_in, walkthrough

pytestmark = pytest.mark.browser

PHONE_WIDTH = 375


def _household(mark: str, surname: str) -> dict[str, Any]:
    """The walkthrough's family under other names and 身份证号, brought by the village assistant."""
    start = copy.deepcopy(walkthrough("start"))
    start["channel"] = "proxy"
    for index, person in enumerate(start["household"]["members"]):
        person.update(name=f"{surname}{'甲乙丙丁'[index]}", id_number=other_number(person["id_number"], mark))
    return start


def _unread(playwright: Playwright, server: Server, username: str) -> int:
    """The user's unread count through the API: the browser tests share one server, so earlier tests'
    cases may already have told clerk1 of something."""
    request = playwright.request.new_context(base_url=server.url)
    try:
        token = request.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
        reply = request.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token.json()['token']}"})
        assert reply.status == 200, reply.text()
        count: int = reply.json()["unread"]
        return count
    finally:
        request.dispose()


def _bell(page: Page) -> Any:
    return page.get_by_role("banner").get_by_role("link", name="通知")


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"the page is {width} px wide at {PHONE_WIDTH} px"


def test_the_bell_the_list_and_opening_one(
    server: Server, chromium: Browser, playwright: Playwright, screenshots: Path
) -> None:
    api = Api(playwright, server.url)
    try:
        before = _unread(playwright, server, "clerk1")
        first = api.start("village1", _household("5", "孔"))
        second = api.start("village1", _household("6", "严"))
    finally:
        api.close()
    count = before + 2
    shown = "99+" if count > 99 else str(count)

    clerk = sign_in(chromium, server.url, "clerk1")
    bell = _bell(clerk)
    expect(bell).to_have_accessible_name(f"通知：{count} 条未读")
    expect(bell).to_contain_text(shown)
    clerk.locator("header.top").screenshot(path=str(screenshots / "notification-bell.png"))

    bell.click()
    expect(clerk.get_by_role("heading", level=1, name="通知")).to_be_visible()
    newest = clerk.locator(".notice-item").first
    expect(newest).to_contain_text(second)
    expect(newest).to_contain_text("新任务")
    expect(newest).to_contain_text("未读")
    clerk.screenshot(path=str(screenshots / "notification-list.png"), full_page=True)

    phone = sign_in(chromium, server.url, "clerk1", phone=True)
    expect(_bell(phone)).to_contain_text(shown)
    phone.locator("header.top").screenshot(path=str(screenshots / "notification-bell-375px.png"))
    _bell(phone).click()
    expect(phone.locator(".notice-item").first).to_contain_text(second)
    _no_horizontal_scroll(phone)
    phone.screenshot(path=str(screenshots / "notification-list-375px.png"), full_page=True)
    phone.goto("/notifications/preferences")
    expect(phone.get_by_role("heading", level=1, name="通知设置")).to_be_visible()
    _no_horizontal_scroll(phone)
    phone.screenshot(path=str(screenshots / "notification-preferences-375px.png"), full_page=True)

    # Opening the older one leads to its 受理审查 and marks it read: one fewer on the bell.
    item = clerk.locator(".notice-item").filter(has_text=first).first
    item.get_by_role("button", name="新任务：受理审查").click()
    expect(clerk.get_by_role("heading", level=1, name="受理审查", exact=True)).to_be_visible()
    expect(clerk.get_by_text(first).first).to_be_visible()
    expect(_bell(clerk)).to_have_accessible_name(f"通知：{count - 1} 条未读" if count > 1 else "通知")
    clerk.goto("/notifications")
    opened = clerk.locator(".notice-item").filter(has_text=first).first
    expect(opened).not_to_contain_text("未读")
    expect(clerk.locator(".notice-item").filter(has_text=second).first).to_contain_text("未读")
