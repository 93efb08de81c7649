"""单人户: a severely disabled or severely ill member of a 边缘 household may be covered alone
(docs/rules.md#single-person-households). Which members count as 重残 or 重病, why the others do not, and what each
would get.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from engine.domain.assessment.decision import disabled_topup
from engine.domain.assessment.explanation import money
from engine.domain.assessment.household import Household, Member
from engine.domain.assessment.rules import Rules


def single_person_members(household: Household, rules: Rules, category: str, lines: list[str]) -> list[dict[str, Any]]:
    """The members covered alone ({"name", "reason", "benefit_amount"}): only ever of a 边缘 household."""
    listed: list[dict[str, Any]] = []
    for member in household.members:
        grounds, refusals = _grounds(household, rules, member)
        if category != "marginal":
            if grounds and category == "none":
                lines.append(
                    f"{member.name}（{'；'.join(grounds.values())}）：家庭不属于低保边缘家庭，不能按单人户单独纳入"
                )
            continue
        if not grounds:
            lines.extend(f"{member.name}{why}，不能按单人户单独纳入" for why in refusals)
            continue
        entry = _single_person(household, rules, member, grounds, lines)
        if entry is not None:
            listed.append(entry)
    return listed


def _grounds(household: Household, rules: Rules, member: Member) -> tuple[dict[str, str], list[str]]:
    """Why a member counts as 重残 / 重病 (reason → detail), and why not where it might have."""
    grounds: dict[str, str] = {}
    refusals: list[str] = []
    disability = member.disability
    if disability is not None:
        if disability.severe:
            grounds["重残"] = f"重残：{disability.label}"
        else:
            refusals.append(f"为{disability.label}，不属于重残（一、二级残疾或三级智力、精神残疾）")
    if member.major_illness:
        grounds["重病"] = "重病：患重特大疾病"
    elif member.self_paid_medical_last_year > 0:
        paid = money(member.self_paid_medical_last_year)
        last_year = household.last_year_total_income
        if not rules.medical_cost_test:
            refusals.append(f"上年自付医疗费用 {paid} 元，但未患重特大疾病（本地区不按医疗费用认定重病）")
        elif last_year is None:
            refusals.append(f"上年自付医疗费用 {paid} 元，但未填写上年家庭总收入，无法按医疗费用认定重病")
        elif member.self_paid_medical_last_year > last_year:
            grounds["重病"] = f"重病：上年自付医疗费用 {paid} 元超过上年家庭总收入 {money(last_year)} 元"
        else:
            refusals.append(f"上年自付医疗费用 {paid} 元未超过上年家庭总收入 {money(last_year)} 元，不属于重病")
    return grounds, refusals


def _single_person(
    household: Household, rules: Rules, member: Member, grounds: Mapping[str, str], lines: list[str]
) -> dict[str, Any] | None:
    s = rules.standard(household.registered_type)
    # The person is assessed alone (n = 1) on their own income (docs/rules.md#single-person-households, [U] resolved
    # this way): the same exclusions apply, the household's deductions do not.
    own = sum((i.monthly for i in member.incomes if i.kind not in rules.excluded_kinds), Decimal(0))
    detail = "；".join(grounds.values())
    if own >= s:
        lines.append(
            f"{member.name}（{detail}）本人月收入 {money(own)} 元不低于低保标准 {money(s)} 元，不能按单人户纳入低保"
        )
        return None
    gap = s - own
    topup = disabled_topup(household, rules) if member.disability is not None else Decimal(0)
    line = f"{member.name}（{detail}）可按单人户纳入低保：补差 {money(s)} − 本人月收入 {money(own)} = {money(gap)} 元"
    if topup > 0:
        line += f"，加发残疾人补贴 {money(topup)} 元，合计 {money(gap + topup)} 元"
    lines.append(line)
    return {"name": member.name, "reason": "、".join(grounds), "benefit_amount": money(gap + topup)}
