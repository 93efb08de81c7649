"""One run of the assessment: the rules in order, each adding the line that explains it, and the output
of docs/contracts.md they add up to. The only module that knows the order; each rule lives in its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Context, Decimal, localcontext
from typing import Any

from engine.domain.assessment.decision import benefit, category
from engine.domain.assessment.deductions import employment_cost_deduction, rigid_expense_deduction
from engine.domain.assessment.explanation import money
from engine.domain.assessment.household import Household
from engine.domain.assessment.income import countable_income
from engine.domain.assessment.rules import Rules, read_rules
from engine.domain.assessment.shape import parse_household
from engine.domain.assessment.single_person import single_person_members
from engine.domain.parameters import Parameters
from engine.domain.vocabulary import REGISTERED_TYPES

# Far above what money needs (16 digits before the point, 2 after): per-capita income is a quotient
# kept at full precision, and rounding it early would move households across the standard.
_PRECISION = Context(prec=50)


def assess(household: Mapping[str, Any], as_of: date, parameters: Parameters, region: str) -> dict[str, Any]:
    """The assessment output of docs/contracts.md for a validated household JSON on `as_of`.

    InvalidData when the household is not shaped as the household form cleans it (the BPMN helper
    passes task data straight in); ParameterProblem when a parameter is missing or unusable.
    """
    return assess_parsed(parse_household(household), as_of, read_rules(parameters, as_of), region)


class _Unwritten(list[str]):
    """Explanation lines nobody will read (a what-if over a whole region): appending keeps nothing."""

    def append(self, line: str, /) -> None:
        return None

    def extend(self, lines: Iterable[str], /) -> None:
        return None


def assess_parsed(h: Household, as_of: date, rules: Rules, region: str, *, explain: bool = True) -> dict[str, Any]:
    """`assess` on a household already parsed and rules already read, for callers that assess many
    households (or one under several parameter sets). `explain=False` keeps no explanation lines
    (the output's `explanation` is empty); every figure is computed by the same code either way.
    """
    with localcontext(_PRECISION):
        return _result(h, as_of, rules, region, [] if explain else _Unwritten())


def _result(h: Household, as_of: date, rules: Rules, region: str, lines: list[str]) -> dict[str, Any]:
    s, n = rules.standard(h.registered_type), len(h.members)
    lines.append(f"按{REGISTERED_TYPES[h.registered_type]}户籍适用低保标准 {money(s)} 元/人·月；家庭人口 {n} 人")
    countable, excluded = countable_income(h, rules, lines)
    deductions = rigid_expense_deduction(h, rules, lines) + employment_cost_deduction(h, rules, as_of, lines)
    net = countable - deductions
    if net < 0:
        lines.append(f"扣减额 {money(deductions)} 元超过计入收入 {money(countable)} 元，扣减后家庭收入按 0 元计")
        net = Decimal(0)
    per_capita = net / n
    shown = money(per_capita)
    approximately = "=" if Decimal(shown) == per_capita else "≈"
    lines.append(f"家庭月收入（扣减后）{money(net)} 元，人均收入 {money(net)} ÷ {n} {approximately} {shown} 元")
    decided = category(h, rules, per_capita, lines)
    amount = benefit(h, rules, net, lines) if decided == "dibao" else Decimal(0)
    single = single_person_members(h, rules, decided, lines)
    return {
        "region": region,
        "as_of": as_of.isoformat(),
        "standard": money(s),
        "minimum_wage": money(rules.minimum_wage),
        "countable_income": money(countable),
        "excluded_income": money(excluded),
        "deductions": money(deductions),
        "per_capita_income": shown,
        "category": decided,
        "eligible": decided == "dibao",
        "benefit_amount": money(amount),
        "single_person_members": single,
        "explanation": list(lines),
    }
