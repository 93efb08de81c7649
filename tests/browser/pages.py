"""What a person does in the browser, as small steps: sign in, fill a household, open and submit a task.

Locators are roles, labels and visible text (what a person reads), never CSS classes; every wait is an
`expect` on what the next page shows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect

from engine.domain.id_numbers import check_character
from engine.services.bootstrap import DEMO_PASSWORD

WALKTHROUGH = Path(__file__).resolve().parent.parent / "data" / "walkthrough"
REGISTERED_TYPES = {"urban": "城镇", "rural": "农村"}
CHANNELS = {"window": "窗口申请", "online": "网上申请", "proxy": "村（居）委会代为申请", "discovery": "主动发现"}


def walkthrough(name: str) -> dict[str, Any]:
    """One step's data of docs/walkthrough.md "Running a 低保 application by hand" (tests/data/walkthrough)."""
    data: dict[str, Any] = json.loads((WALKTHROUGH / f"{name}.json").read_text(encoding="utf-8"))
    return data


def other_number(id_number: str, mark: str) -> str:
    """The same birth date and sex under another sequence digit `mark`: the browser tests share one
    server, where a family registered twice is a duplicate warning."""
    first17 = id_number[:14] + mark + id_number[15:17]
    return first17 + check_character(first17)


def sign_in(browser: Browser, base_url: str, username: str, *, phone: bool = False) -> Page:
    """A person at their own browser (own cookies), signed in as a demo user, looking at the 工作台;
    `phone`: a 375 px touch screen."""
    if phone:
        context = browser.new_context(
            base_url=base_url, viewport={"width": 375, "height": 812}, locale="zh-CN", is_mobile=True, has_touch=True
        )
    else:
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台", exact=True)).to_be_visible()
    return page


def visitor(browser: Browser, base_url: str) -> Page:
    """Someone of the public: no account, no cookies."""
    return browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()


def group(scope: Page | Locator, legend: str) -> Locator:
    """A fieldset by the start of its legend (a required one ends in "*")."""
    return scope.get_by_role("group", name=re.compile(f"^{re.escape(legend)}"))


def fill_household(page: Page, scope: Locator, household: dict[str, Any]) -> None:
    """Type a household (docs/contracts.md household JSON) into a household fieldset, adding members and
    incomes with the form's own 添加一项 buttons (each one posts the form and shows it again)."""
    scope.get_by_role("radio", name=REGISTERED_TYPES[household["registered_type"]], exact=True).check()
    for label, key in (
        ("是否已是低保对象", "existing_recipient"),
        ("是否为建档立卡（脱贫监测）户", "poverty_alleviation_registered"),
        ("家庭财产是否符合规定", "assets_pass"),
    ):
        scope.get_by_label(label).set_checked(bool(household[key]))
    scope.get_by_label("上年家庭总收入（元）").fill(household["last_year_total_income"])
    for index, person in enumerate(household["members"]):
        if index > 0:
            scope.get_by_role("button", name="添加一项（家庭成员）").click()
        _fill_member(group(scope, f"家庭成员 第 {index + 1} 项"), person)
    assert not household["rigid_expenses"], "rigid expenses are not typed in yet"


def _fill_member(member: Locator, person: dict[str, Any]) -> None:
    member.get_by_label("姓名").fill(person["name"])
    member.get_by_label("身份证号").fill(person["id_number"])
    member.get_by_label("与申请人关系").select_option(person["relation"])
    assert person["disability"] is None, "disabilities are not typed in yet"
    member.get_by_label("是否患有当地认定的重特大疾病").set_checked(bool(person["major_illness"]))
    member.get_by_label("上年自付医疗费用（元）").fill(person["self_paid_medical_last_year"])
    employment = person["employment"]
    if employment:
        member.get_by_label("就业状态").select_option(employment["status"])
        if employment["started"]:
            member.get_by_label("本次就业开始日期").fill(employment["started"])
    for index, income in enumerate(person["incomes"]):
        member.get_by_role("button", name="添加一项（月收入）").click()
        item = group(member, f"月收入 第 {index + 1} 项")
        item.get_by_label("收入类别").select_option(income["kind"])
        item.get_by_label("月均金额（元）").fill(income["monthly_amount"])


def open_task(page: Page, case_number: str, title: str) -> None:
    """From the 工作台, open the task `title` of the case (its row in 待办)."""
    page.goto("/")
    row = page.get_by_role("row").filter(has_text=case_number).filter(has=page.get_by_role("link", name=title))
    row.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1, name=title, exact=True)).to_be_visible()


def submit_task(page: Page, title: str) -> None:
    """Press 提交 and see the 工作台 say the task was submitted."""
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("status").filter(has_text=f"已提交任务“{title}”")).to_be_visible()


def fill_list(scope: Locator, label: str, values: list[str], *, select: bool = False) -> None:
    """A list of single values (调查人员, 核对项目): add items until there are enough, then fill each."""
    for index, value in enumerate(values):
        field = scope.get_by_label(f"{label} 第 {index + 1} 项")
        if field.count() == 0:
            scope.get_by_role("button", name=f"添加一项（{label}）").click()
        if select:
            field.select_option(value)
        else:
            field.fill(value)


def discard_drafts(page: Page, region: str) -> None:
    """放弃全部草稿 on the region's drafts page: a test that saved drafts leaves the shared server as found,
    since other browser tests validate and deploy the same region's drafts."""
    page.goto(f"/designer/drafts/{region}")
    page.get_by_role("button", name="放弃全部草稿").click()
    expect(page.get_by_text("本地区没有草稿")).to_be_visible()


# Collects CSP violations from the first script on (window.cspViolations): the editors must run without
# inline styles or scripts under the application's policy.
WATCH_CSP = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.violatedDirective));"
)
