"""受理登记's live duplicate check in a real browser: typing a 身份证号 that a running case already holds
shows the warning with a link to that case before anything is submitted (web/static/duplicate_check.js);
提交登记 is then stopped once and registers with 「仍然登记」 ticked."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, expect

from engine.domain.id_numbers import check_character
from tests.browser.api import Api
from tests.browser.conftest import Server
from tests.browser.pages import CHANNELS, fill_household, group, sign_in, walkthrough

pytestmark = pytest.mark.browser


def _household() -> dict[str, Any]:
    """The walkthrough's family with ID numbers of their own (the server is shared by the browser tests)."""
    start = copy.deepcopy(walkthrough("start"))
    for index, person in enumerate(start["household"]["members"]):
        body = f"11010519660606{index + 1:02d}7"
        person.update(name=f"钱{'甲乙丙'[index]}", id_number=body + check_character(body))
    return start


def test_the_registration_warns_while_typing_and_asks_for_confirmation(
    server: Server, chromium: Browser, playwright: Playwright, screenshots: Path
) -> None:
    start = _household()
    api = Api(playwright, server.url)
    try:
        existing = api.start("clerk1", start)
    finally:
        api.close()
    page = sign_in(chromium, server.url, "clerk1")
    page.get_by_role("link", name="受理登记").click()
    page.get_by_label("户籍所在村/社区").select_option(start["village"])
    page.get_by_role("radio", name=CHANNELS[start["channel"]]).check()
    household = group(page, "家庭情况")
    first = group(household, "家庭成员 第 1 项")
    first.get_by_label("身份证号").fill(start["household"]["members"][0]["id_number"])
    live = page.locator("#duplicate-live")
    expect(live).to_be_visible()
    expect(live.get_by_role("link", name=re.compile(existing))).to_have_attribute("href", f"/cases/{existing}")
    page.screenshot(path=str(screenshots / "20-duplicate-warning-live.png"), full_page=True)
    fill_household(page, household, start["household"])
    page.get_by_role("button", name="提交登记").click()
    expect(page.get_by_role("alert")).to_contain_text("身份证号与在办案件或在保记录重复")
    page.get_by_label("仍然登记（已核实不是重复申请）").check()
    page.get_by_role("button", name="提交登记").click()
    expect(page.get_by_role("heading", name=re.compile(r"^案件 \d{4}-\d{7} · 钱甲$"))).to_be_visible()
