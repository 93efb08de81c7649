"""One run of the 特困 assessment (docs/tekun-assessment.md): the three conditions, the care tier from the
ADL indicators, the basic and care standards, each adding the Chinese line that explains it.

basic = tekun_basic_multiplier × the 低保 standard (urban unless the person is rural);
care = last year's minimum wage ÷ the tier's divisor; total = basic + care when all three conditions hold.
Amounts stay exact Decimals and are rounded half-up to the cent once, on the way out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Context, Decimal, localcontext
from typing import Any

from engine.domain.assessment.explanation import money, plain
from engine.domain.parameters import Parameters
from engine.domain.tekun.rules import TekunRules, read_tekun_rules
from engine.domain.tekun.shape import TekunRequest, parse_tekun_request
from engine.domain.vocabulary import REGISTERED_TYPES
from engine.domain.vocabulary_tekun import (
    TEKUN_ADL_INDICATORS,
    TEKUN_CARE_TIERS,
    TEKUN_CONDITIONS,
    TEKUN_INCOME_KINDS,
    TEKUN_SUPPORTER_RELATIONS,
    TEKUN_SUPPORTER_STATUSES,
)

_PRECISION = Context(prec=50)

# Why an excluded kind is left out: the two the 特困 rules add by name, the rest as the 低保 rules do.
_EXCLUSION_GROUNDS = {
    "old_age_allowance": "特困人员认定办法第六条",
    "social_insurance": "特困人员认定办法第六条",
}
_DIBAO_GROUND = "与低保家庭收入计算相同的不计入项目"


def assess_tekun(raw: Mapping[str, Any], parameters: Parameters, region: str) -> dict[str, Any]:
    """The 特困 assessment of a request JSON; InvalidData for bad input, ParameterProblem for a bad region."""
    request = parse_tekun_request(raw)
    rules = read_tekun_rules(parameters, request.as_of)
    with localcontext(_PRECISION):
        return _result(request, rules, region)


def age_on(birth: date, day: date) -> int:
    """Whole years of age on `day` (a 29 February birthday is reached on 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _result(request: TekunRequest, rules: TekunRules, region: str) -> dict[str, Any]:
    lines: list[str] = []
    s = rules.dibao_standard(request.registered_type)
    basic = rules.basic_multiplier * s
    kind = REGISTERED_TYPES[request.registered_type]
    lines.append(f"基本生活标准 = {kind}低保标准 {money(s)} × {plain(rules.basic_multiplier)} = {money(basic)} 元/月")
    age = age_on(request.birth_date, request.as_of)
    conditions = {
        "no_work_ability": _no_work_ability(request, rules, age, lines),
        "no_income": _no_income(request, rules, basic, lines),
        "no_supporter": _no_supporter(request, rules, lines),
    }
    eligible = all(conditions.values())
    tier = rules.care_tier(request.failed_count)
    care = rules.last_year_minimum_wage / rules.care_divisors[tier]
    lines.append(_adl_line(request, tier))
    lines.append(
        f"照料护理标准（{TEKUN_CARE_TIERS[tier]}）= 上年月最低工资 {money(rules.last_year_minimum_wage)}"
        f" ÷ {plain(rules.care_divisors[tier])} = {money(care)} 元/月"
    )
    total = basic + care if eligible else Decimal(0)
    # Eligible: the three conditions met; not eligible: the ones that fail.
    verdict = "符合" if eligible else "不符合"
    reasons = [f"{verdict}：{TEKUN_CONDITIONS[name]}" for name, met in conditions.items() if met == eligible]
    if eligible:
        lines.append(f"三项条件均符合，可认定为特困人员：每月 {money(basic)} + {money(care)} = {money(total)} 元")
    else:
        lines.append("不符合特困人员认定条件，不予供养（基本生活标准和照料护理标准仅供参考）")
    return {
        "region": region,
        "as_of": request.as_of.isoformat(),
        "age": age,
        "eligible": eligible,
        "conditions": conditions,
        "reasons": reasons,
        "dibao_standard": money(s),
        "countable_income": money(_countable(request, rules)),
        "basic": money(basic),
        "adl_failed": request.failed_count,
        "care_tier": tier,
        "last_year_minimum_wage": money(rules.last_year_minimum_wage),
        "care": money(care),
        "total": money(total),
        "explanation": lines,
    }


def _no_work_ability(request: TekunRequest, rules: TekunRules, age: int, lines: list[str]) -> bool:
    if age >= rules.elderly_age:
        lines.append(f"年满 {rules.elderly_age} 周岁（{age} 周岁），视为无劳动能力")
        return True
    if age < rules.minor_age:
        lines.append(f"未满 {rules.minor_age} 周岁（{age} 周岁），视为无劳动能力")
        return True
    disability = request.disability
    if disability is not None and rules.severely_disabled(disability):
        lines.append(f"{disability.label}，属重度残疾，视为无劳动能力")
        return True
    held = f"，{disability.label}不属于重度残疾" if disability is not None else "，无重度残疾"
    lines.append(f"{age} 周岁，处于劳动年龄{held}：不符合无劳动能力条件")
    return False


def _countable(request: TekunRequest, rules: TekunRules) -> Decimal:
    return sum((i.monthly for i in request.incomes if i.kind not in rules.excluded_kinds), Decimal(0))


def _no_income(request: TekunRequest, rules: TekunRules, basic: Decimal, lines: list[str]) -> bool:
    for income in request.incomes:
        if income.kind in rules.excluded_kinds and income.monthly > 0:
            ground = _EXCLUSION_GROUNDS.get(income.kind, _DIBAO_GROUND)
            lines.append(f"{TEKUN_INCOME_KINDS[income.kind]} {money(income.monthly)} 元不计入收入（{ground}）")
    countable = _countable(request, rules)
    if rules.income_threshold == "tekun_basic":
        threshold, named = basic, "基本生活标准"
    else:
        threshold, named = rules.dibao_standard(request.registered_type), "低保标准"
    if countable < threshold:
        lines.append(f"计入收入 {money(countable)} 元/月，低于{named} {money(threshold)} 元：符合无生活来源条件")
        return True
    lines.append(f"计入收入 {money(countable)} 元/月，不低于{named} {money(threshold)} 元：不符合无生活来源条件")
    return False


def _no_supporter(request: TekunRequest, rules: TekunRules, lines: list[str]) -> bool:
    if not request.supporters:
        lines.append("无法定赡养、抚养、扶养义务人")
        return True
    able = 0
    for supporter in request.supporters:
        who = TEKUN_SUPPORTER_RELATIONS[supporter.relation]
        status = TEKUN_SUPPORTER_STATUSES[supporter.status]
        if supporter.status in rules.unable_statuses:
            lines.append(f"法定义务人（{who}）为{status}，无履行义务能力")
        else:
            able += 1
            lines.append(f"法定义务人（{who}）{status}：视为有履行义务能力")
    if able:
        lines.append(f"有 {able} 名法定义务人有履行义务能力：不符合无法定义务人条件")
    return able == 0


def _adl_line(request: TekunRequest, tier: str) -> str:
    if request.adl_failed is None:
        detail = ""
    else:
        failed = [name for name, out in zip(TEKUN_ADL_INDICATORS, request.adl_failed, strict=True) if out]
        detail = f"（{'、'.join(failed)}）" if failed else ""
    six, failed_count = len(TEKUN_ADL_INDICATORS), request.failed_count
    return f"生活自理能力 {six} 项指标中 {failed_count} 项不能自理{detail}，护理档次：{TEKUN_CARE_TIERS[tier]}"
