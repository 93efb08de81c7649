"""The system's words: every code → Chinese label table, in one place for pages, the CLI, exports and
the dossier alike, so that one code reads the same everywhere and no raw key reaches a user.

Codes are the values stored in the database, in task data and in the fixed JSON contracts
(docs/contracts.md); each table names the field it labels. Region names are data, not code: they come
from each region's README (engine.queries.regions).
"""

from __future__ import annotations

# --- people and units ------------------------------------------------------------------------------

ROLE_LABELS: dict[str, str] = {
    "village_assistant": "村/社区协理员",
    "township_clerk": "乡镇经办人",
    "township_head": "乡镇负责人",
    "verification_center": "县核对机构",
    "county_clerk": "县民政经办人",
    "county_approver": "县民政审批人",
    "coordination_committee": "县困难群众基本生活保障协调机制",
    "designer": "流程设计",
    "auditor": "审计",
    "admin": "系统管理",
    "department_staff": "部门经办人",
}
# OrgUnit.level (engine.domain.roles.Level; a StrEnum, so its members look these up directly).
LEVEL_LABELS: dict[str, str] = {
    "county": "县（市、区）",
    "township": "乡镇（街道）",
    "village": "村（社区）",
    "department": "部门",
}
# Who acted when no user did: the engine's own steps and the public notice board.
NON_USER_ACTOR_LABELS = {"system": "系统", "public": "公众"}

# --- cases, tasks, decisions -----------------------------------------------------------------------

CASE_STATUS_LABELS = {"open": "办理中", "closed": "已办结", "cancelled": "已撤销"}
TASK_STATE_LABELS = {"open": "待签收", "claimed": "已签收", "completed": "已办结", "cancelled": "已取消"}
# ProcessInstance.status, as the auditor's dossier names it.
INSTANCE_STATUS_LABELS = {
    "running": "办理中",
    "waiting": "等待中",
    "completed": "已办结",
    "error": "出错",
    "cancelled": "已撤销",
}
# The `decision` of a review form (docs/contracts.md#decision-forms): the three every form has and the
# further values some steps need. A form words them for its own step (x-enum-labels); these are the
# general words lists and timelines use.
DECISION_LABELS = {
    "approve": "通过",
    "reject": "不予通过",
    "return": "退回",
    "reinvestigate": "重新调查",
    "democratic_review": "组织民主评议",
    "supplement": "补充材料",
    "withdraw": "撤回申请",
}
# Case.outcome: what the process decided.
OUTCOME_LABELS = {
    "approved": "批准（确认保障）",
    "rejected": "不予批准",
    "withdrawn": "申请人撤回",
    "not_accepted": "不予受理",
    "no_change": "维持原保障",
    "raise": "增发",
    "reduce": "减发",
    "gradual_exit": "渐退",
    "stop": "停发",
}
ENROLLMENT_STATUS_LABELS = {"active": "保障中", "gradual_exit": "渐退中", "stopped": "已停发"}
# The values an enrollment change records before and after (the dossier's 变更数据 of `enrollment_changed`).
ENROLLMENT_FIELD_LABELS = {"status": "保障状态", "monthly_amount": "每月保障金额（元）", "ends_on": "渐退截止日期"}
# Where an objection came from.
OBJECTION_CHANNEL_LABELS = {"public": "公示栏在线提交", "api": "接口提交", "web": "网页", "cli": "工作人员代为登记"}
# 通知2022 四(一): the grounds for extending the legal clock.
EXTENSION_GROUNDS = {
    "objection": "公示有异议",
    "separated_household": "人户分离",
    "remote_application": "异地申办",
    "hard_investigation": "家庭经济状况调查难度较大",
}

# --- households and the assessment -----------------------------------------------------------------

# The assessment's category: a sentence where the result stands alone (试算, CLI), a word in a table.
CATEGORY_LABELS = {"dibao": "符合低保条件", "marginal": "低保边缘家庭（不符合低保条件）", "none": "不符合低保条件"}
CATEGORY_SHORT_LABELS = {"dibao": "低保", "marginal": "低保边缘", "none": "不符合条件"}
RELATION_LABELS = {
    "self": "本人（申请人）",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandparent": "祖父母、外祖父母",
    "grandchild": "孙子女、外孙子女",
    "sibling": "兄弟姐妹",
    "other": "其他",
}
EMPLOYMENT_LABELS = {
    "employed": "就业",
    "self_employed": "灵活就业/自营",
    "unemployed": "失业",
    "retired": "退休",
    "student": "在校学生",
    "none": "无",
}
REGISTERED_TYPES: dict[str, str] = {"urban": "城镇", "rural": "农村"}
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

# --- temporary assistance --------------------------------------------------------------------------

TEMPORARY_KINDS: dict[str, str] = {"emergency": "急难型", "expenditure": "支出型"}
TEMPORARY_CAUSES: dict[str, str] = {
    "fire": "火灾",
    "traffic_accident": "交通事故",
    "major_illness": "突发重大疾病",
    "disaster": "自然灾害",
    "other": "其他",
}
# The household's standing when it applies: 低保家庭, 特困供养人员, 低保边缘家庭, or none of these.
HOUSEHOLD_TYPES: dict[str, str] = {
    "dibao": "低保家庭",
    "tekun": "特困供养人员家庭",
    "marginal": "低保边缘家庭",
    "other": "其他家庭",
}
APPROVAL_LEVELS: dict[str, str] = {
    "township": "乡镇人民政府（街道办事处）审批",
    "county": "县级民政部门审批",
    "committee": "县级困难群众基本生活保障工作协调机制一事一议",
}

# The decision-context panels a user task may declare (spiffworkflow:property contextPanels,
# docs/decision-context.md) and their titles; a page shows them in the order the task lists them.
CONTEXT_PANELS: dict[str, str] = {
    "applicant": "申请人",
    "household": "家庭情况",
    "assessment": "家庭经济状况评估",
    "investigation": "入户调查",
    "verification": "信息核对",
    "objections": "公示异议",
    "hardship": "困难情况",
    "enrolment": "保障情况",
    "tekun": "特困人员认定评估",
}

# --- processes and the designer's work -------------------------------------------------------------

# Where an effective file of a region comes from.
ORIGIN_LABELS = {"default": "默认", "region": "本地区", "merged": "默认 + 本地区（逐项覆盖）"}
# What a draft file is.
FILE_KIND_LABELS = {
    "bpmn": "BPMN 流程",
    "dmn": "DMN 决策表",
    "form": "表单定义",
    "parameters": "参数",
    "document": "文书模板",
    "form_override": "表单地区覆盖",
}
# A diagram element's state on a case's diagram.
DIAGRAM_STATE_LABELS = {"done": "已完成", "active": "当前所在", "pending": "未到达"}
# BPMN task types, element kinds of a version diff, form field types, timer kinds, event kinds.
TASK_TYPES: dict[str, str] = {
    "task": "任务",
    "userTask": "用户任务",
    "scriptTask": "脚本任务",
    "serviceTask": "服务任务",
    "businessRuleTask": "决策任务",
    "manualTask": "手工任务",
    "sendTask": "发送任务",
    "receiveTask": "接收任务",
}
DIFF_KIND_LABELS: dict[str, str] = {
    "process": "流程",
    "task": "任务",
    "flow": "顺序流",
    "lane": "泳道",
    "timer": "定时器",
    "call": "调用活动",
    "decision": "决策表",
    "rule": "决策规则",
    "form": "表单",
    "field": "表单字段",
    "parameter": "参数",
    "document": "文书模板",
    "file": "文件",
}
FIELD_TYPES = {
    "string": "文本",
    "number": "数字",
    "integer": "整数",
    "boolean": "是/否",
    "array": "列表",
    "object": "分组",
}
TIMER_KINDS = {"timeDuration": "时长", "timeDate": "时间", "timeCycle": "周期"}
EVENT_LABELS = {
    "startEvent": "开始事件",
    "endEvent": "结束事件",
    "intermediateThrowEvent": "中间抛出事件",
    "intermediateCatchEvent": "中间捕获事件",
    "boundaryEvent": "边界事件",
}
EVENT_DEFINITION_LABELS = {
    "timerEventDefinition": "定时器",
    "messageEventDefinition": "消息",
    "terminateEventDefinition": "终止",
}
# Audit exports a case's dossier offers.
EXPORT_LABELS = {"json": "JSON 文件", "print": "打印页", "csv": "事件 CSV", "pii_csv": "个人信息查看记录 CSV"}
# Fields a 查看完整身份证号 reveals (the PII report).
PII_FIELD_LABELS = {
    "household.members.id_number": "家庭成员身份证号",
    "document_context": "文书所用的案件数据",  # a designer's template preview with the case's data
}


def label(table: dict[str, str], code: object) -> str:
    """The label of `code`, or the code itself for a value no table knows (never an error on a page)."""
    return table.get(str(code), str(code)) if code is not None else ""


# --- 终止、暂停、恢复、撤销 (issue 14 parts 4 and 7; docs/ending-and-pausing-cases.md) ------------------
# Case.termination["ground"]: why a case was ended before its decision. admin_cancelled is the
# administrator's cancel (the instance operation); the others are the 终止 grounds a caseworker picks.
TERMINATION_GROUNDS = {
    "applicant_withdrew": "申请人撤回申请",
    "deceased": "死亡",
    "moved_away": "迁出",
    "duplicate_application": "重复申请",
    "other": "其他",
}
ADMIN_CANCEL_GROUND = "admin_cancelled"
ENDING_GROUND_LABELS = {**TERMINATION_GROUNDS, ADMIN_CANCEL_GROUND: "其他（管理员撤销）"}
# An ended case reads 已终止 (was 已撤销, a word nothing set); a suspended one 已暂停.
CASE_STATUS_LABELS.update({"cancelled": "已终止", "suspended": "已暂停"})
INSTANCE_STATUS_LABELS.update({"cancelled": "已终止", "suspended": "已暂停"})
# --- 委派 (delegation, issue 14 part 5; docs/delegation.md) -----------------------------------------------
# The timeline's words for a delegation's events (engine.queries.case_page), and why one ended with the claim.
DELEGATION_EVENT_LABELS = {
    "task_delegated": "委派",
    "task_handed_back": "交回",
    "task_delegation_recalled": "收回",
    "task_delegation_ended": "委派结束",
}
DELEGATION_END_LABELS = {"unclaimed": "签收人取消签收", "transferred": "任务转办"}
# --- issue 14 (helper A): why a 动态复核 was started (periodic_review_start.json `trigger`) ---------------
REVIEW_TRIGGERS: dict[str, str] = {
    "scheduled": "定期复核",
    "reported_change": "家庭报告变化",
    "alert": "监测预警",
    "complaint": "投诉举报",
}


# --- 撤回, 退回 and an administrator's move (docs/withdraw-and-return.md) -------------------------------
TASK_STATE_LABELS.update({"withdrawn": "已撤回", "superseded": "已退回（作废）", "returned": "已退回"})
# Why a step is offered again (HumanTask.reopen_kind), as its task page says it.
REOPEN_KIND_LABELS = {"withdrawn": "本人撤回后重新办理", "returned": "被退回重新办理", "moved": "管理员调整到本步骤"}
# What moved a case on after a step was completed (the refusal of a 撤回 names it).
MOVED_ON_LABELS = {
    "task_completed": "已有其他步骤办结",
    "task_transferred": "下一步已转办",
    "timer_fired": "定时已到期",
    "task_cancelled": "流程已撤销待办任务",
    "objection_received": "已收到公示异议",
    "notice_published": "已发布公示",
    "notice_closed": "公示已结束",
    "case_decided": "已作出决定",
    "enrollment_created": "已纳入保障",
    "enrollment_changed": "保障已变更",
    "process_completed": "流程已办结",
    "workflow_error": "流程出错",
    "task_withdrawn": "已有步骤被撤回",
    "task_returned": "已被退回",
    "case_moved": "管理员已调整流程",
}
# --- 会签 (docs/countersign.md) -------------------------------------------------------------------
COUNTERSIGN_STATE_LABELS = {"signed": "已签", "pending": "待签", "withdrawn": "无需再签（结果已定）"}
# --- 催办 and 抄送 (docs/urge-and-copy.md) ------------------------------------------------------------
URGE_EVENT_LABEL = "催办"  # the timeline's word for a `task_urged` event
COPY_READ_LABELS = {True: "已读", False: "未读"}  # a 抄送 recipient's receipt
# --- 年度调标 (docs/annual-adjustment.md) ----------------------------------------------------------------
RECALCULATION_STATUS_LABELS = {"prepared": "待审批", "approved": "已审批", "cancelled": "已作废"}
RECALCULATION_CHANGE_LABELS = {
    "raise": "增发",
    "reduce": "减发",
    "unchanged": "金额不变",
    "flagged": "需复核（不自动调整）",
    "skipped": "不参与",
}
MOVED_ON_LABELS["enrollment_recalculated"] = "已年度调标"

# 政策模拟测算 started by `dibao simulate` without --as: the machine's operator (docs/policy-simulation.md).
NON_USER_ACTOR_LABELS.update({"cli": "命令行操作员"})
# 迁移到新版本 (docs/process-migration.md): what moved a case on, as a refused 撤回 names it.
MOVED_ON_LABELS["instance_migrated"] = "流程已迁移到新版本"
