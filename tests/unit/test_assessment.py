"""The 低保 household assessment against docs/rules.md#scenarios's scenarios (S = 800, W = 1,800, 1.5 S = 1,200).

Each test works the expected figures out from the rules in its comments, so a failing figure can
be checked by hand against docs/rules.md#assessment and docs/rules.md#choices.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from engine.domain.assessment import (
    EMPLOYMENT_STATUSES,
    PARAMETER_NAMES,
    RELATIONS,
    ParameterProblem,
    add_months,
    assess,
    household_problems,
)
from engine.domain.parameters import Parameters, Value, layered_parameters
from engine.domain.vocabulary import DISABILITY_TYPES, EXPENSE_KINDS, INCOME_KINDS, REGISTERED_TYPES
from engine.errors import InvalidData
from engine.settings import PROJECT_ROOT
from engine.workflow.helpers import HELPER_NAMES, build_helpers
from engine.workflow.sandbox import make_script_engine
from engine.workflow.serializer import dump_state
from forms import load_form
from tests.conftest import CALENDAR_DIR
from tests.unit.test_sandbox import end_data, script_process, workflow

DEFAULTS = (PROJECT_ROOT / "processes" / "default" / "parameters.toml").read_text(encoding="utf-8")
AS_OF = date(2026, 11, 1)
KEYS = [
    "region",
    "as_of",
    "standard",
    "minimum_wage",
    "countable_income",
    "excluded_income",
    "deductions",
    "per_capita_income",
    "category",
    "eligible",
    "benefit_amount",
    "single_person_members",
    "explanation",
]


def _toml(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, str) else str(value)


def params(**overrides: Value) -> Parameters:
    """The national defaults (the demo county's S = 800, W = 1,800) with a region's overrides."""
    region = "".join(f"[{name}]\n2021-07-01 = {_toml(value)}\n" for name, value in overrides.items())
    return layered_parameters([("default/parameters.toml", DEFAULTS), ("regions/x/parameters.toml", region)])


# 会宁 / 蚌埠 settings of docs/rules.md#regions as far as the assessment goes.
HUINING: dict[str, Value] = {"disabled_topup_multiplier": "0.2", "single_person_medical_cost_test": True}
BENGBU: dict[str, Value] = {"employment_cost_deduction_rate": "0.5", "employment_cost_deduction_months": 12}


def member(
    name: str,
    relation: str = "child",
    incomes: dict[str, str] | None = None,
    /,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "name": name,
        "id_number": "110105198001010112",
        "relation": relation,
        "incomes": [{"kind": kind, "monthly_amount": amount} for kind, amount in (incomes or {}).items()],
        **extra,
    }


def household(*members: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "registered_type": "urban",
        "existing_recipient": False,
        "poverty_alleviation_registered": False,
        "assets_pass": True,
        "members": list(members),
    }
    data.update(extra)
    return data


def run(data: dict[str, Any], as_of: date = AS_OF, /, **overrides: Value) -> dict[str, Any]:
    return assess(data, as_of, params(**overrides), "default")


def figures(result: dict[str, Any]) -> tuple[str, str, bool, str]:
    return result["per_capita_income"], result["category"], result["eligible"], result["benefit_amount"]


# --- scenario 1: basic --------------------------------------------------------------------------


def test_scenario_1_basic() -> None:
    # n = 3, wage 1,500 → p = 1500 / 3 = 500 < 800 → eligible; B = (800 − 500) × 3 = 900.
    result = run(household(member("甲", "self", {"wage": "1500.00"}), member("乙", "spouse"), member("丙")))
    assert list(result) == KEYS
    assert figures(result) == ("500.00", "dibao", True, "900.00")
    assert result["standard"] == "800.00"
    assert result["minimum_wage"] == "1800.00"
    assert result["countable_income"] == "1500.00"
    assert result["excluded_income"] == "0.00"
    assert result["deductions"] == "0.00"
    assert result["single_person_members"] == []
    assert result["as_of"] == "2026-11-01"
    assert result["region"] == "default"
    lines = result["explanation"]
    assert "按城镇户籍适用低保标准 800.00 元/人·月；家庭人口 3 人" in lines
    assert "家庭月收入（扣减后）1500.00 元，人均收入 1500.00 ÷ 3 = 500.00 元" in lines
    assert "人均收入 500.00 元低于低保标准 800.00 元，家庭财产符合规定：符合低保条件" in lines
    assert "补差 =（800.00 − 500.00）× 3 = 900.00 元" in lines


def test_the_result_is_plain_json() -> None:
    result = run(household(member("甲", "self", {"wage": "1500.00"})))
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result


# --- scenario 2: boundary -----------------------------------------------------------------------


def test_scenario_2_boundary_is_not_eligible_but_marginal() -> None:
    # n = 2, I = 1,600 → p = 800, not < S → 不予确认; 800 ≤ 800 < 1,200 → 边缘; no benefit.
    result = run(household(member("甲", "self", {"wage": "1600.00"}), member("乙", "spouse")))
    assert figures(result) == ("800.00", "marginal", False, "0.00")
    assert any("属于低保边缘家庭" in line for line in result["explanation"])


def test_one_cent_below_the_standard_is_eligible() -> None:
    # p = 1599.98 / 2 = 799.99 < 800 → eligible, B = 1600 − 1599.98 = 0.02.
    result = run(household(member("甲", "self", {"wage": "1599.98"}), member("乙", "spouse")))
    assert figures(result) == ("799.99", "dibao", True, "0.02")


def test_the_marginal_ceiling_is_exclusive() -> None:
    # p = 2400 / 2 = 1200 = 1.5 S → neither 低保 nor 边缘.
    result = run(household(member("甲", "self", {"wage": "2400.00"}), member("乙", "spouse")))
    assert figures(result) == ("1200.00", "none", False, "0.00")


# --- scenario 3: exclusions ---------------------------------------------------------------------


def test_scenario_3a_basic_pension_is_excluded() -> None:
    # Couple: basic pension 2 × 150 (excluded) + support 600 → I = 600, p = 300, B = (800 − 300) × 2 = 1,000.
    result = run(
        household(
            member("甲", "self", {"basic_pension": "150.00", "support": "600.00"}),
            member("乙", "spouse", {"basic_pension": "150.00"}),
        )
    )
    assert figures(result) == ("300.00", "dibao", True, "1000.00")
    assert (result["countable_income"], result["excluded_income"]) == ("600.00", "300.00")
    assert "基础养老金 300.00 元不计入家庭收入（城乡居民基础养老金）" in result["explanation"]


def test_scenario_3a_counting_the_pension_gives_700() -> None:
    # The wrong reading: I = 900, p = 450, B = (800 − 450) × 2 = 700.
    couple = household(
        member("甲", "self", {"basic_pension": "150.00", "support": "600.00"}),
        member("乙", "spouse", {"basic_pension": "150.00"}),
    )
    result = run(couple, excluded_income_kinds="scholarship,family_planning,veteran_allowance,reward,assistance")
    assert figures(result) == ("450.00", "dibao", True, "700.00")


def test_scenario_3b_scholarship_and_family_planning_are_excluded() -> None:
    # n = 2: wage 1,400 counted; scholarship 200 and 计生扶助金 100 excluded → p = 700, B = 200.
    data = household(
        member("甲", "self", {"wage": "1400.00", "family_planning": "100.00"}),
        member("乙", "child", {"scholarship": "200.00"}),
    )
    result = run(data)
    assert figures(result) == ("700.00", "dibao", True, "200.00")
    assert result["excluded_income"] == "300.00"
    assert "奖学金 200.00 元不计入家庭收入（奖学金）" in result["explanation"]
    assert "计划生育奖励与扶助金 100.00 元不计入家庭收入（计划生育奖励与扶助）" in result["explanation"]
    # Counting them wrongly: p = 1,700 / 2 = 850 ≥ 800 → rejected.
    assert figures(run(data, excluded_income_kinds=""))[:3] == ("850.00", "marginal", False)


def test_old_age_allowance_counts_for_dibao() -> None:
    # 高龄津贴 is excluded for 特困 only: I = 100 + 500, p = 600 / 1.
    result = run(household(member("甲", "self", {"old_age_allowance": "100.00", "support": "500.00"})))
    assert (result["countable_income"], result["per_capita_income"]) == ("600.00", "600.00")


# --- scenario 4: 蚌埠 employment cost -----------------------------------------------------------


def bengbu_household(started: str = "2025-11-15") -> dict[str, Any]:
    return household(
        member("甲", "self", {"wage": "2700.00"}, employment={"status": "employed", "started": started}),
        member("乙", "spouse"),
        member("丙"),
        registered_type="rural",
        existing_recipient=True,
    )


def test_scenario_4_months_1_to_12_deduct_half_the_minimum_wage() -> None:
    # Month 12 of the job (2026-10-15 … 2026-11-14): D = 0.5 × 1,800 = 900,
    # p = (2,700 − 900) / 3 = 600, B = (800 − 600) × 3 = 600.
    result = run(bengbu_household(), **BENGBU)
    assert figures(result) == ("600.00", "dibao", True, "600.00")
    assert result["deductions"] == "900.00"
    assert (
        "甲自 2025-11-15 就业未满 12 个月，扣减就业成本 900.00 元（最低工资 1800.00 元 × 0.5）" in result["explanation"]
    )
    # The first day of the job is month 1.
    assert figures(run(bengbu_household("2026-11-01"), **BENGBU))[0] == "600.00"


def test_scenario_4_month_13_has_no_deduction() -> None:
    # From 2026-11-15 (12 months after the start) on: p = 2,700 / 3 = 900 ≥ 800 → not eligible.
    assert figures(run(bengbu_household(), date(2026, 11, 14), **BENGBU))[0] == "600.00"
    result = run(bengbu_household(), date(2026, 11, 15), **BENGBU)
    assert figures(result) == ("900.00", "marginal", False, "0.00")
    assert "甲自 2025-11-15 就业已满 12 个月，不再扣减就业成本" in result["explanation"]
    assert figures(run(bengbu_household(), date(2026, 12, 15), **BENGBU))[0] == "900.00"


def test_employment_cost_is_off_by_default_and_only_for_existing_rural_recipients() -> None:
    assert figures(run(bengbu_household()))[0] == "900.00"  # national default rate 0
    urban = {**bengbu_household(), "registered_type": "urban"}
    assert figures(run(urban, **BENGBU))[0] == "900.00"
    new_applicant = {**bengbu_household(), "existing_recipient": False}
    result = run(new_applicant, **BENGBU)
    assert figures(result)[0] == "900.00"
    assert "就业成本扣减只适用于已是低保对象的农村家庭，本户不扣减" in result["explanation"]


def test_employment_cost_needs_a_start_date_on_or_before_the_assessment() -> None:
    no_date = bengbu_household()
    no_date["members"][0]["employment"] = {"status": "employed", "started": None}
    assert figures(run(no_date, **BENGBU))[0] == "900.00"
    assert figures(run(bengbu_household("2026-12-01"), **BENGBU))[0] == "900.00"


def test_employment_cost_month_arithmetic() -> None:
    assert add_months(date(2025, 11, 15), 12) == date(2026, 11, 15)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2023, 12, 31), 2) == date(2024, 2, 29)


# --- deductions ---------------------------------------------------------------------------------


def test_rigid_expenses_are_deducted_in_full_by_default() -> None:
    # I = 2,000, D = 300 + 200 = 500 → p = 1,500 / 2 = 750 → B = 1,600 − 1,500 = 100.
    data = household(
        member("甲", "self", {"wage": "2000.00"}),
        member("乙", "spouse"),
        rigid_expenses=[
            {"kind": "medical", "monthly_amount": "300.00"},
            {"kind": "education", "monthly_amount": "200.00"},
        ],
    )
    result = run(data)
    assert figures(result) == ("750.00", "dibao", True, "100.00")
    assert result["deductions"] == "500.00"
    assert "刚性支出 500.00 元（医疗支出 300.00 元、教育支出 200.00 元）按 100% 扣减 500.00 元" in result["explanation"]
    off = run(data, rigid_expense_deduction_rate="0")
    assert figures(off) == ("1000.00", "marginal", False, "0.00")
    assert "刚性支出 500.00 元不扣减（本地区未启用刚性支出扣减）" in off["explanation"]


def test_income_after_deductions_never_goes_below_zero() -> None:
    # D = 900 > I = 100 → income counted as 0, p = 0, B = 800 × 2.
    data = household(
        member("甲", "self", {"wage": "100.00"}),
        member("乙", "spouse"),
        rigid_expenses=[{"kind": "care", "monthly_amount": "900.00"}],
    )
    result = run(data)
    assert figures(result) == ("0.00", "dibao", True, "1600.00")
    assert "扣减额 900.00 元超过计入收入 100.00 元，扣减后家庭收入按 0 元计" in result["explanation"]


def test_per_capita_keeps_full_precision_and_rounds_once() -> None:
    # I = 1,000 for n = 3: p = 333.33… (shown 333.33), B = 2,400 − 1,000 = 1,400 exactly, not 1,400.01.
    result = run(household(member("甲", "self", {"wage": "1000.00"}), member("乙"), member("丙")))
    assert figures(result) == ("333.33", "dibao", True, "1400.00")
    assert "家庭月收入（扣减后）1000.00 元，人均收入 1000.00 ÷ 3 ≈ 333.33 元" in result["explanation"]


def test_rounding_is_half_up() -> None:
    # I = 1,000.01 for n = 2 → p = 500.005 → 500.01 (half-up; banker's rounding would give 500.00).
    result = run(household(member("甲", "self", {"wage": "1000.01"}), member("乙")))
    assert result["per_capita_income"] == "500.01"
    assert result["benefit_amount"] == "599.99"


# --- property and standards ---------------------------------------------------------------------


def test_property_that_fails_means_neither_dibao_nor_marginal() -> None:
    result = run(household(member("甲", "self"), assets_pass=False))
    assert figures(result) == ("0.00", "none", False, "0.00")
    assert "家庭财产不符合规定：不予认定低保，也不属于低保边缘家庭" in result["explanation"]


def test_rural_households_use_the_rural_standard() -> None:
    data = household(member("甲", "self", {"wage": "500.00"}), registered_type="rural")
    result = run(data, dibao_standard_rural="600.00")
    assert (result["standard"], result["benefit_amount"]) == ("600.00", "100.00")
    assert "按农村户籍适用低保标准 600.00 元/人·月；家庭人口 1 人" in result["explanation"]


def test_parameters_are_read_for_the_assessment_day() -> None:
    dated = layered_parameters(
        [("default", DEFAULTS), ("region", '[dibao_standard_urban]\n2021-07-01 = "800.00"\n2026-07-01 = "850.00"\n')]
    )
    data = household(member("甲", "self", {"wage": "500.00"}))
    assert assess(data, date(2026, 6, 30), dated, "x")["benefit_amount"] == "300.00"
    assert assess(data, date(2026, 7, 1), dated, "x")["benefit_amount"] == "350.00"


@pytest.mark.parametrize("name", PARAMETER_NAMES)
def test_a_missing_parameter_is_named(name: str) -> None:
    defaults = params()
    without = Parameters({k: v for k, v in defaults.by_name.items() if k != name})
    with pytest.raises(ParameterProblem, match=name):
        assess(household(member("甲", "self")), AS_OF, without, "x")


def test_a_parameter_not_yet_in_force_is_an_error() -> None:
    with pytest.raises(ParameterProblem, match=r"尚未生效"):
        run(household(member("甲", "self")), date(2020, 1, 1))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("excluded_income_kinds", "basic_pension,pensions", "未知的收入类别 pensions"),
        ("dibao_standard_urban", "0", "必须是大于 0 的数"),
        ("marginal_multiplier", "0.9", "必须是不小于 1 的数"),
        ("rigid_expense_deduction_rate", "-1", "必须是不小于 0 的数"),
        ("rigid_expense_deduction_rate", "all", "必须是不小于 0 的数"),
        ("employment_cost_deduction_months", "twelve", "必须是不小于 0 的整数"),
        ("single_person_medical_cost_test", "yes", "必须是 true 或 false"),
    ],
)
def test_an_unusable_parameter_is_named(name: str, value: Value, message: str) -> None:
    with pytest.raises(ParameterProblem, match=f"参数 {name} .*{message}"):
        run(household(member("甲", "self")), **{name: value})


# --- the disabled top-up (会宁) -------------------------------------------------------------------


def test_disabled_top_up_in_an_eligible_household() -> None:
    # Scenario 1 with one certified disabled member (any grade): B = 900 + 0.2 × 800 = 1,060.
    data = household(
        member("甲", "self", {"wage": "1500.00"}),
        member("乙", "spouse", disability={"grade": 4, "type": "hearing"}),
        member("丙"),
    )
    assert run(data)["benefit_amount"] == "900.00"  # national default multiplier 0
    result = run(data, **HUINING)
    assert result["benefit_amount"] == "1060.00"
    assert "残疾人加发 1 人 × 低保标准 800.00 元 × 0.2 = 160.00 元；月补差合计 1060.00 元" in result["explanation"]


# --- scenarios 7–9: 单人户 -------------------------------------------------------------------------


def marginal_household(a: dict[str, Any], **extra: Any) -> dict[str, Any]:
    # n = 4, I = 4,000 → p = 1,000: 800 ≤ 1,000 < 1,200 → 边缘.
    return household(
        member("甲", "self", {"wage": "4000.00"}),
        a,
        member("丙"),
        member("丁"),
        **extra,
    )


def test_scenario_7_single_person_household_granted() -> None:
    # A: grade-2 physical, no income → A alone: B = 800 − 0 = 800. The other three are not covered.
    result = run(marginal_household(member("乙", disability={"grade": 2, "type": "physical"})))
    assert figures(result) == ("1000.00", "marginal", False, "0.00")
    assert result["single_person_members"] == [{"name": "乙", "reason": "重残", "benefit_amount": "800.00"}]
    assert (
        "乙（重残：二级肢体残疾）可按单人户纳入低保：补差 800.00 − 本人月收入 0.00 = 800.00 元" in result["explanation"]
    )


def test_scenario_7_huining_adds_the_disabled_top_up() -> None:
    # 会宁 reading A: 800 + 0.2 × 800 = 960.
    result = run(marginal_household(member("乙", disability={"grade": 2, "type": "physical"})), **HUINING)
    assert result["single_person_members"] == [{"name": "乙", "reason": "重残", "benefit_amount": "960.00"}]


def test_single_person_benefit_is_on_their_own_countable_income() -> None:
    # A's own wage 300 counts, A's scholarship 100 does not: B = 800 − 300 = 500.
    a = member("乙", "child", {"wage": "300.00", "scholarship": "100.00"}, disability={"grade": 1, "type": "visual"})
    data = household(member("甲", "self", {"wage": "3700.00"}), a, member("丙"), member("丁"))
    result = run(data)
    assert result["per_capita_income"] == "1000.00"
    assert result["single_person_members"] == [{"name": "乙", "reason": "重残", "benefit_amount": "500.00"}]


def test_a_single_person_with_own_income_at_the_standard_is_not_listed() -> None:
    a = member("乙", "child", {"pension": "800.00"}, disability={"grade": 1, "type": "visual"})
    data = household(member("甲", "self", {"wage": "3200.00"}), a, member("丙"), member("丁"))
    result = run(data)
    assert result["category"] == "marginal"
    assert result["single_person_members"] == []
    assert any("本人月收入 800.00 元不低于低保标准" in line for line in result["explanation"])


def test_scenario_8a_not_marginal_means_no_single_person_household() -> None:
    # p = 5,000 / 4 = 1,250 ≥ 1,200 → refuse.
    data = household(
        member("甲", "self", {"wage": "5000.00"}),
        member("乙", disability={"grade": 1, "type": "physical"}),
        member("丙"),
        member("丁"),
    )
    result = run(data)
    assert figures(result) == ("1250.00", "none", False, "0.00")
    assert result["single_person_members"] == []
    assert "乙（重残：一级肢体残疾）：家庭不属于低保边缘家庭，不能按单人户单独纳入" in result["explanation"]


def test_scenario_8b_grade_3_physical_is_not_severe() -> None:
    result = run(marginal_household(member("乙", disability={"grade": 3, "type": "physical"})))
    assert result["single_person_members"] == []
    assert (
        "乙为三级肢体残疾，不属于重残（一、二级残疾或三级智力、精神残疾），不能按单人户单独纳入"
        in result["explanation"]
    )


@pytest.mark.parametrize("kind", ["mental", "intellectual"])
def test_scenario_8c_grade_3_mental_or_intellectual_is_severe(kind: str) -> None:
    result = run(marginal_household(member("乙", disability={"grade": 3, "type": kind})))
    assert result["single_person_members"] == [{"name": "乙", "reason": "重残", "benefit_amount": "800.00"}]


def test_grade_4_is_never_severe() -> None:
    result = run(marginal_household(member("乙", disability={"grade": 4, "type": "mental"})))
    assert result["single_person_members"] == []


def test_major_illness_qualifies() -> None:
    result = run(marginal_household(member("乙", major_illness=True)))
    assert result["single_person_members"] == [{"name": "乙", "reason": "重病", "benefit_amount": "800.00"}]


def test_both_grounds_are_named() -> None:
    result = run(marginal_household(member("乙", major_illness=True, disability={"grade": 1, "type": "multiple"})))
    assert result["single_person_members"] == [{"name": "乙", "reason": "重残、重病", "benefit_amount": "800.00"}]


def test_no_single_person_households_in_an_eligible_household() -> None:
    data = household(member("甲", "self", {"wage": "1500.00"}), member("乙", disability={"grade": 1, "type": "mental"}))
    assert run(data)["single_person_members"] == []


def scenario_9(paid: str, **extra: Any) -> dict[str, Any]:
    # 边缘 household, n = 3: I = 3,000 → p = 1,000; last year's income 36,000.
    return household(
        member("甲", "self", {"wage": "3000.00"}),
        member("乙", self_paid_medical_last_year=paid, **extra),
        member("丙"),
        last_year_total_income="36000.00",
    )


def test_scenario_9_huining_medical_cost_above_last_years_income_is_major_illness() -> None:
    # 40,000 > 36,000 → 重病 → B as 单人户, B = 800 − 0 = 800.
    result = run(scenario_9("40000.00"), **HUINING)
    assert result["category"] == "marginal"
    assert result["single_person_members"] == [{"name": "乙", "reason": "重病", "benefit_amount": "800.00"}]
    assert any("上年自付医疗费用 40000.00 元超过上年家庭总收入 36000.00 元" in line for line in result["explanation"])


def test_scenario_9_medical_cost_below_last_years_income_is_not() -> None:
    # 30,000 ≤ 36,000 → not 重病 …
    result = run(scenario_9("30000.00"), **HUINING)
    assert result["single_person_members"] == []
    assert (
        "乙上年自付医疗费用 30000.00 元未超过上年家庭总收入 36000.00 元，不属于重病，不能按单人户单独纳入"
        in result["explanation"]
    )
    # … unless the illness is a listed one.
    listed = run(scenario_9("30000.00", major_illness=True), **HUINING)
    assert listed["single_person_members"] == [{"name": "乙", "reason": "重病", "benefit_amount": "800.00"}]


def test_scenario_9_without_the_medical_cost_test_cost_alone_is_not_major_illness() -> None:
    result = run(scenario_9("40000.00"))  # national default: test off
    assert result["single_person_members"] == []
    assert any("本地区不按医疗费用认定重病" in line for line in result["explanation"])


def test_medical_cost_test_without_last_years_income() -> None:
    data = scenario_9("40000.00")
    del data["last_year_total_income"]
    result = run(data, **HUINING)
    assert result["single_person_members"] == []
    assert any("未填写上年家庭总收入" in line for line in result["explanation"])


# --- the household's shape ----------------------------------------------------------------------


def test_household_problems_one_applicant() -> None:
    other = {"id_number": "110105198203150228"}
    assert household_problems(household(member("甲", "self"), member("乙", **other))) == {}
    assert household_problems(household(member("甲"), member("乙", **other))) == {
        "household.members": ["家庭情况·家庭成员：必须有且只有一名“本人（申请人）”，现在没有"]
    }
    two = household_problems(household(member("甲", "self"), member("乙", "self", **other)))
    assert two["household.members"] == ["家庭情况·家庭成员：必须有且只有一名“本人（申请人）”，现在有 2 名"]


def test_household_problems_duplicate_id_numbers() -> None:
    data = household(member("甲", "self"), member("乙"))  # both carry the same number
    assert household_problems(data) == {
        "household.members.1.id_number": ["家庭情况·家庭成员第 2 项·身份证号：与第 1 项重复"]
    }


def _first(data: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = data["members"][0]
    return first


FIRST = "household.members.0"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda h: h.pop("members"), "household.members"),
        (lambda h: h.update(members=[]), "household.members"),
        (lambda h: h.update(registered_type="town"), "household.registered_type"),
        (lambda h: h.pop("assets_pass"), "household.assets_pass"),
        (
            lambda h: _first(h).update(incomes=[{"kind": "wage", "monthly_amount": "-1"}]),
            f"{FIRST}.incomes.0.monthly_amount",
        ),
        (lambda h: _first(h).update(incomes=[{"kind": "salary", "monthly_amount": "1"}]), f"{FIRST}.incomes.0.kind"),
        (lambda h: _first(h).update(disability={"grade": 5, "type": "physical"}), f"{FIRST}.disability.grade"),
        (
            lambda h: _first(h).update(employment={"status": "employed", "started": "20260501"}),
            f"{FIRST}.employment.started",
        ),
    ],
)
def test_a_malformed_household_names_the_field(change: Any, path: str) -> None:
    data = household(member("甲", "self"))
    change(data)
    with pytest.raises(InvalidData) as caught:
        run(data)
    assert list(caught.value.fields) == [path]
    assert path in caught.value.message


def test_the_form_and_the_domain_agree_on_every_choice() -> None:
    schema = load_form("household").schema["properties"]
    person = schema["members"]["items"]["properties"]
    assert schema["registered_type"]["enum"] == list(REGISTERED_TYPES)
    assert person["relation"]["enum"] == list(RELATIONS)
    assert person["disability"]["properties"]["type"]["enum"] == list(DISABILITY_TYPES)
    assert person["employment"]["properties"]["status"]["enum"] == list(EMPLOYMENT_STATUSES)
    assert person["incomes"]["items"]["properties"]["kind"]["enum"] == list(INCOME_KINDS)
    assert schema["rigid_expenses"]["items"]["properties"]["kind"]["enum"] == list(EXPENSE_KINDS)


# --- the BPMN helper, through the real sandbox ----------------------------------------------------


def test_helper_names_are_honest() -> None:
    assert set(build_helpers(params(), calendar_dir=CALENDAR_DIR)) == HELPER_NAMES
    assert "assess" in HELPER_NAMES


def test_the_assess_helper_runs_in_the_sandbox_and_its_result_serializes() -> None:
    data = household(
        member("甲", "self", {"wage": "4000.00"}),
        member("乙", disability={"grade": 2, "type": "physical"}),
        member("丙"),
        member("丁"),
    )
    engine = make_script_engine(build_helpers(params(**HUINING), region="huining", calendar_dir=CALENDAR_DIR), 1.0)
    wf = workflow(script_process('assessment = assess(household, "2026-11-01")'), {"household": data}, engine=engine)
    wf.do_engine_steps()
    result = end_data(wf)["assessment"]
    assert result["region"] == "huining"
    assert result["single_person_members"] == [{"name": "乙", "reason": "重残", "benefit_amount": "960.00"}]

    def plain(value: Any) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return isinstance(value, str | bool)

    assert plain(result)
    assert dump_state(wf)  # Spiff's serializer takes it as it is


def test_the_assess_helper_refuses_a_bad_date() -> None:
    helper = build_helpers(params(), calendar_dir=CALENDAR_DIR)["assess"]
    with pytest.raises(ValueError, match="不是有效日期"):
        helper(household(member("甲", "self")), "2026-13-01")
