"""Step-owned data in a real Chromium (docs/step-data.md): the county's 县级入户调查 opens with an empty form
while the township's 入户调查 record stays visible, read-only, in the 办理记录 beside it; after the county
submits, the case page shows both visits as two records, neither overwriting the other.

The earlier steps go through the JSON API. The case is a relative of staff (registered separately), and
初审 proposes 不予保障, so the case goes straight to the county visit without waiting for a 公示."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.browser.api import Api
from tests.browser.conftest import Server
from tests.browser.pages import fill_list, open_task, other_number, sign_in, walkthrough

pytestmark = pytest.mark.browser

TOWNSHIP_FINDINGS = "乡镇入户：家庭实际居住情况与申报一致"
COUNTY_FINDINGS = "县级入户：核实申报属实，无隐瞒"


def _household() -> dict[str, Any]:
    """The walkthrough's family under other names and 身份证号, so this case is told apart from its cases."""
    start = copy.deepcopy(walkthrough("start"))
    for index, person in enumerate(start["household"]["members"]):
        person.update(name=f"孙{'甲乙丙丁'[index]}", id_number=other_number(person["id_number"], "8"))
    return start


def _to_county_visit(api: Api) -> str:
    number = api.start("clerk1", _household())
    intake = {**walkthrough("intake"), "relative_of_staff": True, "relative_note": "申请人之妻为村委会委员"}
    for user, task, data in (
        ("clerk1", "intake_review", intake),
        ("clerk1", "start_investigation", walkthrough("investigation")),
        ("clerk1", "home_visit", {**walkthrough("home_visit"), "findings": TOWNSHIP_FINDINGS}),
        ("verify1", "data_verification", walkthrough("verification")),
        ("head1", "first_review", {"decision": "reject", "opinion": "人均收入略高于标准，拟不予保障"}),
    ):
        api.complete(user, number, task, data)
    return number


def _records(page: Page) -> Any:
    return page.locator("section#step-records")


def test_the_county_visit_opens_empty_beside_the_township_record(
    server: Server, chromium: Browser, playwright: Playwright, screenshots: Path
) -> None:
    api = Api(playwright, server.url)
    try:
        number = _to_county_visit(api)
    finally:
        api.close()
    county = sign_in(chromium, server.url, "county1")
    open_task(county, number, "县级入户调查")

    form = county.locator("form.task-form")
    expect(form.get_by_label("县级调查人员（至少两人） 第 1 项")).to_have_value("")
    expect(form.get_by_label("入户日期")).to_have_value("")
    expect(form.get_by_label("入户调查表附件编号")).to_have_value("")
    expect(form.get_by_label("调查情况")).to_have_value("")
    expect(form).not_to_contain_text("王调查")

    records = _records(county)
    expect(records.get_by_role("heading", name="办理记录")).to_be_visible()
    township = records.locator('li[data-step="home_visit"]')
    township.locator("summary").click()
    expect(township).to_contain_text("入户调查")
    expect(township).to_contain_text("王调查、李调查")
    expect(township.get_by_text(TOWNSHIP_FINDINGS)).to_be_visible()
    expect(records.locator("input, textarea, select")).to_have_count(0)  # read-only
    county.screenshot(path=str(screenshots / "11-county-visit-empty-beside-township-record.png"), full_page=True)

    fill_list(form, "县级调查人员（至少两人）", ["县干部甲", "县干部乙"])
    form.get_by_label("入户日期").fill("2026-11-24")
    form.get_by_label("入户调查表附件编号").fill("XR-2026-01")
    form.get_by_label("调查情况").fill(COUNTY_FINDINGS)
    county.get_by_role("button", name="提交", exact=True).click()
    expect(county.get_by_role("status").filter(has_text="已提交任务“县级入户调查”")).to_be_visible()

    county.goto(f"/cases/{number}")
    records = _records(county)
    both = records.locator('li[data-step="home_visit"], li[data-step="county_home_visit"]')
    expect(both).to_have_count(2)
    expect(records.locator('li[data-step="home_visit"]')).to_contain_text(TOWNSHIP_FINDINGS)
    expect(records.locator('li[data-step="home_visit"]')).not_to_contain_text(COUNTY_FINDINGS)
    expect(records.locator('li[data-step="county_home_visit"]')).to_contain_text(COUNTY_FINDINGS)
    expect(records.locator('li[data-step="county_home_visit"]')).to_contain_text("县干部甲、县干部乙")
