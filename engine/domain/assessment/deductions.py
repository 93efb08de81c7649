"""What is taken off the counted income before it is divided: 刚性支出 (rigid expenses, at the region's
rate) and 蚌埠's 就业成本 (part of a new job's pay that existing rural recipients keep for a while).

Both are regional: a rate of 0 switches a deduction off, and the lines say so when it would have applied.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from engine.domain.assessment.explanation import money, percent, plain
from engine.domain.assessment.household import Household
from engine.domain.assessment.rules import Rules
from engine.domain.vocabulary import EXPENSE_KINDS

_WORKING = frozenset({"employed", "self_employed"})


def rigid_expense_deduction(household: Household, rules: Rules, lines: list[str]) -> Decimal:
    expenses = household.rigid_expenses
    total = sum((e.monthly for e in expenses), Decimal(0))
    if total == 0:
        return Decimal(0)
    rate = rules.rigid_expense_rate
    if rate == 0:
        lines.append(f"刚性支出 {money(total)} 元不扣减（本地区未启用刚性支出扣减）")
        return Decimal(0)
    by_kind: dict[str, Decimal] = {}
    for expense in expenses:
        by_kind[expense.kind] = by_kind.get(expense.kind, Decimal(0)) + expense.monthly
    parts = "、".join(f"{EXPENSE_KINDS[k]} {money(v)} 元" for k, v in by_kind.items() if v > 0)
    deduction = total * rate
    lines.append(f"刚性支出 {money(total)} 元（{parts}）按 {percent(rate)} 扣减 {money(deduction)} 元")
    return deduction


def employment_cost_deduction(household: Household, rules: Rules, as_of: date, lines: list[str]) -> Decimal:
    """蚌埠's 就业成本: existing rural recipients keep part of a new job's pay for a while."""
    working = [m for m in household.members if m.employment_status in _WORKING]
    if rules.employment_cost_rate == 0 or not working:
        return Decimal(0)
    if not (household.existing_recipient and household.registered_type == "rural"):
        lines.append("就业成本扣减只适用于已是低保对象的农村家庭，本户不扣减")
        return Decimal(0)
    months = rules.employment_cost_months
    each = rules.minimum_wage * rules.employment_cost_rate
    total = Decimal(0)
    for member in working:
        started = member.employment_started
        if started is None:
            lines.append(f"{member.name}未填写就业开始日期，不扣减就业成本")
        elif started > as_of:
            lines.append(f"{member.name}的就业开始日期 {started.isoformat()} 晚于评估日期，不扣减就业成本")
        elif as_of >= add_months(started, months):
            lines.append(f"{member.name}自 {started.isoformat()} 就业已满 {months} 个月，不再扣减就业成本")
        else:
            total += each
            lines.append(
                f"{member.name}自 {started.isoformat()} 就业未满 {months} 个月，扣减就业成本 {money(each)} 元"
                f"（最低工资 {money(rules.minimum_wage)} 元 × {plain(rules.employment_cost_rate)}）"
            )
    return total


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the month's last day where there is none."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
