"""Counting a household's monthly income: what counts, and what the region leaves out and why.

The first rule of the assessment (docs/rules.md#assessment): every member's incomes are added up by kind, except
the kinds the region's `excluded_income_kinds` names, which are reported with the regulation that
excludes them.
"""

from __future__ import annotations

from decimal import Decimal

from engine.domain.assessment.explanation import money
from engine.domain.assessment.household import Household
from engine.domain.assessment.rules import Rules
from engine.domain.vocabulary import INCOME_KINDS

# Why an excluded kind is left out, as the regulations name it (Art. 13 and the 十四五 pension rule).
_EXCLUSION_GROUNDS: dict[str, str] = {
    "basic_pension": "城乡居民基础养老金",
    "scholarship": "奖学金",
    "family_planning": "计划生育奖励与扶助",
    "veteran_allowance": "优待抚恤金",
    "reward": "见义勇为等奖励",
    "assistance": "政府救助款物",
}


def countable_income(household: Household, rules: Rules, lines: list[str]) -> tuple[Decimal, Decimal]:
    """(countable, excluded) monthly income of the household; explains both in `lines`."""
    counted: dict[str, Decimal] = {}
    left_out: dict[str, Decimal] = {}
    for member in household.members:
        for income in member.incomes:
            into = left_out if income.kind in rules.excluded_kinds else counted
            into[income.kind] = into.get(income.kind, Decimal(0)) + income.monthly
    for kind, amount in left_out.items():
        if amount > 0:
            ground = _EXCLUSION_GROUNDS.get(kind, "地区参数 excluded_income_kinds 规定不计入")
            lines.append(f"{INCOME_KINDS[kind]} {money(amount)} 元不计入家庭收入（{ground}）")
    countable = sum(counted.values(), Decimal(0))
    parts = "、".join(f"{INCOME_KINDS[k]} {money(v)} 元" for k, v in counted.items() if v > 0)
    lines.append(f"计入家庭月收入 {money(countable)} 元" + (f"（{parts}）" if parts else ""))
    return countable, sum(left_out.values(), Decimal(0))
