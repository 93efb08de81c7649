"""入户调查 with the household as a verified copy (docs/household-copy.md) in a real browser: the declared
members shown masked, 有变化 revealing one member's inputs without a reload, one income changed, and the
difference on the case page. Screenshots: artifacts/screenshots/household-copy-*.png."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from engine.domain.id_numbers import check_character
from tests.browser.api import Api
from tests.browser.conftest import Server
from tests.browser.pages import fill_list, group, open_task, sign_in, submit_task, walkthrough

pytestmark = pytest.mark.browser
NAMES = ("孙七", "周八", "孙小七")


def _id(first17: str) -> str:
    return first17 + check_character(first17)


def _household() -> dict[str, Any]:
    """The walkthrough's family once more under other names and numbers (the server is shared)."""
    start = copy.deepcopy(walkthrough("start"))
    numbers = (_id("11010519790707031"), _id("11010519810808042"), _id("11010520110909051"))
    for person, name, number in zip(start["household"]["members"], NAMES, numbers, strict=True):
        person.update(name=name, id_number=number)
    return start


def _shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"household-copy-{name}.png"), full_page=True)


def test_a_home_visit_changes_one_income_and_types_no_id_number(
    server: Server, chromium: Browser, playwright: Playwright, screenshots: Path
) -> None:
    start = _household()
    api = Api(playwright, server.url)
    try:
        number = api.start("clerk1", start)
        api.complete("clerk1", number, "intake_review", walkthrough("intake"))
        api.complete("clerk1", number, "start_investigation", walkthrough("investigation"))
    finally:
        api.close()

    page = sign_in(chromium, server.url, "clerk1")
    open_task(page, number, "入户调查")
    visit = walkthrough("home_visit")
    fill_list(page.locator("main"), "调查人员（至少两人）", visit["investigators"])
    page.get_by_label("入户日期").fill(visit["visit_date"])
    page.get_by_role("radio", name="实地入户").check()
    page.get_by_label("在场家庭成员").fill(visit["members_present"])
    page.get_by_label("入户调查表（调查人员与在场成员签字）附件编号").fill(visit["signed_record"])
    page.get_by_label("调查情况").fill("申请人工资上涨")

    verified = group(page, "核实后的家庭情况")
    html = page.content()
    for person in start["household"]["members"]:
        assert person["id_number"] not in html
        expect(verified).to_contain_text(person["id_number"][:6] + "********" + person["id_number"][-4:])
    _shot(page, screenshots, "01-declared-masked")

    verified.get_by_role("checkbox", name="有变化").first.check()
    member = group(verified, "修改：孙七")
    expect(member).to_be_visible()  # shown by the script, without posting the form
    expect(member.get_by_label("身份证号")).to_have_value("")
    group(member, "月收入 第 1 项").get_by_label("月均金额（元）").fill("2100.00")
    _shot(page, screenshots, "02-one-member-changed")
    submit_task(page, "入户调查")

    page.goto(f"/cases/{number}")
    checks = page.locator("#household-checks")
    expect(checks).to_contain_text("孙七·月收入：工资性收入 1500.00 → 工资性收入 2100.00")
    expect(page.get_by_role("heading", name=re.compile("^入户调查"))).to_be_visible()
    _shot(page, screenshots, "03-case-page-differences")
