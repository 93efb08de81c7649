"""特困人员认定 in a real Chromium against its own `dibao serve` (docs/tekun.md): domain.md scenario 10 registered
by the township clerk (a bad 身份证号 refused at its field first), accepted, investigated with the six ADL
indicators and the son on 低保, proposed by the township head, published (the basic standard only), the
clock travelled past the 公示, sampled by the county's draw, checked, and approved by the county: 1,040 + 600 =
1,640 a month from next month in 分散供养 with a carer. Screenshots 80-87 at 1280 px and at 375 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from engine.domain.id_numbers import check_character
from tests.browser.conftest import Server, init_demo, server_env, serving
from tests.browser.pages import fill_list, group, open_task, sign_in, submit_task, visitor

pytestmark = pytest.mark.browser

PERSON_ID = "11010519540301002" + check_character("11010519540301002")
CASE_NUMBER = re.compile(r"\d{4}-\d{7}")
BOARD = "/public/notices/demo-village-1-1"


@pytest.fixture(scope="module")
def tekun_server(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Server]:
    """A server of its own: this test travels the demo clock, which the shared server's tests must not see."""
    base = tmp_path_factory.mktemp("dibao-tekun")
    env = server_env(base)
    init_demo(env)
    with serving(base, env, pytestconfig) as running:
        yield running


def _shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / name), full_page=True)


def register(page: Page, folder: Path) -> str:
    page.get_by_role("link", name="受理登记").click()
    page.get_by_role("link", name="特困人员认定").click()
    page.get_by_label("申请人户籍所在村/社区").select_option("demo-village-1-1")
    page.get_by_role("radio", name="本人申请").check()
    page.get_by_label("申请人姓名").fill("王秀英")
    page.get_by_label("申请人身份证号").fill(PERSON_ID[:-1] + ("0" if PERSON_ID[-1] != "0" else "1"))
    page.get_by_label("出生日期").fill("1954-03-01")
    page.get_by_role("radio", name="城镇", exact=True).check()
    page.get_by_label("申请事由（生活困难情况）").fill("独居，无劳动能力，儿子本人享受低保，无力赡养")
    page.get_by_role("button", name="提交登记").click()
    expect(page.get_by_role("alert")).to_contain_text("需要修改")
    expect(page.get_by_label("申请人身份证号")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("申请人姓名")).to_have_value("王秀英")  # what was typed is kept
    _shot(page, folder, "80-tekun-registration-error.png")
    page.get_by_label("申请人身份证号").fill(PERSON_ID)
    page.get_by_role("button", name="提交登记").click()
    heading = page.get_by_role("heading", name=re.compile(r"^案件 \d{4}-\d{7} · 王秀英$"))
    expect(heading).to_be_visible()
    match = CASE_NUMBER.search(heading.inner_text())
    assert match is not None
    return match.group(0)


def accept(page: Page, number: str) -> None:
    open_task(page, number, "受理审查")
    page.get_by_role("radio", name="予以受理").check()
    page.get_by_label("已签署承诺书").check()
    page.get_by_label("已签署家庭经济状况核对授权书").check()
    page.get_by_label("受理意见").fill("材料齐全，予以受理")
    submit_task(page, "受理审查")


def investigate(page: Page, number: str, folder: Path) -> None:
    open_task(page, number, "入户调查核实")
    main = page.locator("main")
    fill_list(main, "调查人员（至少两人）", ["王调查", "李调查"])
    page.get_by_label("入户日期").fill("2026-12-01")
    page.get_by_label("入户调查表（调查人员与申请人签字）附件编号").fill("RH-2026-101")
    for index, (kind, amount) in enumerate((("basic_pension", "150.00"), ("old_age_allowance", "100.00"))):
        page.get_by_role("button", name="添加一项（收入（按月））").click()
        item = group(page, f"收入（按月） 第 {index + 1} 项")
        item.get_by_label("收入类别").select_option(kind)
        item.get_by_label("月收入金额（元）").fill(amount)
    for label in ("不能自主吃饭", "不能自主穿衣", "不能自主上下床", "不能自主如厕"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="添加一项（法定赡养、抚养、扶养义务人）").click()
    supporter = group(page, "法定赡养、抚养、扶养义务人 第 1 项")
    supporter.get_by_label("姓名").fill("王建国")
    supporter.get_by_role("radio", name="子女").check()
    supporter.get_by_label("状况").select_option("dibao_recipient")
    page.get_by_role("radio", name="分散供养").check()
    page.get_by_label("照料服务人姓名").fill("李照护")
    page.get_by_label("照料服务人电话").fill("13900000001")
    page.get_by_label("调查核实情况").fill("申请人独居，行动不便；儿子 66 岁，本人为低保对象")
    _shot(page, folder, "81-tekun-investigation.png")
    submit_task(page, "入户调查核实")


def first_review(page: Page, number: str, folder: Path) -> None:
    open_task(page, number, "初审")
    panel = page.locator("[data-panel=tekun]")
    expect(panel).to_contain_text("符合特困人员条件")
    expect(panel).to_contain_text("全护理")
    expect(panel).to_contain_text("1640.00 元/月")
    _shot(page, folder, "82-tekun-first-review.png")
    page.get_by_role("radio", name="拟认定为特困人员").check()
    page.get_by_label("初审意见说明").fill("经调查核实，符合特困人员条件，拟认定")
    submit_task(page, "初审")


def travel(page: Page, days: int) -> None:
    page.goto("/demo/clock")
    page.get_by_label("快进天数").fill(str(days))
    page.get_by_role("button", name="快进", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"已快进 {days} 天")


def draw_sample(page: Page, number: str, folder: Path) -> None:
    page.goto("/tekun/sampling")
    expect(page.get_by_role("row").filter(has_text=number)).to_be_visible()
    page.get_by_role("button", name=re.compile("抽取样本")).click()
    expect(page.get_by_role("status")).to_contain_text(f"1 件待抽查案件中抽中 1 件（{number}），转县级抽查核实")
    expect(page.locator("main")).to_contain_text(number)
    _shot(page, folder, "83-tekun-sampling.png")


def county_check(page: Page, number: str) -> None:
    open_task(page, number, "县级抽查核实")
    fill_list(page.locator("main"), "核实人员（至少两人）", ["赵县核", "钱县核"])
    page.get_by_label("核实日期").fill("2026-12-09")
    page.get_by_role("radio", name="入户核实").check()
    page.get_by_role("radio", name="与乡镇调查一致").check()
    page.get_by_label("核实情况").fill("入户核实，与乡镇调查一致")
    submit_task(page, "县级抽查核实")


def decide(page: Page, number: str, folder: Path) -> None:
    open_task(page, number, "审核确认")
    expect(page.get_by_role("radio", name="分散供养")).to_be_checked()  # carried from the investigation
    expect(page.get_by_label("照料服务人姓名")).to_have_value("李照护")
    page.get_by_role("radio", name="确认为特困人员").check()
    page.get_by_label("确认意见说明").fill("经审核，确认为特困人员，分散供养")
    _shot(page, folder, "84-tekun-decision.png")
    submit_task(page, "审核确认")


def test_a_tekun_application_from_registration_to_support(
    tekun_server: Server, chromium: Browser, screenshots: Path
) -> None:
    server = tekun_server
    clerk = sign_in(chromium, server.url, "clerk1")
    number = register(clerk, screenshots)
    accept(clerk, number)
    investigate(clerk, number, screenshots)
    first_review(sign_in(chromium, server.url, "head1"), number, screenshots)

    board = visitor(chromium, server.url)
    board.goto(BOARD)
    notice = board.get_by_role("article", name="申请人：王*英")
    expect(notice).to_contain_text("1 人")
    expect(notice).to_contain_text("1040.00 元/月")  # the basic standard only: no care tier in public
    expect(board.locator("main")).not_to_contain_text("600.00")
    _shot(board, screenshots, "85-tekun-public-board.png")

    travel(sign_in(chromium, server.url, "admin1"), 8)
    county = sign_in(chromium, server.url, "county1")
    draw_sample(county, number, screenshots)
    county_check(county, number)
    decide(sign_in(chromium, server.url, "approver1"), number, screenshots)

    county_phone = sign_in(chromium, server.url, "county1", phone=True)
    county_phone.goto("/tekun/sampling")
    expect(county_phone.get_by_role("heading", name="历次抽查")).to_be_visible()
    _shot(county_phone, screenshots, "87-tekun-sampling-375.png")

    phone = sign_in(chromium, server.url, "clerk1", phone=True)
    phone.goto(f"/cases/{number}")
    main = phone.locator("main")
    expect(main).to_contain_text("保障中")
    expect(main).to_contain_text("1640.00")
    expect(main).to_contain_text("全护理")
    _shot(phone, screenshots, "86-tekun-case-375.png")
