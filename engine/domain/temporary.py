"""临时救助 (temporary assistance): the amount, the advance payment and the settlement
(docs/rules.md#temporary-assistance, docs/contracts.md#temporary-assistance-json, docs/rules.md#choices).

amount = S × persons × min(months, cap), S the urban 低保 standard (会宁's formula, used wherever a
region keeps it) → township limit = multiplier × S → the approval level, which a region's DMN table
`temporary_approval_level` decides (township / county / committee) → for an emergency (急难型) the
township pays min(amount, limit) first from its 备用金 (先行救助) and the rest goes to the approval
level → the settlement once a level has decided.

The approval level is *not* decided here: the DMN table is its one source of truth. `assess_temporary`
takes the level from a callback, which evaluates that table (the BPMN's business rule task in a case,
engine.workflow.decisions for `dibao assess-temporary`), so both paths apply the same rule.

Pure functions: requests are JSON (money as two-decimal strings), parameters come in as a
`Parameters` read for `as_of`. Amounts stay exact Decimals until the output, rounded half-up once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NoReturn

from engine.domain.assessment import ParameterProblem
from engine.domain.parameters import Parameters
from engine.domain.vocabulary import APPROVAL_LEVELS, HOUSEHOLD_TYPES, TEMPORARY_CAUSES, TEMPORARY_KINDS
from engine.errors import InvalidData

# The household's standing when it applies: 低保家庭, 特困供养人员, 低保边缘家庭, or none of these.
# Who the rest of an emergency grant goes to, in a sentence ("其余 … 元报县级民政部门审批").
_LEVEL_SHORT: dict[str, str] = {
    "township": "乡镇",
    "county": "县级民政部门",
    "committee": "县级协调机制一事一议",
}
DECISION_ID = "temporary_approval_level"

PARAMETER_NAMES = (
    "dibao_standard_urban",
    "temporary_months_cap",
    "temporary_township_limit_multiplier",
)

_CENT = Decimal("0.01")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Bounds that catch a typo (persons 30 instead of 3) without judging real households.
MAX_PERSONS = 99
MAX_MONTHS = 120

LevelDecision = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Request:
    as_of: date
    kind: str
    cause: str
    persons: int
    months: int
    household_type: str
    existing_recipient: bool


@dataclass(frozen=True)
class TemporaryRules:
    """The parameters of one region in force on one day, as the calculation uses them."""

    standard: Decimal
    months_cap: int
    township_limit_multiplier: Decimal

    @property
    def township_limit(self) -> Decimal:
        return self.standard * self.township_limit_multiplier


@dataclass(frozen=True)
class _Calculation:
    request: Request
    rules: TemporaryRules
    months_counted: int
    amount: Decimal

    @property
    def above_limit(self) -> bool:
        # "乡镇审批 up to the township limit": equal to the limit is still the township's.
        return self.amount > self.rules.township_limit

    @property
    def advance(self) -> Decimal:
        """先行救助: an emergency is paid first by the township, up to its own limit."""
        if self.request.kind != "emergency":
            return Decimal(0)
        return min(self.amount, self.rules.township_limit)


# --- the calculation -----------------------------------------------------------------------------


def temporary_basis(request: Mapping[str, Any], parameters: Parameters) -> dict[str, Any]:
    """The amount and everything the approval-level table reads, as JSON (the BPMN keeps it as data).

    InvalidData for a malformed request; ParameterProblem when a parameter is missing or unusable.
    """
    return _basis(_calculate(request, parameters))


def _basis(calculation: _Calculation) -> dict[str, Any]:
    r = calculation.request
    return {
        "as_of": r.as_of.isoformat(),
        "kind": r.kind,
        "cause": r.cause,
        "household_type": r.household_type,
        "existing_recipient": r.existing_recipient,
        "persons": r.persons,
        "months": r.months,
        "months_counted": calculation.months_counted,
        "standard": _money(calculation.rules.standard),
        "amount": _money(calculation.amount),
        "township_limit": _money(calculation.rules.township_limit),
        "above_township_limit": calculation.above_limit,
    }


def assess_temporary(
    request: Mapping[str, Any], parameters: Parameters, region: str, decide_level: LevelDecision
) -> dict[str, Any]:
    """The temporary-assistance output of docs/contracts.md, with the level `decide_level` gives for the basis.

    Keys: amount, months_counted, approval_level, advance_payment, explanation (docs/contracts.md), plus
    region, as_of, kind, cause, standard, township_limit and remainder (what the approval level
    still decides after the advance). ParameterProblem when the table gives no valid level.
    """
    calculation = _calculate(request, parameters)
    basis = _basis(calculation)
    level = decide_level(basis)
    if level not in APPROVAL_LEVELS:
        raise ParameterProblem(
            f"审批层级决策表 {DECISION_ID} 没有给出有效的审批层级"
            f"（得到 {level!r}，应为 {'、'.join(APPROVAL_LEVELS)} 之一）；"
            f"事由 {basis['cause']}，救助金额 {basis['amount']} 元"
        )
    return _Explained(calculation, str(level), region).result()


class _Explained:
    """One calculation written out: an explanation line for each rule as it is applied."""

    def __init__(self, calculation: _Calculation, level: str, region: str) -> None:
        self.c = calculation
        self.level = level
        self.region = region
        self.lines: list[str] = []

    def result(self) -> dict[str, Any]:
        c, r, rules = self.c, self.c.request, self.c.rules
        s, limit = _money(rules.standard), _money(rules.township_limit)
        recipient = "，已是本地低保或特困救助对象" if r.existing_recipient else ""
        self.lines.append(
            f"{TEMPORARY_KINDS[r.kind]}临时救助，事由：{TEMPORARY_CAUSES[r.cause]}；{HOUSEHOLD_TYPES[r.household_type]}{recipient}"
        )
        self.lines.append(f"救助标准按城市低保标准 {s} 元/人·月计算")
        if r.months > rules.months_cap:
            self.lines.append(
                f"困难持续 {r.months} 个月，超过最长 {rules.months_cap} 个月，按 {rules.months_cap} 个月计算"
            )
        else:
            self.lines.append(f"困难持续 {r.months} 个月，按 {r.months} 个月计算")
        amount = _money(c.amount)
        self.lines.append(f"救助金额 = {s} × {r.persons} 人 × {c.months_counted} 个月 = {amount} 元")
        above = "超过" if c.above_limit else "未超过"
        self.lines.append(
            f"乡镇审批限额 = 低保标准 {s} 元 × {_plain(rules.township_limit_multiplier)} = {limit} 元；"
            f"救助金额 {amount} 元{above}乡镇审批限额"
        )
        self.lines.append(f"按本地区审批层级决策表，由{APPROVAL_LEVELS[self.level]}")
        if self.level == "committee":
            self.lines.append("一事一议：救助金额不受上述计算公式约束，以协调机制会议纪要核定的金额为准")
        advance = c.advance
        remainder = c.amount - advance
        if r.kind == "emergency":
            if remainder == 0:
                self.lines.append(f"急难型先行救助：乡镇从备用金先行发放全部 {amount} 元，事后补办审批手续")
            else:
                self.lines.append(
                    f"急难型先行救助：乡镇从备用金先行发放 {_money(advance)} 元（以乡镇审批限额为上限），"
                    f"其余 {_money(remainder)} 元报{_LEVEL_SHORT[self.level]}审批"
                )
        else:
            self.lines.append(f"支出型临时救助：不先行发放，经调查、乡镇审核和公示后由{_LEVEL_SHORT[self.level]}审批")
        return {
            "region": self.region,
            "as_of": r.as_of.isoformat(),
            "kind": r.kind,
            "cause": r.cause,
            "standard": s,
            "township_limit": limit,
            "amount": amount,
            "months_counted": c.months_counted,
            "approval_level": self.level,
            "advance_payment": _money(advance),
            "remainder": _money(remainder),
            "explanation": self.lines,
        }


def settle(assessment: Mapping[str, Any], advance_paid: Any, approved_amount: Any, approved: bool) -> dict[str, Any]:
    """The assessment with its `settlement` once the approval level decided (or the case was refused).

    `advance_paid` is what the township already paid (先行救助; "0.00" if nothing); `approved_amount`
    the total a committee fixed by 一事一议, or None where the formula amount binds. An advance already
    paid stays part of the grant whatever comes later, so a refusal after an advance settles at the
    advance, and a committee total below it is raised to it. The settlement's `outcome` is "approved"
    or "rejected" (the approval level's decision) and `total_granted` the case's decided amount.
    """
    result = dict(assessment)
    lines = [str(line) for line in assessment.get("explanation") or []]
    paid = _amount_value(advance_paid, "advance_paid")
    formula = _amount_value(assessment.get("amount"), "assessment.amount")
    if approved:
        total = formula if approved_amount is None else _amount_value(approved_amount, "approved_amount")
        if approved_amount is not None:
            lines.append(f"协调机制一事一议核定救助总额 {_money(total)} 元")
        if total < paid:
            lines.append(f"核定总额低于已先行发放的 {_money(paid)} 元，按已发放金额结算")
            total = paid
        remainder = total - paid
        if paid > 0:
            lines.append(
                f"批准：救助总额 {_money(total)} 元，其中已先行发放 {_money(paid)} 元，"
                f"本次批准发放其余 {_money(remainder)} 元"
            )
        else:
            lines.append(f"批准：救助金额 {_money(total)} 元")
    else:
        total, remainder = paid, Decimal(0)
        if paid > 0:
            lines.append(f"不予批准：已先行发放的 {_money(paid)} 元计入本案救助金额，不再追加")
        else:
            lines.append("不予救助")
    result["settlement"] = {
        "outcome": "approved" if approved else "rejected",
        "advance_paid": _money(paid),
        "remainder_granted": _money(remainder),
        "total_granted": _money(total),
    }
    result["explanation"] = lines
    return result


# --- parameters ------------------------------------------------------------------------------------


def read_temporary_rules(parameters: Parameters, on: date) -> TemporaryRules:
    """Every parameter the calculation uses, read for `on`; ParameterProblem names the first bad one."""
    standard = _parameter_amount(parameters, "dibao_standard_urban", on)
    if standard <= 0:
        raise _bad(parameters, "dibao_standard_urban", on, "必须是大于 0 的数")
    cap = _parameter(parameters, "temporary_months_cap", on)
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise _bad(parameters, "temporary_months_cap", on, "必须是不小于 1 的整数")
    multiplier = _parameter_amount(parameters, "temporary_township_limit_multiplier", on)
    return TemporaryRules(standard, cap, multiplier)


def _parameter(parameters: Parameters, name: str, on: date) -> Any:
    try:
        return parameters.value(name, on)
    except KeyError as exc:
        detail = exc.args[0] if exc.args else name
        raise ParameterProblem(f"临时救助测算缺少参数 {name}：{detail}") from None


def _parameter_amount(parameters: Parameters, name: str, on: date) -> Decimal:
    value = _parameter(parameters, name, on)
    number: Decimal | None = None
    if not isinstance(value, bool) and isinstance(value, int | float | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite() or number < 0:
        raise _bad(parameters, name, on, "必须是不小于 0 的数")
    return number


def _bad(parameters: Parameters, name: str, on: date, wanted: str) -> ParameterProblem:
    value = parameters.value(name, on)
    return ParameterProblem(f"参数 {name} 在 {on.isoformat()} 的取值 {value!r} 不可用：{wanted}")


# --- reading the request ---------------------------------------------------------------------------


def _calculate(raw: Mapping[str, Any], parameters: Parameters) -> _Calculation:
    request = parse_request(raw)
    rules = read_temporary_rules(parameters, request.as_of)
    months = min(request.months, rules.months_cap)
    return _Calculation(request, rules, months, rules.standard * request.persons * months)


def parse_request(raw: Any) -> Request:
    """The request JSON as typed values (the BPMN helper passes task data straight in)."""
    if not isinstance(raw, Mapping):
        _invalid("request", "必须是对象")
    as_of = raw.get("as_of")
    if not (isinstance(as_of, str) and _ISO_DATE.fullmatch(as_of)):
        _invalid("as_of", "必须是有效日期（YYYY-MM-DD）")
    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        _invalid("as_of", "必须是有效日期（YYYY-MM-DD）")
    existing = raw.get("existing_recipient", False)
    if not isinstance(existing, bool):
        _invalid("existing_recipient", "必须是 true 或 false")
    return Request(
        as_of=day,
        kind=_choice(raw, "kind", TEMPORARY_KINDS),
        cause=_choice(raw, "cause", TEMPORARY_CAUSES),
        persons=_whole(raw, "persons", MAX_PERSONS),
        months=_whole(raw, "months", MAX_MONTHS),
        household_type=_choice(raw, "household_type", HOUSEHOLD_TYPES),
        existing_recipient=existing,
    )


def _invalid(path: str, message: str) -> NoReturn:
    raise InvalidData(f"临时救助测算数据有误：{path}：{message}", fields={path: [message]})


def _choice(data: Mapping[str, Any], key: str, choices: Mapping[str, str]) -> str:
    value = data.get(key)
    if not isinstance(value, str) or value not in choices:
        _invalid(key, f"必须是以下之一：{'、'.join(choices)}")
    return value


def _whole(data: Mapping[str, Any], key: str, most: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        _invalid(key, f"必须是 1 到 {most} 的整数")
    return value


def _amount_value(value: Any, path: str) -> Decimal:
    amount: Decimal | None = None
    if isinstance(value, str | int | Decimal) and not isinstance(value, bool):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        _invalid(path, '必须是不小于 0 的金额（如 "3200.00"）')
    return amount


# --- small helpers -------------------------------------------------------------------------------


def _money(amount: Decimal) -> str:
    """Two decimals, rounded half-up; the one rounding every output amount goes through."""
    rounded = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"{rounded.copy_abs() if rounded == 0 else rounded:f}"


def _plain(number: Decimal) -> str:
    """A multiplier as people write it: 4, 4.5 (no trailing zeros, no exponent)."""
    return f"{number.normalize():f}"
