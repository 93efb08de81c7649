"""The parameter form (/designer/drafts/<region>/parameters) over real HTTP: grouped by topic with Chinese
names and help, 沿用全国默认 / 本地区设置, typed inputs; each kind of bad input is a 422 in Chinese naming the
parameter and the row, keeping what was typed, saving nothing; future values edited and removed; 恢复为全国默认."""

from __future__ import annotations

import re
from typing import Any

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.services import designer

BASE = "/designer/drafts/yantai/parameters"
TODAY = "2026-11-23 01:00:00"


def _draft(ctx: Context) -> str:
    return designer.effective_file(ctx, "designer_yantai", "yantai", "parameters.toml").decode("utf-8")


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@freeze_time(TODAY)
def test_the_page_is_grouped_named_and_typed(make_browser: Any) -> None:
    page = make_browser("designer_yantai").get(BASE).get_data(as_text=True)
    headings = re.findall(r"<h2>(\S+) <span", page)
    assert headings[:4] == ["保障标准与计算", "办理时限", "公示与评议", "动态复核与渐退"]
    text = _text(page)
    assert "城市低保标准（元/人·月）" in text
    assert "2021-07-01 起   800.00 元" in text
    assert "本地区沿用全国默认" in text
    assert "本地区设置" in text
    assert "恢复为全国默认" in text
    assert "全国默认：2021-07-01 起 （不设）" in text  # 烟台's caution groups beside the national value
    assert "domain.md" not in page
    assert "§" not in page
    assert "gradual_exit_causes" not in text  # keys only in field names, never in what a designer reads
    assert 'type="number" name="n-dibao_standard_urban-value"' in page
    assert ">元<" in page
    assert '<option value="always">每案都评议</option>' in page
    assert 'type="radio" name="n-renotice_after_objection-value" value="false" checked' in page
    assert 'type="checkbox" name="n-gradual_exit_caution_groups-value" value="elderly" checked' in page
    assert '<option value="county:county_approver" selected>县民政审批人</option>' in page  # 督办接收人, by level


@freeze_time(TODAY)
@pytest.mark.parametrize(
    ("field", "date", "value", "message"),
    [
        (
            "dibao_standard_urban",
            "2027-01-01",
            "8o0",
            "参数「城市低保标准（元/人·月）」第 2 行（2027-01-01 起）：须是不小于 0 的金额",
        ),
        ("dibao_standard_urban", "2027-01-01", "850.125", "第 2 行（2027-01-01 起）：金额最多两位小数（到分）"),
        ("dibao_standard_urban", "2027-01-01", "1e30", "第 2 行（2027-01-01 起）：取值过大：须小于 1,000,000,000"),
        ("notice_days", "2027-02-30", "5", "参数「公示天数」第 2 行：生效日期“2027-02-30”不是有效日期（YYYY-MM-DD）"),
        ("notice_days", "2021-07-01", "5", "参数「公示天数」第 2 行：生效日期 2021-07-01 重复，一个日期只能有一个取值"),
        ("notice_days", "", "5", "参数「公示天数」第 2 行：请填写生效日期"),
        (
            "democratic_review_mode",
            "2027-01-01",
            "sometimes",
            "参数「民主评议方式」第 2 行（2027-01-01 起）：“sometimes”不是可选的取值",
        ),
        (
            "renotice_after_objection",
            "2027-01-01",
            "maybe",
            "参数「异议处理后再次公示」第 2 行（2027-01-01 起）：请选择“是”或“否”",
        ),
        (
            "escalation_overdue_days",
            "2027-01-01",
            "30",
            "参数「超期后提请督办」第 2 行（2027-01-01 起）：必须是 1 到 20 的整数",
        ),
    ],
)
def test_bad_input_is_a_422_in_chinese_and_nothing_is_saved(
    make_browser: Any, ctx: Context, field: str, date: str, value: str, message: str
) -> None:
    reply = make_browser("designer_yantai").post(BASE, {f"n-{field}-date": date, f"n-{field}-value": value})
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert message in page
    assert f'name="n-{field}-date" value="{date}"' in page  # what was typed stays
    assert designer.draft_files(ctx, "designer_yantai", "yantai") == []


@freeze_time(TODAY)
def test_an_unknown_choice_in_a_list_is_refused(make_browser: Any, ctx: Context) -> None:
    data = {"n-gradual_exit_causes-date": "2027-01-01", "n-gradual_exit_causes-value": ["", "employment", "lottery"]}
    reply = make_browser("designer_yantai").post(BASE, data)
    assert reply.status_code == 422
    assert "参数「可以渐退的收入增加原因」第 2 行（2027-01-01 起）：“lottery”不是可选的取值" in reply.get_data(
        as_text=True
    )
    assert designer.draft_files(ctx, "designer_yantai", "yantai") == []


@freeze_time(TODAY)
def test_a_new_value_then_editing_and_removing_it(make_browser: Any, ctx: Context) -> None:
    browser = make_browser("designer_yantai")
    new = {"n-dibao_standard_urban-date": "2027-01-01", "n-dibao_standard_urban-value": "850"}
    assert browser.post(BASE, new).status_code == 302
    assert '[dibao_standard_urban]\n2021-07-01 = "800.00"\n2027-01-01 = "850.00"' in _draft(ctx)
    page = _text(browser.get(BASE).get_data(as_text=True))
    assert "本地区设置" in page
    edit = {"f-dibao_standard_urban-0-date": "2027-03-01", "f-dibao_standard_urban-0-value": "860.50"}
    assert browser.post(BASE, edit).status_code == 302
    assert '2021-07-01 = "800.00"\n2027-03-01 = "860.50"' in _draft(ctx)
    # Removing the only value not yet in force leaves the national table: no override is written.
    assert browser.post(BASE, {"f-dibao_standard_urban-0-remove": "1"}).status_code == 302
    assert "[dibao_standard_urban]" not in _draft(ctx)


@freeze_time(TODAY)
def test_choices_and_yes_no_and_back_to_the_national_value(make_browser: Any, ctx: Context) -> None:
    browser = make_browser("designer_yantai")
    data = {
        "n-gradual_exit_caution_groups-date": "2027-01-01",
        "n-gradual_exit_caution_groups-value": [""],  # nothing ticked: 不设
        "n-renotice_after_objection-date": "2027-01-01",
        "n-renotice_after_objection-value": "true",
    }
    assert browser.post(BASE, data).status_code == 302
    text = _draft(ctx)
    assert '2021-07-01 = "elderly,disabled,ill,poverty_alleviation"\n2027-01-01 = ""' in text
    assert "[renotice_after_objection]\n2021-07-01 = false\n2027-01-01 = true" in text
    assert browser.post(BASE, {"reset-advance_payment_hours": "1"}).status_code == 302
    assert "[advance_payment_hours]" not in _draft(ctx)
    assert "[gradual_exit_caution_groups]" in _draft(ctx)


def test_the_national_form_has_no_region_badges(make_browser: Any) -> None:
    page = _text(make_browser("designer1").get("/designer/drafts/default/parameters").get_data(as_text=True))
    assert "城市低保标准（元/人·月）" in page
    assert "本地区沿用全国默认" not in page
    assert "恢复为全国默认" not in page


def test_another_region_is_forbidden(make_browser: Any, ctx: Context) -> None:
    browser = make_browser("designer_yantai")
    assert browser.get("/designer/drafts/taian/parameters").status_code == 403
    reply = browser.post(
        "/designer/drafts/taian/parameters", {"n-notice_days-date": "2027-01-01", "n-notice_days-value": "5"}
    )
    assert reply.status_code == 403
