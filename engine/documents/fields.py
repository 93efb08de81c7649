"""What a document template may read: the document context, declared once (docs/documents.md#fields).

engine.records.document_context builds exactly this shape; engine.documents.templates refuses at deploy a
template that reads anything not declared here. A leaf is a string describing the field (shown to
designers); ``ListOf`` is a list whose items have the given shape; ``AnyKeys`` is a mapping whose keys
are only known from a form (a step's values: checked against the issuing step's form where there is one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True)
class ListOf:
    item: Shape
    description: str


@dataclass(frozen=True)
class AnyKeys:
    description: str


Shape: TypeAlias = "str | ListOf | AnyKeys | Mapping[str, Shape]"

STEP: Mapping[str, Shape] = {
    "step": "步骤标识（BPMN 元素 id）",
    "title": "步骤名称",
    "decision": "结论代码",
    "decision_label": "结论",
    "opinion": "意见",
    "signer": "办理人",
    "role_label": "办理角色",
    "unit": "办理单位",
    "date": "办理日期（2027年3月1日）",
    "values": AnyKeys("该步骤表单的取值（字段名为表单字段名）"),
}

MEMBER: Mapping[str, Shape] = {
    "name": "姓名",
    "relation": "与申请人关系",
    "id_number_masked": "身份证号（遮蔽）",
    "age": "年龄",
    "health": "健康状况",
    "work": "劳动能力或就业情况",
    "monthly_income": "月收入（元）",
}

PANEL_MEMBER: Mapping[str, Shape] = {
    "name": "姓名",
    "kind_label": "身份",
    "attendance_label": "出席",
    "vote_label": "表决",
    "signed_label": "签字",
}

CONTEXT: Mapping[str, Shape] = {
    "doc": {
        "title": "文书名称（模板 <title> 的文字）",
        "code": "核验码",
        "version": "版本（更正后递增）",
        "issued_on": "出具日期（2027年3月1日）",
        "verify_url": "核验网址",
        "qr": "核验二维码（图片数据，用于 <img src>）",
        "replaces_code": "被更正文书的核验码（首次出具为空）",
        "correction_reason": "更正原因（首次出具为空）",
    },
    "issuer": {
        "unit": "出具单位",
        "county": "县（市、区）民政部门",
        "township": "乡镇（街道）",
        "village": "村（社区）",
        "address": "单位地址",
        "telephone": "联系电话",
    },
    "case": {
        "number": "案件编号",
        "process_title": "办理事项",
        "region_label": "地区",
        "county": "县（市、区）",
        "township": "乡镇（街道）",
        "village": "村（社区）",
        "applicant": "申请人姓名",
        "applicant_masked": "申请人姓名（遮蔽）",
        "id_number_masked": "申请人身份证号（遮蔽）",
        "address": "家庭住址",
        "registered_on": "申请日期",
        "decided_on": "决定日期",
        "outcome_label": "结果",
        "amount": "月保障金额或救助金额（元，两位小数）",
        "start_month": "起始发放月份（2027年4月）",
        "persons": "保障人数",
        "termination_reason": "终止原因",
        "terminated_on": "终止日期",
        "support_mode_label": "特困人员供养方式（集中供养/分散供养）",
    },
    "household": {
        "members": ListOf(MEMBER, "家庭成员"),
        "persons": "家庭人口",
        "monthly_income": "家庭月收入（元）",
        "per_capita_income": "家庭月人均收入（元）",
    },
    "assessment": {
        "standard": "保障标准（元/人·月）",
        "per_capita_income": "认定的月人均收入（元）",
        "amount": "测算的月保障金额（元）",
        "eligible_label": "是否符合条件",
        "reasons": ListOf("理由", "不符合条件的理由"),
        "basic": "特困人员基本生活标准（元/月）",
        "care": "特困人员照料护理标准（元/月）",
        "care_tier_label": "特困人员护理档次（全自理/半护理/全护理）",
    },
    "step": STEP,
    "steps": ListOf(STEP, "已办理的各步骤（按办理顺序）"),
    "notice": {
        "starts_on": "公示开始日期",
        "ends_on": "公示截止日期",
        "days": "公示天数",
        "address": "异议受理地址",
        "telephone": "异议受理电话",
        "persons": "公示的人数",
        "amount": "公示的金额（元/月；特困为基本生活标准）",
        "tekun": "是否特困人员公示（是/否）",
        "termination": "是否终止公示（是/否）",
    },
    "legal": {
        "reconsideration_days": "申请行政复议的期限（日）",
        "litigation_months": "提起行政诉讼的期限（月）",
        "reconsideration_body": "行政复议机关",
        "court": "人民法院",
    },
    "data": {
        "missing_materials": ListOf("材料名称", "需补正的材料"),
        "supplement_deadline": "补正期限",
        "investigators": ListOf("姓名", "调查人员"),
        "visit_date": "入户日期",
        "visit_method_label": "调查方式",
        "members_present": "在场家庭成员",
        "findings": "调查情况",
        "necessary_spending": "核实的必要支出（元）",
        "signed_record": "签字调查表附件编号",
        "decision_opinion": "作出决定的审批意见（审核确认、停发或临时救助审批）",
        "temporary_kind_label": "临时救助类型",
        "temporary_cause_label": "困难原因",
        "hardship": "困难情况",
        "months_counted": "计算救助的困难月数",
        "requested_amount": "测算的救助金额（元）",
        "approval_level_label": "审批层级",
        "advance_amount": "先行救助金额（元）",
        "advance_on": "先行救助日期",
        "advance_method_label": "先行救助发放方式",
        "advance_voucher": "备用金支出凭证编号",
        "advance_by": "先行救助决定人",
        "paperwork_on": "补办手续日期",
        "remainder_amount": "本次审批的其余金额（元）",
        "granted_total": "救助总额（元）",
        "review_held_on": "民主评议日期",
        "review_panel": ListOf(PANEL_MEMBER, "民主评议人员与表决（不含回避人员）"),
        "review_recused": ListOf("姓名", "回避人员"),
        "review_present": "出席人数",
        "review_votes_for": "同意票数",
        "review_votes_against": "不同意票数",
        "review_votes_abstain": "弃权票数",
        "review_result_label": "评议结果",
        "exit_months": "渐退期（月）",
        "exit_ends_on": "渐退期截止日期",
        "stop_reason": "停发理由",
        "termination_ground_label": "终止事由",
    },
}
