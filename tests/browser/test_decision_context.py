"""A 初审 page in a real Chromium shows what the township head decides on (docs/decision-context.md): the
assessment with its amount and 计算依据, the household with masked 身份证号, the home visit and the
verification, above the form, and a 查看案件 link to the case page. The case is carried to 初审 through
the JSON API of the same server; the page is the browser's.

Screenshot: artifacts/screenshots/11-decision-context-first-review.png."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, expect

from engine.domain.id_numbers import check_character, mask_id_number
from tests.browser.api import Api
from tests.browser.conftest import Server
from tests.browser.pages import open_task, sign_in, walkthrough

pytestmark = pytest.mark.browser


def _household_of_zhao() -> dict[str, Any]:
    """The walkthrough's scenario 1 (900 元 a month for 3 people) for another family, with valid numbers."""
    start = copy.deepcopy(walkthrough("start"))
    people = [("赵大", "11010519790303031"), ("钱二", "11010519810404042"), ("赵小三", "11010520110505051")]
    for person, (name, first17) in zip(start["household"]["members"], people, strict=True):
        person.update(name=name, id_number=first17 + check_character(first17))
    return start


def _to_first_review(api: Api, start: dict[str, Any]) -> str:
    number = api.start("clerk1", start)
    for user, task, step in (
        ("clerk1", "intake_review", "intake"),
        ("clerk1", "start_investigation", "investigation"),
        ("clerk1", "home_visit", "home_visit"),
        ("verify1", "data_verification", "verification"),
    ):
        api.complete(user, number, task, walkthrough(step))
    return number


def test_first_review_shows_the_assessment_amount_and_the_household(
    server: Server, chromium: Browser, playwright: Playwright, screenshots: Path
) -> None:
    start = _household_of_zhao()
    api = Api(playwright, server.url)
    try:
        number = _to_first_review(api, start)
    finally:
        api.close()
    head = sign_in(chromium, server.url, "head1")
    open_task(head, number, "初审")

    context = head.locator("section.task-context")
    expect(context.get_by_role("heading", name="决策依据")).to_be_visible()
    assessment = context.locator("[data-panel=assessment]")
    expect(assessment).to_contain_text("符合低保条件")
    expect(assessment).to_contain_text("补差金额")
    expect(assessment).to_contain_text("900.00 元/月")
    assessment.get_by_text("计算依据").click()
    expect(assessment.get_by_role("listitem").first).to_contain_text("低保标准")

    household = context.locator("[data-panel=household]")
    expect(household).to_contain_text("3 人")
    for person in start["household"]["members"]:
        expect(household).to_contain_text(person["name"])
        expect(household).to_contain_text(mask_id_number(person["id_number"]))
        expect(head.locator("body")).not_to_contain_text(person["id_number"])
    expect(context.locator("[data-panel=investigation]")).to_contain_text("家庭实际居住情况与申报一致")
    expect(context.locator("[data-panel=verification]")).to_contain_text("与申报一致")

    # The panels come before the form the head decides with.
    panels_top = context.bounding_box()
    form_top = head.locator("form.task-form").bounding_box()
    assert panels_top is not None
    assert form_top is not None
    assert panels_top["y"] < form_top["y"]
    head.screenshot(path=str(screenshots / "11-decision-context-first-review.png"), full_page=True)

    context.get_by_role("link", name=re.compile("查看案件")).click()
    expect(head.get_by_role("heading", level=1, name=re.compile(rf"^案件 {number}"))).to_be_visible()
