"""The 工作台 in a real Chromium: 批量审批 of 20 审核确认 tasks in one go (each its own transaction, a result
line per task), and the inbox on a 375 px phone as cards without horizontal scrolling of the page.

The module has its own server: its database gets 20 applications at 审核确认 before the server starts
(tests/browser/seed_confirmations.py, through the engine with a frozen clock)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Server, seeded_serving
from tests.browser.pages import sign_in

pytestmark = pytest.mark.browser

COUNT = 20
OPINION = "经审核，家庭收入低于当地低保标准，确认保障"


@pytest.fixture(scope="module")
def confirmations(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Server]:
    with seeded_serving(tmp_path_factory, pytestconfig, "seed_confirmations", str(COUNT)) as (running, _):
        yield running


def _page_width(page: Page) -> int:
    return int(page.evaluate("document.scrollingElement.scrollWidth"))


def test_the_inbox_on_a_phone_has_no_horizontal_scroll(
    chromium: Browser, confirmations: Server, screenshots: Path
) -> None:
    page = sign_in(chromium, confirmations.url, "approver1", phone=True)
    expect(page.get_by_role("link", name="审核确认")).to_have_count(COUNT)
    assert _page_width(page) <= 375
    # A case is a card: each value next to its column's name, the case number a link to the case page.
    first = page.get_by_role("row").nth(1)
    expect(first.get_by_role("link", name="审核确认")).to_be_visible()
    box = first.bounding_box()
    assert box is not None
    assert box["width"] <= 375
    page.screenshot(path=str(screenshots / "inbox-375px.png"), full_page=True)
    page.get_by_label("环节").select_option("county_confirmation")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("button", name="批量审批")).to_be_visible()
    page.wait_for_load_state()  # measured once the filtered page is laid out, not while it still streams in
    assert _page_width(page) <= 375
    page.screenshot(path=str(screenshots / "inbox-375px-batch-form.png"), full_page=True)
    page.context.close()


def test_batch_approval_of_twenty_county_confirmations(
    chromium: Browser, confirmations: Server, screenshots: Path
) -> None:
    page = sign_in(chromium, confirmations.url, "approver1")
    page.get_by_label("环节").select_option("county_confirmation")
    page.get_by_role("button", name="查询").click()
    boxes = page.get_by_role("checkbox")
    expect(boxes).to_have_count(COUNT)
    for index in range(COUNT):
        boxes.nth(index).check()
    page.get_by_label("结论").select_option(label="确认保障")
    page.get_by_label("意见（逐项记入每件任务）").fill(OPINION)
    page.screenshot(path=str(screenshots / "inbox-batch-approval-form.png"), full_page=True)
    page.get_by_role("button", name="批量审批").click()
    expect(page.get_by_role("heading", name=f"批量审批结果：成功 {COUNT} 项，失败 0 项")).to_be_visible(timeout=120_000)
    expect(page.get_by_role("listitem").filter(has_text="成功")).to_have_count(COUNT)
    expect(page.get_by_text("暂无任务。")).to_be_visible()  # the filtered 待办 is empty now
    page.screenshot(path=str(screenshots / "inbox-batch-approval-result.png"), full_page=True)
    page.get_by_role("link", name="已办").click()
    expect(page.get_by_role("cell", name="确认保障")).to_have_count(COUNT)
    expect(page.get_by_role("cell", name="批准（确认保障）")).to_have_count(COUNT)  # the case's outcome
    page.context.close()
