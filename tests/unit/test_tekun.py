"""The 特困 assessment (docs/tekun-assessment.md; domain.md §6 item 6, scenario 10): the three conditions,
the ADL care tier, the basic and care standards per region, and the field errors for bad input.

Expected values worked out by hand: the 低保 standard S is 800.00 in every seed region and last year's
minimum wage W is 1,800.00, so basic = 1.4 × 800 = 1,120 in 烟台 and 1.3 × 800 = 1,040 in 会宁 and by
default; care = W ÷ 3 = 600 (全护理), W ÷ 6 = 300 (半护理), W ÷ 10 = 180 (全自理).
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date
from typing import Any

import pytest

from engine.domain.assessment import ParameterProblem
from engine.domain.parameters import Parameters, layered_parameters
from engine.domain.tekun import PARAMETER_NAMES, age_on, assess_tekun
from engine.domain.vocabulary_tekun import TEKUN_CARE_TIERS, TEKUN_SUPPORTER_RELATIONS, TEKUN_SUPPORTER_STATUSES
from engine.errors import InvalidData
from engine.settings import PROJECT_ROOT
from engine.workflow.bundle import region_sources
from engine.workflow.helpers import HELPER_NAMES, build_helpers
from tests.conftest import CALENDAR_DIR

PROCESSES = PROJECT_ROOT / "processes"


def _parameters(region: str = "default", extra: str = "") -> Parameters:
    """The region's parameters as the files state them, with whole tables replaced by `extra` (TOML)."""
    texts = [(s.origin, s.content.decode("utf-8")) for s in region_sources(PROCESSES, region).parameters]
    return layered_parameters([*texts, ("test", extra)] if extra else texts)


def _scenario_10(**person: Any) -> dict[str, Any]:
    """domain.md §10 scenario 10: aged 72, only 基础养老金 150 + 高龄津贴 100, the son on 低保, 4 ADL failed."""
    return {
        "as_of": "2026-11-01",
        "person": {
            "birth_date": "1954-03-01",
            "disability": None,
            "incomes": [
                {"kind": "basic_pension", "monthly_amount": "150.00"},
                {"kind": "old_age_allowance", "monthly_amount": "100.00"},
            ],
            "adl": [True, True, False, True, True, False],
            **person,
        },
        "supporters": [{"relation": "child", "status": "dibao_recipient"}],
    }


def _assess(request: dict[str, Any], region: str = "yantai", extra: str = "") -> dict[str, Any]:
    return assess_tekun(request, _parameters(region, extra), region)


def _figures(result: dict[str, Any]) -> tuple[bool, str, str, str, str]:
    return result["eligible"], result["basic"], result["care_tier"], result["care"], result["total"]


# --- scenario 10 and its variants -------------------------------------------------------------------


def test_scenario_10_in_yantai() -> None:
    result = _assess(_scenario_10())
    assert _figures(result) == (True, "1120.00", "full", "600.00", "1720.00")
    assert result["age"] == 72
    assert result["countable_income"] == "0.00"
    assert result["conditions"] == {"no_work_ability": True, "no_income": True, "no_supporter": True}
    assert result["reasons"] == [
        "符合：无劳动能力",
        "符合：无生活来源",
        "符合：无法定赡养、抚养、扶养义务人，或者其法定义务人无履行义务能力",
    ]
    assert result["explanation"] == [
        "基本生活标准 = 城镇低保标准 800.00 × 1.4 = 1120.00 元/月",
        "年满 60 周岁（72 周岁），视为无劳动能力",
        "基础养老金 150.00 元不计入收入（与低保家庭收入计算相同的不计入项目）",
        "高龄津贴 100.00 元不计入收入（特困人员认定办法第六条）",
        "计入收入 0.00 元/月，低于低保标准 800.00 元：符合无生活来源条件",
        "法定义务人（子女）为最低生活保障对象，无履行义务能力",
        "生活自理能力 6 项指标中 4 项不能自理（自主吃饭、自主穿衣、自主如厕、室内行走），护理档次：全护理",
        "照料护理标准（全护理）= 上年月最低工资 1800.00 ÷ 3 = 600.00 元/月",
        "三项条件均符合，可认定为特困人员：每月 1120.00 + 600.00 = 1720.00 元",
    ]


@pytest.mark.parametrize(
    ("adl", "tier", "care", "total"),
    [
        ([True, True, True, False, False, False], "partial", "300.00", "1420.00"),
        ({"failed": 3}, "partial", "300.00", "1420.00"),
        ({"failed": 1}, "partial", "300.00", "1420.00"),
        ([False] * 6, "self_care", "180.00", "1300.00"),
        ({"failed": 0}, "self_care", "180.00", "1300.00"),
        ({"failed": 6}, "full", "600.00", "1720.00"),
    ],
)
def test_the_care_tier_follows_the_failed_indicators(adl: Any, tier: str, care: str, total: str) -> None:
    assert _figures(_assess(_scenario_10(adl=adl))) == (True, "1120.00", tier, care, total)


def test_huining_and_the_national_default_pay_1_3_times_the_standard() -> None:
    assert _figures(_assess(_scenario_10(), "huining")) == (True, "1040.00", "full", "600.00", "1640.00")
    assert _figures(_assess(_scenario_10(), "default"))[1] == "1040.00"


def test_a_rural_person_is_measured_against_the_rural_standard() -> None:
    # 1.4 × 700 = 980; the urban standard (800) would give 1,120.
    rural = _assess(_scenario_10(registered_type="rural"), extra='[dibao_standard_rural]\n2021-07-01 = "700.00"\n')
    assert (rural["basic"], rural["dibao_standard"], rural["total"]) == ("980.00", "700.00", "1580.00")
    assert rural["explanation"][0] == "基本生活标准 = 农村低保标准 700.00 × 1.4 = 980.00 元/月"


def test_care_uses_last_years_minimum_wage_rounded_half_up() -> None:
    raised = '[minimum_wage]\n2021-07-01 = "1800.00"\n2026-07-01 = "2100.00"\n'
    # In force on 31 December 2025: 1,800 → 600; in 2027 last year's is 2,100 → 700.
    assert _assess(_scenario_10(), extra=raised)["care"] == "600.00"
    later = _assess({**_scenario_10(), "as_of": "2027-01-15"}, extra=raised)
    assert (later["last_year_minimum_wage"], later["care"], later["total"]) == ("2100.00", "700.00", "1820.00")
    # 1,800.05 ÷ 10 = 180.005 → 180.01 half-up (banker's rounding would give 180.00).
    odd = _assess(_scenario_10(adl={"failed": 0}), extra='[minimum_wage]\n2021-07-01 = "1800.05"\n')
    assert (odd["care"], odd["total"]) == ("180.01", "1300.01")


# --- the three conditions -----------------------------------------------------------------------------


def test_a_supporter_on_dibao_is_unable_but_an_able_one_is_not() -> None:
    request = _scenario_10()
    request["supporters"] = [
        {"relation": "child", "status": "dibao_recipient"},
        {"relation": "spouse", "status": "imprisoned"},
    ]
    assert _assess(request)["eligible"] is True
    request["supporters"].append({"relation": "child", "status": "able"})
    refused = _assess(request)
    assert refused["conditions"] == {"no_work_ability": True, "no_income": True, "no_supporter": False}
    assert refused["reasons"] == ["不符合：无法定赡养、抚养、扶养义务人，或者其法定义务人无履行义务能力"]
    assert (refused["basic"], refused["care"], refused["total"]) == ("1120.00", "600.00", "0.00")
    assert "法定义务人（子女）有履行义务能力：视为有履行义务能力" in refused["explanation"]
    assert "有 1 名法定义务人有履行义务能力：不符合无法定义务人条件" in refused["explanation"]


def test_no_supporter_at_all_and_a_region_that_counts_dibao_supporters_as_able() -> None:
    alone = _scenario_10()
    alone["supporters"] = []
    assert _assess(alone)["conditions"]["no_supporter"] is True
    del alone["supporters"]
    assert _assess(alone)["eligible"] is True
    strict = '[tekun_unable_supporter_statuses]\n2021-07-01 = "imprisoned,missing"\n'
    assert _assess(_scenario_10(), extra=strict)["eligible"] is False


@pytest.mark.parametrize(
    ("birth_date", "disability", "able_to_work"),
    [
        ("1981-05-01", None, True),  # 45, no disability: working age
        ("1966-11-02", None, True),  # 59 on 1 November 2026 (60 the next day)
        ("1966-11-01", None, False),  # 60 that day
        ("2010-11-02", None, False),  # 15
        ("2010-11-01", None, True),  # 16 that day
        ("1981-05-01", {"grade": 2, "type": "physical"}, False),
        ("1981-05-01", {"grade": 3, "type": "physical"}, True),
        ("1981-05-01", {"grade": 3, "type": "mental"}, False),
        ("1981-05-01", {"grade": 3, "type": "intellectual"}, False),
        ("1981-05-01", {"grade": 4, "type": "mental"}, True),
    ],
)
def test_no_ability_to_work_by_age_or_disability(birth_date: str, disability: Any, able_to_work: bool) -> None:
    result = _assess(_scenario_10(birth_date=birth_date, disability=disability))
    assert result["conditions"]["no_work_ability"] is not able_to_work
    assert result["eligible"] is not able_to_work
    if able_to_work:
        assert result["reasons"] == ["不符合：无劳动能力"]
        assert result["total"] == "0.00"


def test_a_working_age_able_bodied_person_is_not_eligible() -> None:
    result = _assess(_scenario_10(birth_date="1981-05-01"))
    assert result["eligible"] is False
    assert "45 周岁，处于劳动年龄，无重度残疾：不符合无劳动能力条件" in result["explanation"]
    assert result["explanation"][-1] == "不符合特困人员认定条件，不予供养（基本生活标准和照料护理标准仅供参考）"


def test_income_at_or_above_the_dibao_standard_is_not_eligible() -> None:
    """特认 第六条: 无生活来源 means countable income below the local 低保 standard (800), not the 特困 one."""
    below = _scenario_10(incomes=[{"kind": "wage", "monthly_amount": "799.99"}])
    assert _assess(below)["eligible"] is True
    at = _scenario_10(incomes=[{"kind": "wage", "monthly_amount": "300"}, {"kind": "support", "monthly_amount": 500}])
    result = _assess(at)
    assert (result["eligible"], result["countable_income"]) == (False, "800.00")
    assert result["reasons"] == ["不符合：无生活来源"]
    assert "计入收入 800.00 元/月，不低于低保标准 800.00 元：不符合无生活来源条件" in result["explanation"]


def test_a_region_may_compare_income_with_the_tekun_basic_standard() -> None:
    basic = '[tekun_income_threshold]\n2021-07-01 = "tekun_basic"\n'
    below = _scenario_10(incomes=[{"kind": "wage", "monthly_amount": "1119.99"}])
    assert (_assess(below)["eligible"], _assess(below, extra=basic)["eligible"]) == (False, True)
    at = _scenario_10(incomes=[{"kind": "wage", "monthly_amount": "600"}, {"kind": "support", "monthly_amount": 520}])
    result = _assess(at, extra=basic)
    assert (result["eligible"], result["countable_income"]) == (False, "1120.00")
    assert "计入收入 1120.00 元/月，不低于基本生活标准 1120.00 元：不符合无生活来源条件" in result["explanation"]
    # 会宁's lower basic standard (1,040) refuses 1,050 that 烟台's (1,120) accepts.
    between = _scenario_10(incomes=[{"kind": "pension", "monthly_amount": "1050.00"}])
    assert (_assess(between, extra=basic)["eligible"], _assess(between, "huining", basic)["eligible"]) == (True, False)


def test_excluded_incomes_are_not_counted_and_counting_them_would_refuse() -> None:
    incomes = [
        {"kind": "basic_pension", "monthly_amount": "600.00"},
        {"kind": "old_age_allowance", "monthly_amount": "300.00"},
        {"kind": "social_insurance", "monthly_amount": "400.00"},
    ]
    result = _assess(_scenario_10(incomes=incomes))
    assert (result["eligible"], result["countable_income"]) == (True, "0.00")
    assert "社会保险待遇（如医疗保险报销） 400.00 元不计入收入（特困人员认定办法第六条）" in result["explanation"]
    # Counting all three: 1,300 ≥ 1,120 → no longer 无生活来源.
    counted = _assess(_scenario_10(incomes=incomes), extra='[tekun_excluded_income_kinds]\n2021-07-01 = ""\n')
    assert (counted["eligible"], counted["countable_income"]) == (False, "1300.00")


def test_age_on_counts_whole_years() -> None:
    assert age_on(date(1954, 3, 1), date(2026, 2, 28)) == 71
    assert age_on(date(1954, 3, 1), date(2026, 3, 1)) == 72
    assert age_on(date(1956, 2, 29), date(2016, 2, 28)) == 59
    assert age_on(date(1956, 2, 29), date(2016, 2, 29)) == 60


# --- bad input ------------------------------------------------------------------------------------------


def _refused(request: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(InvalidData) as caught:
        _assess(request)
    assert caught.value.message.startswith("特困人员认定评估数据有误：")
    return caught.value.fields


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"adl": [True] * 5}, "person.adl", "申请人·生活自理能力评估：必须正好有 6 项指标"),
        ({"adl": [False] * 7}, "person.adl", "现有 7 项"),
        ({"adl": [True, "yes", False, False, False, False]}, "person.adl.1", "“自主穿衣”必须是 true"),
        ({"adl": {"failed": 7}}, "person.adl.failed", "不能自理项数：必须是 0 到 6 的整数"),
        ({"adl": None}, "person.adl", "申请人·生活自理能力评估：必填"),
        ({"birth_date": None}, "person.birth_date", "申请人·出生日期：必填"),
        ({"birth_date": "1954-02-30"}, "person.birth_date", "必须是有效日期（YYYY-MM-DD）"),
        ({"birth_date": "2027-01-01"}, "person.birth_date", "不能晚于评估日期"),
        (
            {"incomes": [{"kind": "wage", "monthly_amount": "-1"}]},
            "person.incomes.0.monthly_amount",
            "申请人·收入第 1 项·月收入金额：必须是不小于 0 的金额",
        ),
        (
            {"incomes": [{"kind": "lottery", "monthly_amount": "10"}]},
            "person.incomes.0.kind",
            "申请人·收入第 1 项·收入类别：必须是以下之一",
        ),
        ({"disability": {"grade": 5, "type": "mental"}}, "person.disability.grade", "残疾等级必须是 1 到 4"),
        ({"registered_type": "abroad"}, "person.registered_type", "户籍类型：必须是以下之一"),
        ({"registered_type": ["urban"]}, "person.registered_type", "户籍类型：必须是以下之一"),
        ({"disability": {"grade": [1], "type": "mental"}}, "person.disability.grade", "残疾等级必须是 1 到 4"),
        (
            {"incomes": [{"kind": "wage", "monthly_amount": "1e100"}]},
            "person.incomes.0.monthly_amount",
            "金额过大",
        ),
    ],
)
def test_bad_person_fields_are_named_in_chinese(change: dict[str, Any], field: str, message: str) -> None:
    fields = _refused(_scenario_10(**change))
    assert list(fields) == [field]
    assert message in fields[field][0]


@pytest.mark.parametrize(
    ("supporter", "field", "message"),
    [
        ({"relation": "neighbour", "status": "able"}, "supporters.1.relation", "法定义务人第 2 项·关系：必须是"),
        ({"relation": "child", "status": "rich"}, "supporters.1.status", "法定义务人第 2 项·状况：必须是以下之一"),
        ({"relation": "child"}, "supporters.1.status", "法定义务人第 2 项·状况"),
    ],
)
def test_unknown_relations_and_statuses_are_refused(supporter: dict[str, Any], field: str, message: str) -> None:
    request = _scenario_10()
    request["supporters"].append(supporter)
    fields = _refused(request)
    assert list(fields) == [field]
    assert message in fields[field][0]
    assert "child（子女）" in fields[field][0] or "dibao_recipient（最低生活保障对象）" in fields[field][0]


def test_missing_parts_of_the_request_are_refused() -> None:
    request = _scenario_10()
    del request["person"]
    assert _refused(request) == {"person": ["申请人：必填"]}
    request = _scenario_10()
    del request["as_of"]
    assert _refused(request) == {"as_of": ["评估日期：必填"]}
    request = deepcopy(_scenario_10())
    request["supporters"] = {"relation": "child"}
    assert _refused(request) == {"supporters": ["法定义务人：必须是列表"]}


def test_a_date_without_last_years_minimum_wage_is_a_parameter_problem() -> None:
    # The national parameters start on 2021-07-01: nothing is in force on 31 December 2020.
    with pytest.raises(ParameterProblem, match="minimum_wage"):
        _assess({**_scenario_10(), "as_of": "2021-08-01"})
    with pytest.raises(ParameterProblem, match="尚未生效"):  # year 1 has no year before it: no crash either
        _assess({**_scenario_10(birth_date="0001-01-01"), "as_of": "0001-06-01"})
    with pytest.raises(ParameterProblem, match="tekun_adl_full_min_failed"):
        _assess(_scenario_10(), extra="[tekun_adl_full_min_failed]\n2021-07-01 = 1\n")


# --- vocabulary, parameters and the BPMN helper -------------------------------------------------------------


def test_every_parameter_is_in_the_default_file() -> None:
    snapshot = _parameters().snapshot(date(2026, 11, 1))
    assert set(PARAMETER_NAMES) <= set(snapshot)
    assert list(TEKUN_CARE_TIERS) == ["self_care", "partial", "full"]
    assert {"spouse", "child", "parent", "other"} == set(TEKUN_SUPPORTER_RELATIONS)
    assert "able" in TEKUN_SUPPORTER_STATUSES


def test_the_bpmn_helper_assesses_under_the_definitions_parameters() -> None:
    assert "assess_tekun" in HELPER_NAMES
    helpers = build_helpers(_parameters("yantai"), region="yantai", calendar_dir=CALENDAR_DIR)
    request = _scenario_10()
    person_and_supporters = {"person": request["person"], "supporters": request["supporters"]}
    result = helpers["assess_tekun"](person_and_supporters, "2026-11-01")
    assert (result["region"], result["total"]) == ("yantai", "1720.00")
    with pytest.raises(InvalidData):
        helpers["assess_tekun"]({"person": {**request["person"], "adl": [True]}}, "2026-11-01")
