"""The codes a household JSON may hold, with the Chinese names the explanation lines use for them.

The household form (forms/definitions) offers exactly these codes (a test holds the two together), the
parser refuses any other, and the assessment's sentences name each one in Chinese. Kept apart from the
rules so that the form, the parser and the lines read one list.
"""

from __future__ import annotations

CATEGORIES = ("dibao", "marginal", "none")
INCOME_KINDS: dict[str, str] = {
    "wage": "工资性收入",
    "business": "经营净收入",
    "property": "财产净收入",
    "transfer": "其他转移净收入",
    "support": "赡养（抚养、扶养）费",
    "basic_pension": "基础养老金",
    "pension": "养老金",
    "scholarship": "奖学金",
    "family_planning": "计划生育奖励与扶助金",
    "veteran_allowance": "优待抚恤金",
    "reward": "见义勇为等奖励",
    "assistance": "政府救助款物",
    "old_age_allowance": "高龄津贴",
    "other": "其他收入",
}
EXPENSE_KINDS: dict[str, str] = {
    "medical": "医疗支出",
    "education": "教育支出",
    "disability": "残疾康复支出",
    "care": "护理支出",
}
DISABILITY_TYPES: dict[str, str] = {
    "physical": "肢体残疾",
    "intellectual": "智力残疾",
    "mental": "精神残疾",
    "visual": "视力残疾",
    "hearing": "听力残疾",
    "speech": "言语残疾",
    "multiple": "多重残疾",
}
DISABILITY_GRADES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
RELATIONS = ("self", "spouse", "child", "parent", "grandparent", "grandchild", "sibling", "other")
EMPLOYMENT_STATUSES = ("employed", "self_employed", "unemployed", "retired", "student", "none")
REGISTERED_TYPES: dict[str, str] = {"urban": "城镇", "rural": "农村"}
