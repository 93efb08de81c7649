"""The decision and the benefit: the household's category from its per-capita income (低保 below the
standard S, 边缘 below m·S, both only when its property passes) and, for 低保, the 补差 (S − p) × n plus
the disabled top-up.
"""

from __future__ import annotations

from decimal import Decimal

from engine.domain.assessment.explanation import money, plain
from engine.domain.assessment.household import Household
from engine.domain.assessment.rules import Rules


def category(household: Household, rules: Rules, per_capita: Decimal, lines: list[str]) -> str:
    """The category code, one of codes.CATEGORIES: "dibao", "marginal" or "none"."""
    s, m = rules.standard(household.registered_type), rules.marginal_multiplier
    ceiling = s * m
    p = money(per_capita)
    if not household.assets_pass:
        lines.append("家庭财产不符合规定：不予认定低保，也不属于低保边缘家庭")
        return "none"
    if per_capita < s:
        lines.append(f"人均收入 {p} 元低于低保标准 {money(s)} 元，家庭财产符合规定：符合低保条件")
        return "dibao"
    if per_capita < ceiling:
        lines.append(
            f"人均收入 {p} 元不低于低保标准 {money(s)} 元、低于标准的 {plain(m)} 倍 {money(ceiling)} 元："
            "不符合低保条件，属于低保边缘家庭"
        )
        return "marginal"
    lines.append(
        f"人均收入 {p} 元不低于低保标准的 {plain(m)} 倍 {money(ceiling)} 元：不符合低保条件，也不属于低保边缘家庭"
    )
    return "none"


def benefit(household: Household, rules: Rules, net: Decimal, lines: list[str]) -> Decimal:
    """The monthly 补差 of a 低保 household whose income after deductions is `net`."""
    s, n = rules.standard(household.registered_type), len(household.members)
    # (S − p) × n with p = net / n is S × n − net; computed this way it is exact.
    gap = s * n - net
    per_capita = net / n
    if Decimal(money(per_capita)) == per_capita:
        lines.append(f"补差 =（{money(s)} − {money(per_capita)}）× {n} = {money(gap)} 元")
    else:
        lines.append(f"补差 = {money(s)} × {n} − {money(net)} = {money(gap)} 元（按未舍入的人均收入计算）")
    disabled = [m for m in household.members if m.disability is not None]
    topup = disabled_topup(household, rules) * len(disabled)
    if topup == 0:
        return gap
    lines.append(
        f"残疾人加发 {len(disabled)} 人 × 低保标准 {money(s)} 元 × {plain(rules.disabled_topup_multiplier)}"
        f" = {money(topup)} 元；月补差合计 {money(gap + topup)} 元"
    )
    return gap + topup


def disabled_topup(household: Household, rules: Rules) -> Decimal:
    """What each disabled member adds to the benefit: the standard times the region's multiplier."""
    return rules.standard(household.registered_type) * rules.disabled_topup_multiplier
