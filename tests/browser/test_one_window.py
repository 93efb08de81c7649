"""一门受理, 转介 and 监测预警 in a real Chromium (docs/one-window.md): a 12345 call registered by the township
clerk and started as a 临时救助 with its data carried over, a matter referred to 县医疗保障局 and answered
by its staff (on a phone), and the county clerk's alert upload with its per-row report. Screenshots of each
page a person uses, at 1280 px and at 375 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from engine.domain.id_numbers import check_character
from tests.browser.conftest import Server
from tests.browser.pages import sign_in

pytestmark = pytest.mark.browser

CALLER_ID = "11010519620304001" + check_character("11010519620304001")
ENROLLED_LIKE = "11010519750101002" + check_character("11010519750101002")


def _register(page: Page, *, channel: str, ticket: str | None, name: str, need: str, kind: str) -> str:
    """Fill 登记来件 as the clerk types it; returns the request's number from its page."""
    page.get_by_role("link", name="一门受理").first.click()
    page.get_by_role("link", name="登记来件").first.click()
    page.get_by_label("受理渠道").select_option(label=channel)
    if ticket:
        page.get_by_label("热线工单号").fill(ticket)
    page.get_by_label("村/社区").select_option(value="demo-village-1-1")
    page.get_by_label("求助人姓名").fill(name)
    page.get_by_label("身份证号").fill(CALLER_ID)
    page.get_by_label("联系电话").fill("13800138000")
    page.get_by_label("诉求类别").select_option(label=kind)
    page.get_by_label("诉求内容").fill(need)
    page.get_by_role("button", name="登记").click()
    heading = page.get_by_role("heading", name="受理事项")
    expect(heading).to_be_visible()
    return heading.inner_text().removeprefix("受理事项").strip()


def test_a_hotline_call_is_registered_and_started_with_its_data(
    server: Server, chromium: Browser, screenshots: Path
) -> None:
    page = sign_in(chromium, server.url, "clerk1")
    # A bad 身份证号 is refused at its field, and nothing is registered.
    page.get_by_role("link", name="一门受理").first.click()
    page.get_by_role("link", name="登记来件").first.click()
    page.get_by_label("求助人姓名").fill("赵六")
    page.get_by_label("身份证号").fill("110105196203040019" if not CALLER_ID.endswith("9") else "110105196203040018")
    page.get_by_label("诉求内容").fill("房屋失火")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("alert")).to_contain_text("登记信息有误")
    expect(page.locator("#id_number-error")).to_contain_text("身份证号：")

    number = _register(
        page, channel="12345 热线", ticket="GD-20261206-001", name="赵六", need="房屋失火，生活困难", kind="临时救助"
    )
    summary = page.locator("dl.summary")
    expect(summary).to_contain_text("待分办")
    expect(summary).to_contain_text("GD-20261206-001")
    expect(summary).to_contain_text(CALLER_ID[:6] + "********")  # masked on the page
    page.screenshot(path=str(screenshots / "70-intake-request.png"), full_page=True)

    page.get_by_role("link", name="临时救助").first.click()
    # The start form opens with the caller's name and 身份证号 already typed in.
    expect(page.get_by_role("textbox", name="申请人姓名").first).to_have_value("赵六")
    expect(page.locator(f"input[value='{CALLER_ID}']").first).to_be_attached()
    page.screenshot(path=str(screenshots / "70-intake-start-prefilled.png"), full_page=True)

    page.goto(f"{server.url}/intake")
    expect(page.get_by_role("link", name=number)).to_be_visible()
    page.screenshot(path=str(screenshots / "70-intake-register.png"), full_page=True)


def test_a_matter_is_referred_to_medical_insurance_and_answered_on_a_phone(
    server: Server, chromium: Browser, screenshots: Path
) -> None:
    clerk = sign_in(chromium, server.url, "clerk1")
    number = _register(clerk, channel="窗口", ticket=None, name="钱七", need="住院费用负担重", kind="专项救助")
    clerk.get_by_label("接收部门").select_option(label="县医疗保障局")
    clerk.get_by_label("转介事项").select_option(label="医疗救助")
    clerk.get_by_label("转介理由").fill("住院自付费用较高，申请医疗救助")
    clerk.get_by_role("button", name="转介", exact=True).click()
    expect(clerk.locator("dl.summary")).to_contain_text("已转介")
    referral = clerk.locator("dl.summary dd").filter(has_text="ZJ-").first.inner_text().strip()

    staff = sign_in_department(chromium, server.url, "yibao1")
    expect(staff.get_by_role("heading", name="转介待办")).to_be_visible()
    staff.get_by_role("link", name=referral).click()
    staff.get_by_role("button", name="接收并办理").click()
    staff.get_by_label("已办结").check()
    staff.get_by_label("办理结果或原因").fill("已按规定给予医疗救助 3,000 元")
    staff.screenshot(path=str(screenshots / "71-referral-answer-375.png"), full_page=True)
    staff.get_by_role("button", name="提交反馈").click()
    expect(staff.locator("body")).to_contain_text("已按规定给予医疗救助 3,000 元")

    clerk.goto(f"{server.url}/intake/{number}")
    expect(clerk.locator("dl.summary")).to_contain_text("县医疗保障局：已办结，已按规定给予医疗救助 3,000 元")
    clerk.get_by_label("满意度").select_option(label="满意")
    clerk.get_by_label("反馈内容").fill("求助人对医保部门的办理表示满意")
    clerk.get_by_role("button", name="保存反馈").click()
    expect(clerk.locator("dl.summary")).to_contain_text("满意：求助人对医保部门的办理表示满意")
    clerk.screenshot(path=str(screenshots / "71-intake-feedback.png"), full_page=True)


def sign_in_department(browser: Browser, base_url: str, username: str) -> Page:
    """A department's staff on a phone: they land on 转介待办, not on the 工作台."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": 375, "height": 812}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    from engine.services.bootstrap import DEMO_PASSWORD

    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    return page


def test_the_county_clerk_uploads_alerts_and_reads_the_row_report(
    server: Server, chromium: Browser, screenshots: Path, tmp_path: Path
) -> None:
    csv = tmp_path / "alerts.csv"
    csv.write_text(
        "身份证号,姓名,预警指标,预警等级,预警来源,预警日期,村/社区\n"
        f"{ENROLLED_LIKE},孙八,失业,红色,人社局,2026-12-01,demo-village-1-1\n"
        f"{ENROLLED_LIKE[:17]}X,周九,大额医疗支出,橙色,医保局,2026-12-01,demo-village-1-1\n"
        f"{CALLER_ID},吴十,大额医疗支出,紫色,医保局,2026-12-01,demo-village-1-1\n",
        encoding="utf-8-sig",
    )
    page = sign_in(chromium, server.url, "county1")
    page.get_by_role("link", name="监测预警").first.click()
    page.get_by_role("link", name="导入预警").first.click()
    page.get_by_label("预警文件").set_input_files(str(csv))
    page.get_by_label("批次号").fill("RS-2026-12-01")
    page.get_by_label("默认预警来源").fill("县人社局")
    page.get_by_role("button", name="导入").click()
    report = page.locator("body")
    expect(report).to_contain_text("预警导入结果")
    expect(report).to_contain_text("紫色")  # the unknown level, named on its row
    expect(report).to_contain_text("身份证号")  # the bad checksum, named on its row
    page.screenshot(path=str(screenshots / "72-alerts-report.png"), full_page=True)

    page.goto(f"{server.url}/alerts")
    expect(page.locator("body")).to_contain_text("孙八")
    expect(page.locator("body")).not_to_contain_text(ENROLLED_LIKE)
    page.screenshot(path=str(screenshots / "72-alerts-register.png"), full_page=True)

    phone = sign_in(chromium, server.url, "county1", phone=True)
    phone.goto(f"{server.url}/alerts")
    expect(phone.locator("body")).to_contain_text("孙八")
    phone.screenshot(path=str(screenshots / "72-alerts-register-375.png"), full_page=True)
    phone.goto(f"{server.url}/dashboard")
    expect(phone.locator("body")).to_contain_text("监测预警")
    phone.screenshot(path=str(screenshots / "72-dashboard-375.png"), full_page=True)
