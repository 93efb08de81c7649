"""渐退 (gradual exit) and re-check scheduling (docs/rules.md#gradual-exit, docs/rules.md#re-checks,
docs/rules.md#choices).

A re-check that finds per-capita income at or above the standard leads either to 渐退, a period in
which the benefit continues before it stops, or to a plain stop with written reasons. The gateways
of docs/rules.md#gradual-exit are decided here from the region's parameters, so the BPMN only routes on the result:

1. was the rise caused by something the region accepts (`gradual_exit_causes`: national and 会宁
   employment only; 烟台 and 泰安 also other improvements; 蚌埠 any rise)?
2. special-group caution (`gradual_exit_caution_groups`, 烟台: 老弱病残, 脱贫享受政策人口, 监测对象);
3. months within the region's range, over 6 flagged against the national guidance (通知2022), and
   a fixed period for registered formerly-poor households where a region says so (泰安: 6);
4. who decides (`gradual_exit_decider`: county, or township in 泰安).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from engine.domain.assessment import add_months
from engine.domain.id_numbers import birth_date

NATIONAL_MAX_MONTHS = 6
CAUSES = {"employment": "就业或创业", "improvement": "其他家庭条件改善（如赡养费增加）", "other": "其他原因"}
CAUTION_GROUPS = {
    "elderly": "老年人（60岁以上）",
    "disabled": "残疾人",
    "ill": "重病患者",
    "poverty_alleviation": "脱贫享受政策人口或监测对象",
}
ELDERLY_AGE = 60
WORKING_AGE = (16, 59)
# Irregular income: work that does not pay a steady wage.
_IRREGULAR = frozenset({"self_employed", "unemployed", "none"})

Param = Callable[[str], Any]


def _names(value: Any) -> set[str]:
    return {part.strip() for part in str(value or "").split(",") if part.strip()}


def _age(member: Mapping[str, Any], on: date) -> int | None:
    try:
        born = birth_date(str(member.get("id_number") or ""))
    except ValueError:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def caution_reasons(household: Mapping[str, Any], groups: set[str], on: date) -> list[str]:
    reasons: list[str] = []
    for member in household.get("members") or []:
        name = str(member.get("name") or "")
        age = _age(member, on)
        if "elderly" in groups and age is not None and age >= ELDERLY_AGE:
            reasons.append(f"{name}：{CAUTION_GROUPS['elderly']}")
        if "disabled" in groups and member.get("disability"):
            reasons.append(f"{name}：{CAUTION_GROUPS['disabled']}")
        if "ill" in groups and member.get("major_illness"):
            reasons.append(f"{name}：{CAUTION_GROUPS['ill']}")
    if "poverty_alleviation" in groups and household.get("poverty_alleviation_registered"):
        reasons.append(f"全户：{CAUTION_GROUPS['poverty_alleviation']}")
    return reasons


def exit_rules(household: Mapping[str, Any], cause: str, on: date, param: Param) -> dict[str, Any]:
    """What the region allows for this household's exit; JSON-safe, kept in the workflow data."""
    accepted = _names(param("gradual_exit_causes"))
    allowed = "any" in accepted or cause in accepted
    explanation = [
        f"收入增加的原因：{CAUSES.get(cause, cause)}；本地区可渐退的原因："
        + ("任何原因" if "any" in accepted else "、".join(CAUSES.get(c, c) for c in sorted(accepted)))
    ]
    low, high = int(param("gradual_exit_min_months")), int(param("gradual_exit_max_months"))
    fixed = int(param("gradual_exit_registered_poor_months"))
    if fixed and household.get("poverty_alleviation_registered"):
        low = high = fixed
        explanation.append(f"建档立卡（脱贫）家庭的渐退期固定为 {fixed} 个月")
    reasons = caution_reasons(household, _names(param("gradual_exit_caution_groups")), on)
    if reasons:
        explanation.append("涉及需审慎退出的特殊群体：" + "；".join(reasons))
    if allowed:
        explanation.append(f"可给予 {low}–{high} 个月渐退期")
        if high > NATIONAL_MAX_MONTHS:
            explanation.append(f"注意：本地区上限 {high} 个月超过全国“原则上不超过 {NATIONAL_MAX_MONTHS} 个月”的规定")
    else:
        explanation.append("不符合渐退条件，应依法停发并书面说明理由")
    return {
        "allowed": allowed,
        "cause": cause,
        "caution": bool(reasons),
        "caution_reasons": reasons,
        "min_months": low,
        "max_months": high,
        "decider": str(param("gradual_exit_decider")),
        "explanation": explanation,
    }


def months_problems(data: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, list[str]]:
    """Form rule: the chosen months lie in the range the workflow computed for this household."""
    rules = context.get("exit_rules")
    months = data.get("months")
    if data.get("decision") not in (None, "approve") or not isinstance(rules, Mapping) or months is None:
        return {}
    low, high = int(rules["min_months"]), int(rules["max_months"])
    if not low <= int(months) <= high:
        allowed = f"{low} 个月" if low == high else f"{low}–{high} 个月"
        return {"months": [f"渐退期（月）：本地区规定为 {allowed}，不能为 {months} 个月"]}
    return {}


def months_hints(context: Mapping[str, Any]) -> dict[str, str]:
    """The range of months_problems as help text, so the form says it before a submit is refused."""
    rules = context.get("exit_rules")
    if not isinstance(rules, Mapping) or "min_months" not in rules or "max_months" not in rules:
        return {}
    low, high = int(rules["min_months"]), int(rules["max_months"])
    allowed = f"{low} 个月" if low == high else f"{low}–{high} 个月"
    return {"months": f"本户可填：{allowed}（本地区参数）。"}


def exit_period(start: date, months: int) -> dict[str, Any]:
    """The 渐退 period from the month after the decision; the benefit stops on `ends_on`."""
    first = add_months(date(start.year, start.month, 1), 1)
    ends_on = add_months(first, months)
    return {
        "months": months,
        "starts_on": first.isoformat(),
        "ends_on": ends_on.isoformat(),
        "exceeds_national_guidance": months > NATIONAL_MAX_MONTHS,
    }


def review_interval_months(household: Mapping[str, Any], on: date, param: Param) -> int:
    """Re-check every 12 months, or every 6 when a working-age member has irregular income (审确 Art. 31)."""
    low, high = WORKING_AGE
    for member in household.get("members") or []:
        age = _age(member, on)
        status = (member.get("employment") or {}).get("status")
        if age is not None and low <= age <= high and status in _IRREGULAR:
            return int(param("review_interval_irregular_months"))
    return int(param("review_interval_stable_months"))
