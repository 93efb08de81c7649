"""The catalogue entries of the 特困 assessment's parameters (docs/tekun-assessment.md): the basic and care
standards, what counts as no ability to work, no income and no able supporter, and the ADL care tiers.
engine.domain.parameter_catalogue_data adds this topic to its own."""

from __future__ import annotations

from engine.domain.vocabulary import DISABILITY_TYPES
from engine.domain.vocabulary_tekun import (
    INCOME_THRESHOLDS,
    TEKUN_CARE_TIERS,
    TEKUN_INCOME_KINDS,
    TEKUN_SUPPORTER_STATUSES,
)

Raw = dict[str, object]

_UNABLE_STATUSES = tuple((code, label) for code, label in TEKUN_SUPPORTER_STATUSES.items() if code != "able")
_WAGE_SHARES = {"self_care": "1/10", "partial": "1/6", "full": "1/3"}


def _care_divisor(tier: str) -> tuple[str, Raw]:
    name = TEKUN_CARE_TIERS[tier]
    return f"tekun_care_wage_divisor_{tier}", {
        "label": f"照料护理标准除数：{name}",
        "kind": "decimal",
        "help": f"{name}的特困人员每月照料护理标准 = 上年月最低工资标准 ÷ 该数；"
        f"例如 {_WAGE_SHARES[tier].split('/')[1]} 即最低工资的 {_WAGE_SHARES[tier]}。",
    }


TEKUN_GROUPS: dict[str, dict[str, Raw]] = {
    "特困人员认定": {
        "tekun_basic_multiplier": {
            "label": "特困基本生活标准倍数",
            "kind": "decimal",
            "unit": "倍",
            "help": "特困人员基本生活标准 = 低保标准 × 该倍数（如烟台 1.4、会宁 1.3）。",
        },
        "tekun_income_threshold": {
            "label": "无生活来源的收入标准",
            "kind": "choice",
            "choices": tuple(INCOME_THRESHOLDS.items()),
            "help": "计入的收入低于该标准才符合“无生活来源”：特困人员认定办法第六条为当地低保标准。",
        },
        "tekun_excluded_income_kinds": {
            "label": "特困认定中不计入收入的类别",
            "kind": "choices",
            "empty_ok": True,
            "choices": tuple(TEKUN_INCOME_KINDS.items()),
            "help": "认定是否“无生活来源”时不计入的收入；全国规定基础养老金、高龄津贴和社会保险待遇等不计入。",
        },
        "tekun_elderly_age": {
            "label": "无劳动能力的老年人年龄",
            "kind": "integer",
            "unit": "周岁",
            "help": "年满该周岁的申请人视为无劳动能力（全国 60 周岁）。",
        },
        "tekun_minor_age": {
            "label": "无劳动能力的未成年人年龄",
            "kind": "integer",
            "unit": "周岁",
            "help": "未满该周岁的申请人视为无劳动能力（全国 16 周岁）。",
        },
        "tekun_disability_max_grade": {
            "label": "视为无劳动能力的残疾等级",
            "kind": "integer",
            "unit": "级",
            "help": "残疾等级不高于该级（任何类别）的申请人视为无劳动能力；2 即一、二级残疾。",
        },
        "tekun_disability_grade3_types": {
            "label": "视为无劳动能力的三级残疾类别",
            "kind": "choices",
            "empty_ok": True,
            "choices": tuple(DISABILITY_TYPES.items()),
            "help": "三级残疾中属这些类别的申请人也视为无劳动能力（全国为智力、精神残疾）。",
        },
        "tekun_unable_supporter_statuses": {
            "label": "视为无履行义务能力的义务人状况",
            "kind": "choices",
            "empty_ok": True,
            "choices": _UNABLE_STATUSES,
            "help": "法定赡养、抚养、扶养义务人处于这些状况之一的，视为无履行义务能力。",
        },
        "tekun_adl_partial_min_failed": {
            "label": "半护理起点（不能自理项数）",
            "kind": "integer",
            "unit": "项",
            "help": "生活自理能力 6 项指标中不能自理的项数达到该值为半护理，0 项为全自理。",
        },
        "tekun_adl_full_min_failed": {
            "label": "全护理起点（不能自理项数）",
            "kind": "integer",
            "unit": "项",
            "help": "生活自理能力 6 项指标中不能自理的项数达到该值为全护理；须大于半护理起点。",
        },
        **dict(_care_divisor(tier) for tier in TEKUN_CARE_TIERS),
    },
}


# The procedure's limits and the county's sample (docs/tekun.md), in a group of their own.
TEKUN_PROCEDURE_GROUPS: dict[str, dict[str, Raw]] = {
    "特困人员认定程序": {
        "tekun_first_review_days": {
            "label": "乡镇调查及初审时限",
            "kind": "integer",
            "unit": "工作日",
            "help": "乡镇自受理之日起完成入户调查并提出初审意见的时限（特认第十五条：15 个工作日）；"
            "公示有异议重新调查的，自决定重新调查起重新计算。",
        },
        "tekun_decision_days": {
            "label": "县级审核确认时限",
            "kind": "integer",
            "unit": "工作日",
            "help": "县级民政部门自收到乡镇上报材料之日起提出确认意见的时限（特认第十六条：15 个工作日），含随机抽查。",
        },
        "tekun_sample_ratio": {
            "label": "县级随机抽查比例",
            "kind": "decimal",
            "help": "县级对待确认案件随机抽查核实的比例，样本数 = 待确认案件数 × 比例，向上取整；"
            "特认第十六条规定不得低于 0.3（30%），最高 1（全部抽查）。",
        },
        "tekun_reassessment_days": {
            "label": "护理档次重新评估时限",
            "kind": "integer",
            "unit": "工作日",
            "help": "特困人员生活自理能力发生变化、报告后重新评估并调整护理档次的时限。",
        },
        "tekun_review_months": {
            "label": "特困人员复核间隔",
            "kind": "integer",
            "unit": "个月",
            "help": "特困人员定期复核的间隔（每年一次即 12）。",
        },
    },
}
