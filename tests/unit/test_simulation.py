"""The what-if simulation (engine.domain.simulation) against figures worked out by hand.

Parameters in force: the national defaults (S = 800 urban and rural, 边缘 below 1.5 S = 1,200, rigid
expenses deducted in full, no disabled top-up). The proposal raises S to 850 (1.5 S = 1,275).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from engine.domain.assessment import assess, parse_household, read_rules
from engine.domain.benefit import benefit_proposal
from engine.domain.parameters import layered_parameters
from engine.domain.simulation import Assessor, Row, outcome_of, simulate, summary_json
from engine.domain.simulation_parameters import Override, changes, set_problems, with_overrides
from engine.settings import PROJECT_ROOT
from tests.bench.simulation_data import households

DEFAULTS = (PROJECT_ROOT / "processes" / "default" / "parameters.toml").read_text(encoding="utf-8")
OLD = layered_parameters([("default", DEFAULTS)])
AS_OF = date(2027, 1, 1)


def _member(relation: str, wage: str | None = None, disability: dict[str, Any] | None = None) -> dict[str, Any]:
    incomes = [{"kind": "wage", "monthly_amount": wage}] if wage else []
    return {"name": f"成员{relation}", "relation": relation, "disability": disability, "incomes": incomes}


def _household(*members: dict[str, Any], assets_pass: bool = True) -> dict[str, Any]:
    return {"registered_type": "urban", "assets_pass": assets_pass, "members": list(members)}


def _others(count: int) -> list[dict[str, Any]]:
    return [_member("child") for _ in range(count)]


FIVE = [
    # H1: n = 3, wage 1,500 → p = 500 < S. Before: (800 − 500) × 3 = 900. After: (850 − 500) × 3 = 1,050. +150.
    Row(
        "enrollment:1", "enrollment", "张*", "城关镇", _household(_member("self", "1500.00"), *_others(2)), Decimal(900)
    ),
    # H2: n = 2, wage 1,600 → p = 800. Before: not < 800 → 边缘, nobody severe → 0.
    #     After: 800 < 850 → 低保, (850 − 800) × 2 = 100. Newly eligible, +100.
    Row("case:2", "case", "李*", "城关镇", _household(_member("self", "1600.00"), *_others(1)), Decimal(0)),
    # H3: n = 1, wage 1,250 → p = 1,250 ≥ 1,200: none before; 850 ≤ 1,250 < 1,275: 边缘 after; 0 both. Unchanged.
    Row("case:3", "case", "王*", "河西乡", _household(_member("self", "1250.00")), Decimal(0)),
    # H4: n = 4, wage 4,000 → p = 1,000: 边缘 both times. Member A (grade-2 physical, no income) is covered
    #     alone: 800 − 0 = 800 before, 850 − 0 = 850 after. Changed, +50.
    Row(
        "enrollment:4",
        "enrollment",
        "赵*",
        "河西乡",
        _household(
            _member("self", "4000.00"), _member("child", disability={"grade": 2, "type": "physical"}), *_others(2)
        ),
        Decimal(800),
    ),
    # H5: n = 2, wage 600 → p = 300, but the property fails: none both times, 0. Unchanged.
    Row(
        "case:5",
        "case",
        "孙*",
        "河西乡",
        _household(_member("self", "600.00"), *_others(1), assets_pass=False),
        Decimal(0),
    ),
]


def _new(value: str = "850") -> Any:
    overrides = [Override(n, value, date(2027, 1, 1)) for n in ("dibao_standard_urban", "dibao_standard_rural")]
    parameters, problems = with_overrides(OLD, overrides)
    assert problems == []
    return parameters


def _run(rows: list[Row], new: Any) -> Any:
    old_assessor = Assessor(read_rules(OLD, AS_OF), AS_OF, "default")
    new_assessor = Assessor(read_rules(new, AS_OF), AS_OF, "default")
    return simulate(rows, old_assessor, new_assessor)


def test_five_households_standard_800_to_850_by_hand() -> None:
    result = _run(FIVE, _new())
    outcomes = {o.key: (o.outcome, o.old_amount, o.new_amount) for o in result.affected}
    assert outcomes == {
        "enrollment:1": ("changed", Decimal("900.00"), Decimal("1050.00")),
        "case:2": ("newly_eligible", Decimal("0.00"), Decimal("100.00")),
        "enrollment:4": ("changed", Decimal("800.00"), Decimal("850.00")),
    }
    summary = summary_json(result)
    assert summary["counts"] == {
        "newly_eligible": 1,
        "newly_ineligible": 0,
        "changed": 2,
        "unchanged": 2,
        "unreadable": 0,
    }
    # Before 900 + 0 + 0 + 800 + 0 = 1,700; after 1,050 + 100 + 0 + 850 + 0 = 2,000: +300 a month, +3,600 a year.
    assert summary["total"] == {
        "name": "合计",
        "households": 5,
        "affected": 3,
        "old_monthly": "1700.00",
        "new_monthly": "2000.00",
        "monthly_difference": "300.00",
        "yearly_difference": "3600.00",
    }
    by_township = {
        g["name"]: (g["affected"], g["monthly_difference"], g["yearly_difference"]) for g in summary["by_township"]
    }
    # 城关镇: H1 +150, H2 +100 = +250 (×12 = 3,000); 河西乡: H4 +50 (×12 = 600).
    assert by_township == {"城关镇": (2, "250.00", "3000.00"), "河西乡": (1, "50.00", "600.00")}
    # By category in force: 低保 H1 +150; 边缘 H2 +100 and H4 +50 = +150; none H3, H5: 0.
    by_category = {g["name"]: g["monthly_difference"] for g in summary["by_category"]}
    assert by_category == {"dibao": "150.00", "marginal": "150.00", "none": "0.00"}


def test_lowering_the_standard_makes_households_ineligible() -> None:
    # n = 1, wage 780 → p = 780: 低保 at S = 800 (800 − 780 = 20); at S = 750 it is 边缘 (750 ≤ 780 < 1,125): 0.
    row = Row("enrollment:6", "enrollment", "周*", "城关镇", _household(_member("self", "780.00")), Decimal(20))
    result = _run([row, FIVE[0]], _new("750"))
    assert [(o.key, o.outcome, o.change) for o in result.affected] == [
        ("enrollment:6", "newly_ineligible", Decimal("-20.00")),
        # H1: (750 − 500) × 3 = 750, down 150 from 900.
        ("enrollment:1", "changed", Decimal("-150.00")),
    ]
    assert summary_json(result)["total"]["yearly_difference"] == "-2040.00"  # (−20 − 150) × 12


def test_an_unreadable_household_is_counted_not_fatal() -> None:
    row = Row("case:9", "case", "吴*", "城关镇", {"registered_type": "urban", "members": []}, Decimal(0))
    result = _run([row, FIVE[0]], _new())
    assert result.totals.counts["unreadable"] == 1
    assert [o.key for o in result.unreadable] == ["case:9"]
    assert result.totals.overall.households == 1


def test_amounts_equal_assess_exactly() -> None:
    new = _new("851.37")
    old_assessor = Assessor(read_rules(OLD, AS_OF), AS_OF, "default")
    new_assessor = Assessor(read_rules(new, AS_OF), AS_OF, "default")
    for index, household in enumerate(households(600)):
        row = Row(f"case:{index}", "case", "某*", "城关镇", household, Decimal(0))
        outcome = outcome_of(row, old_assessor, new_assessor)
        for parameters, amount, category in (
            (OLD, outcome.old_amount, outcome.category),
            (new, outcome.new_amount, outcome.new_category),
        ):
            expected = assess(household, AS_OF, parameters, "default")
            assert category == expected["category"]
            assert f"{amount:.2f}" == benefit_proposal(expected, household)["amount"]


def test_progress_is_reported() -> None:
    seen: list[int] = []
    old_assessor = Assessor(read_rules(OLD, AS_OF), AS_OF, "default")
    simulate(FIVE * 3, old_assessor, old_assessor, progress=seen.append, every=4)
    assert seen == [4, 8, 12, 15]


def test_typed_values_are_validated_naming_the_parameter() -> None:
    parameters, problems = with_overrides(
        OLD,
        [
            Override("dibao_standard_urban", "八百", AS_OF),
            Override("notice_days", "5", AS_OF),
            Override("marginal_multiplier", "0.8", AS_OF),
        ],
    )
    assert problems == [
        "参数“城市低保标准（元/人·月）”（dibao_standard_urban）：须是不小于 0 的金额，单位元，如 850 或 850.00",
        "参数 notice_days：不是家庭经济状况评估使用的参数，模拟测算不能修改它",
    ]
    # 0.8 is a number, but the assessment needs a multiplier of at least 1: read_rules says so.
    assert set_problems(parameters, AS_OF) == [
        "参数 marginal_multiplier 在 2027-01-01 的取值 '0.8' 不可用：必须是不小于 1 的数"
    ]
    assert set_problems(parameters, date(2026, 12, 31)) == []  # not yet in force then


def test_an_override_replaces_later_periods_and_changes_are_listed() -> None:
    new = _new()
    assert new.value("dibao_standard_urban", date(2026, 12, 31)) == "800.00"
    assert new.value("dibao_standard_urban", AS_OF) == "850.00"
    assert [(c.name, c.old, c.new) for c in changes(OLD, new, AS_OF)] == [
        ("dibao_standard_urban", "800.00 元", "850.00 元"),
        ("dibao_standard_rural", "800.00 元", "850.00 元"),
    ]
    assert parse_household(FIVE[0].household or {}).members[0].name == "成员self"


def test_absurd_magnitudes_are_reported_not_computed() -> None:
    _, problems = with_overrides(
        OLD,
        [Override("dibao_standard_urban", "1e30", AS_OF), Override("marginal_multiplier", "1e999999", AS_OF)],
    )
    assert problems == [
        "参数“城市低保标准（元/人·月）”（dibao_standard_urban）：取值过大：须小于 1,000,000,000",
        "参数“低保边缘家庭收入倍数”（marginal_multiplier）：取值过大：须小于 1,000,000,000",
    ]
