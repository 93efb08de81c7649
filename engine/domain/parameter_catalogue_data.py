"""The national parameter catalogue as data (engine.domain.parameter_catalogue reads it): for every
parameter key its topic, Chinese name, help for a designer, type, unit and fixed choices.

A parameter in any region's parameters.toml must have an entry here (tests/unit/test_parameter_catalogue.py).
Choices are listed in the order the files write them, so a list saved unchanged keeps its text.
"""

from __future__ import annotations

from engine.domain.parameter_catalogue_tekun import TEKUN_GROUPS, TEKUN_PROCEDURE_GROUPS
from engine.domain.parameter_catalogue_window import WINDOW_GROUPS
from engine.domain.vocabulary import ROLE_LABELS

Raw = dict[str, object]


def _roles(*keys: str) -> tuple[tuple[str, str], ...]:
    return tuple((key, ROLE_LABELS[key]) for key in keys)


_CASE_ROLES = ("township_clerk", "township_head", "county_clerk", "county_approver")
_DECIDERS = (("county", "县民政部门"), ("township", "乡镇（街道）"))

# Topic → parameter → entry (label, kind, help, and unit, choices, empty_ok where they apply); the topics in
# the order the form shows them.
_BY_GROUP: dict[str, dict[str, Raw]] = {
    "保障标准与计算": {
        "dibao_standard_urban": {
            "label": "城市低保标准（元/人·月）",
            "kind": "money",
            "help": "城市低保对象每人每月的保障标准；家庭人均收入低于它可纳入低保，临时救助也按它计算金额。",
        },
        "dibao_standard_rural": {
            "label": "农村低保标准（元/人·月）",
            "kind": "money",
            "help": "农村低保对象每人每月的保障标准；城乡统一的地区与城市标准填同一数额。",
        },
        "minimum_wage": {
            "label": "月最低工资标准（元）",
            "kind": "money",
            "help": "当地月最低工资标准，用于计算就业成本扣减。",
        },
        "marginal_multiplier": {
            "label": "低保边缘家庭收入倍数",
            "kind": "decimal",
            "unit": "倍",
            "help": "人均收入不低于低保标准、但低于“低保标准 × 该倍数”的家庭认定为低保边缘家庭，例如 1.5。",
        },
        "excluded_income_kinds": {
            "label": "不计入家庭收入的收入类别",
            "kind": "choices",
            "empty_ok": True,
            "choices": (
                ("basic_pension", "城乡居民基础养老金"),
                ("scholarship", "奖学金"),
                ("family_planning", "计划生育奖励与扶助"),
                ("veteran_allowance", "优待抚恤金"),
                ("reward", "见义勇为等奖励"),
                ("assistance", "政府救助款物"),
            ),
            "help": "勾选的收入类别不计入家庭收入；都不勾选表示所有收入都计入。",
        },
        "rigid_expense_deduction_rate": {
            "label": "刚性支出扣减比例",
            "kind": "decimal",
            "unit": "比例",
            "help": "医疗、教育、残疾康复、护理等刚性支出从家庭收入中扣减的比例：1 为全额扣减，0 为不扣减。",
        },
        "employment_cost_deduction_rate": {
            "label": "就业成本扣减比例",
            "kind": "decimal",
            "unit": "比例",
            "help": "已是低保对象的农村家庭中新就业的成员，每人扣减“月最低工资 × 该比例”；0 表示不扣减。",
        },
        "employment_cost_deduction_months": {
            "label": "就业成本扣减月数",
            "kind": "integer",
            "unit": "个月",
            "help": "自开始就业之日起，在这些月数内扣减就业成本。",
        },
        "disabled_topup_multiplier": {
            "label": "残疾人加发倍数",
            "kind": "decimal",
            "unit": "倍",
            "help": "低保家庭中每名持证残疾人加发“低保标准 × 该倍数”；0 表示不加发。",
        },
        "single_person_medical_cost_test": {
            "label": "单人户按医疗支出认定重病",
            "kind": "boolean",
            "help": "选“是”时，上年自付医疗费用超过上年家庭总收入的单人户成员也按重病患者认定。",
        },
    },
    "办理时限": {
        "legal_limit_days": {
            "label": "低保法定办理时限",
            "kind": "integer",
            "unit": "工作日",
            "help": "自受理之日起审核确认低保申请的期限。",
        },
        "legal_limit_extended_days": {
            "label": "延长后的最长办理时限",
            "kind": "integer",
            "unit": "工作日",
            "help": "有异议、人户分离、异地申办或调查困难等正当理由延长时，最长可到的期限。",
        },
        "supplement_deadline_days": {
            "label": "材料补正期限",
            "kind": "integer",
            "unit": "天",
            "help": "一次性告知书上写明的补正材料期限，自出具之日起计算。",
        },
    },
    "公示与评议": {
        "notice_days": {
            "label": "公示天数",
            "kind": "integer",
            "unit": "天",
            "help": "审核意见张榜公示的天数，公示期满无异议才进入下一步。",
        },
        "renotice_after_objection": {
            "label": "异议处理后再次公示",
            "kind": "boolean",
            "help": "选“是”时，公示期间有异议、经核实处理后要重新公示一次。",
        },
        "democratic_review_mode": {
            "label": "民主评议方式",
            "kind": "choice",
            "choices": (
                ("on_objection", "仅在公示有异议时评议"),
                ("always", "每案都评议"),
                ("discretionary", "由乡镇视情决定"),
            ),
            "help": "什么情况下组织民主评议。",
        },
        "democratic_review_pass_numerator": {
            "label": "评议通过比例（分子）",
            "kind": "integer",
            "help": "同意票占出席人数（不含回避）的比例写作“分子/分母”，例如三分之二填 2 和 3。",
        },
        "democratic_review_pass_denominator": {
            "label": "评议通过比例（分母）",
            "kind": "integer",
            "help": "与“评议通过比例（分子）”一起组成通过门槛。",
        },
        "democratic_review_min_panel": {
            "label": "最低评议人数",
            "kind": "integer",
            "unit": "人",
            "help": "有利害关系的人员回避后，参加评议的人员不得少于该人数。",
        },
        "democratic_review_attendance_numerator": {
            "label": "评议出席比例（分子）",
            "kind": "integer",
            "help": "出席人数须达到回避后评议人员的“分子/分母”，未达到的本次评议不成立。",
        },
        "democratic_review_attendance_denominator": {
            "label": "评议出席比例（分母）",
            "kind": "integer",
            "help": "与“评议出席比例（分子）”一起组成出席门槛。",
        },
        "democratic_review_rep_numerator": {
            "label": "居民代表比例（分子）",
            "kind": "integer",
            "help": "居民代表须占评议人员和出席人数的“分子/分母”。",
        },
        "democratic_review_rep_denominator": {
            "label": "居民代表比例（分母）",
            "kind": "integer",
            "help": "与“居民代表比例（分子）”一起组成居民代表门槛。",
        },
    },
    "动态复核与渐退": {
        "review_interval_stable_months": {
            "label": "收入稳定家庭的复核周期",
            "kind": "integer",
            "unit": "个月",
            "help": "收入稳定的低保家庭多久复核一次。",
        },
        "review_interval_irregular_months": {
            "label": "收入不固定家庭的复核周期",
            "kind": "integer",
            "unit": "个月",
            "help": "有劳动年龄成员且收入不固定的家庭多久复核一次。",
        },
        "review_decider": {
            "label": "复核后增发、减发的决定机关",
            "kind": "choice",
            "choices": _DECIDERS,
            "help": "复核后调整保障金额由谁决定。",
        },
        "gradual_exit_causes": {
            "label": "可以渐退的收入增加原因",
            "kind": "choices",
            "choices": (("employment", "就业创业"), ("improvement", "其他条件改善"), ("any", "任何原因")),
            "help": "家庭人均收入超过低保标准时，因勾选的原因增收的可以渐退，其余直接停发。至少勾选一项。",
        },
        "gradual_exit_min_months": {
            "label": "渐退期最短月数",
            "kind": "integer",
            "unit": "个月",
            "help": "渐退期的下限。",
        },
        "gradual_exit_max_months": {
            "label": "渐退期最长月数",
            "kind": "integer",
            "unit": "个月",
            "help": "渐退期的上限；全国规定原则上不超过 6 个月，超过时案件上会标注。",
        },
        "gradual_exit_registered_poor_months": {
            "label": "脱贫家庭固定渐退月数",
            "kind": "integer",
            "unit": "个月",
            "help": "建档立卡（脱贫）家庭的渐退期；0 表示不固定，按一般家庭处理。",
        },
        "gradual_exit_caution_groups": {
            "label": "需审慎退出的特殊群体",
            "kind": "choices",
            "empty_ok": True,
            "choices": (
                ("elderly", "老年人"),
                ("disabled", "残疾人"),
                ("ill", "重病患者"),
                ("poverty_alleviation", "脱贫享受政策人口或监测对象"),
            ),
            "help": "家庭中有勾选群体的成员时，退出前提示审慎处理；都不勾选表示不设。",
        },
        "gradual_exit_decider": {
            "label": "渐退的决定机关",
            "kind": "choice",
            "choices": _DECIDERS,
            "help": "渐退由谁决定。",
        },
    },
    "分级审批": {
        "township_approval_limit": {
            "label": "乡镇审批金额上限（元）",
            "kind": "money",
            "help": "申请金额不超过该数额的由乡镇直接审批，超过的报县级审批。",
        },
    },
    "临时救助": {
        "temporary_months_cap": {
            "label": "困难月数上限",
            "kind": "integer",
            "unit": "个月",
            "help": "救助金额 = 城市低保标准 × 人数 × 困难月数，困难月数最多按该月数计算。",
        },
        "temporary_township_limit_multiplier": {
            "label": "乡镇审批限额倍数",
            "kind": "decimal",
            "unit": "倍",
            "help": "乡镇审批限额 = 城市低保标准 × 该倍数；不超过限额的由乡镇审批。",
        },
        "advance_payment_hours": {
            "label": "急难型先行救助时限",
            "kind": "integer",
            "unit": "小时",
            "help": "急难型救助自登记起，乡镇须在该时限内从备用金先行发放。",
        },
        "temporary_paperwork_working_days": {
            "label": "先行救助后补办手续时限",
            "kind": "integer",
            "unit": "工作日",
            "help": "先行发放后补办审批手续的期限。",
        },
        "temporary_skip_investigation_for_recipients": {
            "label": "低保、特困对象免于收入财产调查",
            "kind": "boolean",
            "help": "选“是”时，本地低保、特困对象申请支出型救助只核实必要支出，不再调查家庭收入和财产。",
        },
        "temporary_repeat_needs_override": {
            "label": "同年同事由再次申请须县级同意",
            "kind": "boolean",
            "help": "选“是”时，同一申请人同一事由同一年度已获救助的，再次申请须县级民政部门说明理由同意。",
        },
        "temporary_committee_rule": {
            "label": "一事一议通过规则",
            "kind": "choice",
            "choices": (("majority", "过半数委员同意"), ("all", "全体委员一致同意"), ("any", "任一委员同意")),
            "help": "协调机制会签时怎样算通过；通过时核定金额取同意委员所核金额中的最低者。",
        },
    },
    "终止案件": {
        "termination_roles": {
            "label": "可终止案件的角色",
            "kind": "choices",
            "choices": _roles(*_CASE_ROLES),
            "help": "受理后、审批决定前可以终止本机构辖区内案件的角色。",
        },
    },
    "提醒与督办": {
        "reminder_days_before_due": {
            "label": "到期前提醒",
            "kind": "integer",
            "unit": "工作日",
            "help": "任务到期前几个工作日提醒办理人；0 表示只在到期当天提醒。取值 0–5。",
        },
        "escalation_overdue_days": {
            "label": "超期后提请督办",
            "kind": "integer",
            "unit": "工作日",
            "help": "任务超期满几个工作日后提请督办。取值 1–20。",
        },
        "escalation_roles": {
            "label": "督办接收人",
            "kind": "level_roles",
            "choices": _roles("township_head", "township_clerk", "county_clerk", "county_approver"),
            "help": "任务超期后，按任务所在机构的层级（村、乡镇、县）把督办发给本案件相应层级机构的哪个角色；"
            "选“不督办”的层级不发。至少选一个层级。",
        },
        "legal_clock_warning_share": {
            "label": "法定时限预警比例",
            "kind": "decimal",
            "unit": "比例",
            "help": "法定办理时限已用比例达到该值时预警，大于 0、不大于 1，且须小于届满比例，例如 0.8。",
        },
        "legal_clock_reached_share": {
            "label": "法定时限届满比例",
            "kind": "decimal",
            "unit": "比例",
            "help": "已用比例达到该值时提示时限届满，通常为 1.0。",
        },
        "legal_clock_notify_roles": {
            "label": "法定时限通知的角色",
            "kind": "choices",
            "choices": _roles("county_clerk", "county_approver", "township_head", "township_clerk"),
            "help": "法定时限预警和届满时通知案件所在县、乡镇的哪些角色。至少勾选一项。",
        },
        "emergency_warning_hours": {
            "label": "先行救助预警时间",
            "kind": "integer",
            "unit": "小时",
            "help": "急难型先行救助自登记起多少小时预警；须早于超时时间。",
        },
        "emergency_overdue_hours": {
            "label": "先行救助超时时间",
            "kind": "integer",
            "unit": "小时",
            "help": "急难型先行救助自登记起多少小时提示超时。",
        },
        "urge_min_interval_hours": {
            "label": "两次催办最短间隔",
            "kind": "integer",
            "unit": "小时",
            "help": "同一任务两次催办之间至少间隔的小时数（按实际时间，不按工作日）。",
        },
    },
    "文书": {
        "document_office_address": {
            "label": "出具文书单位地址",
            "kind": "text",
            "empty_ok": True,
            "help": "印在各告知书上，也是公示期间受理异议的地址；留空时文书上该处留白，由经办人手写。",
        },
        "document_office_telephone": {
            "label": "出具文书单位电话",
            "kind": "text",
            "empty_ok": True,
            "help": "印在各告知书上的联系电话；留空时文书上该处留白。",
        },
        "reconsideration_body": {
            "label": "行政复议机关",
            "kind": "text",
            "empty_ok": True,
            "help": "不予确认、停发、终止告知书上写明的行政复议机关，例如“××县人民政府”；留空时文书上留白。",
        },
        "court_name": {
            "label": "行政诉讼法院",
            "kind": "text",
            "empty_ok": True,
            "help": "告知书上写明的提起行政诉讼的人民法院，例如“××县人民法院”；留空时文书上留白。",
        },
    },
}

_BY_GROUP.update(WINDOW_GROUPS)
_BY_GROUP.update(TEKUN_GROUPS)
_BY_GROUP.update(TEKUN_PROCEDURE_GROUPS)

GROUPS: tuple[str, ...] = tuple(_BY_GROUP)
ENTRIES: dict[str, Raw] = {
    name: {**raw, "group": group} for group, raw_entries in _BY_GROUP.items() for name, raw in raw_entries.items()
}
