"""Properties of the household assessment over generated households and region settings."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.assessment import EMPLOYMENT_STATUSES, assess
from engine.domain.parameters import Parameters, layered_parameters
from engine.domain.vocabulary import DISABILITY_TYPES, EXPENSE_KINDS, INCOME_KINDS
from engine.settings import PROJECT_ROOT

DEFAULTS = (PROJECT_ROOT / "processes" / "default" / "parameters.toml").read_text(encoding="utf-8")
EXCLUDED = ("basic_pension", "scholarship", "family_planning", "veteran_allowance", "reward", "assistance")
MONEY = re.compile(r"[0-9]+\.[0-9]{2}")
AS_OF = date(2026, 11, 1)


def money(max_cents: int = 500_000) -> st.SearchStrategy[str]:
    return st.integers(0, max_cents).map(lambda cents: f"{Decimal(cents) / 100:.2f}")


incomes = st.lists(
    st.fixed_dictionaries({"kind": st.sampled_from(list(INCOME_KINDS)), "monthly_amount": money()}), max_size=3
)
members = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["甲", "乙", "丙", "丁", "戊"]),
            "id_number": st.just("110105198001010112"),
            "relation": st.just("child"),
            "incomes": incomes,
        },
        optional={
            "disability": st.none()
            | st.fixed_dictionaries(
                {"grade": st.integers(1, 4), "type": st.sampled_from(list(DISABILITY_TYPES))},
            ),
            "major_illness": st.booleans(),
            "self_paid_medical_last_year": money(10_000_000),
            "employment": st.fixed_dictionaries(
                {
                    "status": st.sampled_from(EMPLOYMENT_STATUSES),
                    "started": st.none() | st.dates(date(2024, 1, 1), date(2027, 1, 1)).map(date.isoformat),
                }
            ),
        },
    ),
    min_size=1,
    max_size=6,
)
households = st.fixed_dictionaries(
    {
        "registered_type": st.sampled_from(["urban", "rural"]),
        "existing_recipient": st.booleans(),
        "poverty_alleviation_registered": st.booleans(),
        "assets_pass": st.booleans(),
        "members": members,
    },
    optional={
        "last_year_total_income": money(10_000_000),
        "rigid_expenses": st.lists(
            st.fixed_dictionaries({"kind": st.sampled_from(list(EXPENSE_KINDS)), "monthly_amount": money(200_000)}),
            max_size=3,
        ),
    },
)
# Regions differ in these; the rates are the ones regions use (docs/rules.md#regions), so every deduction
# is a whole number of half-cents and a positive gap below the standard never rounds to 0.00.
region_settings = st.fixed_dictionaries(
    {
        "dibao_standard_urban": money(200_000).filter(lambda m: Decimal(m) > 0),
        "dibao_standard_rural": money(200_000).filter(lambda m: Decimal(m) > 0),
        "minimum_wage": money(400_000),
        "marginal_multiplier": st.sampled_from(["1", "1.5", "2"]),
        "rigid_expense_deduction_rate": st.sampled_from(["0", "0.5", "1"]),
        "employment_cost_deduction_rate": st.sampled_from(["0", "0.5"]),
        "employment_cost_deduction_months": st.sampled_from([6, 12]),
        "disabled_topup_multiplier": st.sampled_from(["0", "0.2"]),
        "single_person_medical_cost_test": st.booleans(),
    }
)


def parameters(overrides: dict[str, Any]) -> Parameters:
    region = "".join(f"[{name}]\n2021-07-01 = {json.dumps(value)}\n" for name, value in overrides.items())
    return layered_parameters([("default", DEFAULTS), ("region", region)])


def cents(amount: Decimal) -> Decimal:
    """A bound rounded as the outputs are: 0.2 × 0.43 = 0.086 may show as 0.09."""
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def standard(result: dict[str, Any]) -> Decimal:
    return Decimal(result["standard"])


@settings(max_examples=100)
@given(households, region_settings, st.data())
def test_excluded_income_never_changes_the_outcome(
    household: dict[str, Any], overrides: dict[str, Any], data: st.DataObject
) -> None:
    params = parameters(overrides)
    before = assess(household, AS_OF, params, "x")
    index = data.draw(st.integers(0, len(household["members"]) - 1))
    extra = {"kind": data.draw(st.sampled_from(EXCLUDED)), "monthly_amount": data.draw(money(10_000_000))}
    household["members"][index]["incomes"].append(extra)
    after = assess(household, AS_OF, params, "x")
    for key in ("countable_income", "per_capita_income", "category", "benefit_amount", "single_person_members"):
        assert after[key] == before[key], key
    assert Decimal(after["excluded_income"]) == Decimal(before["excluded_income"]) + Decimal(extra["monthly_amount"])


@settings(max_examples=200)
@given(households, region_settings)
def test_benefit_is_zero_exactly_when_not_eligible(household: dict[str, Any], overrides: dict[str, Any]) -> None:
    result = assess(household, AS_OF, parameters(overrides), "x")
    assert result["eligible"] is (result["category"] == "dibao")
    assert (result["benefit_amount"] == "0.00") is (not result["eligible"])
    if result["eligible"]:
        assert Decimal(result["per_capita_income"]) <= standard(result)
    if result["single_person_members"]:
        assert result["category"] == "marginal"


@settings(max_examples=200)
@given(households, region_settings)
def test_benefit_never_exceeds_the_standard_times_size_plus_top_ups(
    household: dict[str, Any], overrides: dict[str, Any]
) -> None:
    result = assess(household, AS_OF, parameters(overrides), "x")
    s, multiplier = standard(result), Decimal(overrides["disabled_topup_multiplier"])
    n = len(household["members"])
    disabled = sum(1 for m in household["members"] if m.get("disability") is not None)
    assert Decimal(result["benefit_amount"]) <= cents(s * n + multiplier * s * disabled)
    for single in result["single_person_members"]:
        assert Decimal("0.01") <= Decimal(single["benefit_amount"]) <= cents(s + multiplier * s)


@settings(max_examples=100)
@given(households, region_settings)
def test_money_is_always_a_two_decimal_string(household: dict[str, Any], overrides: dict[str, Any]) -> None:
    result = assess(household, AS_OF, parameters(overrides), "x")
    amounts = [
        result[key]
        for key in (
            "standard",
            "minimum_wage",
            "countable_income",
            "excluded_income",
            "deductions",
            "per_capita_income",
            "benefit_amount",
        )
    ]
    amounts += [single["benefit_amount"] for single in result["single_person_members"]]
    for amount in amounts:
        assert isinstance(amount, str)
        assert MONEY.fullmatch(amount), amount
    assert all(isinstance(line, str) and line for line in result["explanation"])
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
