"""The one-window words (docs/one-window.md): intake channels and states, departments, referrals, monitoring
alerts and the 核对 items, each code → its Chinese label, like engine.domain.vocabulary (kept apart so
that module stays one screenful per topic)."""

from __future__ import annotations

# --- 一门受理 ------------------------------------------------------------------------------------------
# IntakeRequest.channel, in the order the register form offers them.
INTAKE_CHANNEL_LABELS = {
    "window": "窗口",
    "hotline_12345": "12345 热线",
    "hotline_12349": "12349 热线",
    "grid": "网格/主动发现",
    "department": "部门转介",
    "alert": "监测预警",
    "letter": "信函/网上",
}
# Channels whose requests carry the external platform's ticket number (and whose feedback is exported to it).
HOTLINE_CHANNELS = frozenset({"hotline_12345", "hotline_12349"})
INTAKE_STATUS_LABELS = {"registered": "待分办", "started": "已启动流程", "referred": "已转介", "closed": "已办结"}
FEEDBACK_SATISFACTION_LABELS = {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}
# IntakeRequest.need_kind (docs/intake.md): what the requester asks for, and the process triage starts for it.
INTAKE_NEED_LABELS = {
    "dibao": "最低生活保障",
    "tekun": "特困人员救助供养",
    "temporary": "临时救助",
    "special": "专项救助",
    "other": "其他诉求",
}
INTAKE_NEED_PROCESSES = {
    "dibao": "dibao_application",
    "tekun": "tekun_application",
    "temporary": "temporary_assistance",
}
INTAKE_OUTCOME_LABELS = {"started": "已启动审批流程", "referred": "已转介部门办理", "closed": "已办结（不启动流程）"}

# --- 部门与转介 ---------------------------------------------------------------------------------------
# Referral.kind: what the department is asked to do (专项救助 and the other hand-overs).
REFERRAL_KIND_LABELS = {
    "medical": "医疗救助",
    "education": "教育救助",
    "housing": "住房救助",
    "employment": "就业救助",
    "disability": "残疾人帮扶",
    "health": "卫生健康",
    "rural_revitalization": "防返贫帮扶",
    "other": "其他事项",
}
REFERRAL_STATUS_LABELS = {"pending": "待接收", "accepted": "办理中", "handled": "已办结", "not_ours": "非本部门事项"}
REFERRAL_SOURCE_LABELS = {"case": "案件转介", "intake": "一门受理转介"}

# --- 监测预警 ---------------------------------------------------------------------------------------------
ALERT_LEVEL_LABELS = {"red": "红色预警", "orange": "橙色预警", "yellow": "黄色预警"}
# 监测预警 (docs/alerts.md): what an alert says happened (Alert.indicator), its state, what it was matched to,
# the outcome of its verification, and a monitored household's state.
ALERT_INDICATOR_LABELS = {
    "income_drop": "收入骤减",
    "medical": "大额医疗支出",
    "disaster": "突发灾害",
    "disability": "新增残疾",
    "unemployment": "失业",
    "breadwinner_death": "主要劳动力死亡",
    "education": "大额教育支出",
    "other": "其他风险",
}
ALERT_STATUS_LABELS = {
    "open": "待处置",
    "verifying": "核查中",
    "closed": "已办结",
    "merged": "已合并",
    "monitoring": "纳入监测",
}
ALERT_MATCH_LABELS = {"enrollment": "在保家庭", "case": "在办案件", "none": "未纳入救助"}
ALERT_OUTCOME_LABELS = {
    "no_risk": "经核查无风险",
    "advise_application": "引导申请救助",
    "monitor": "纳入动态监测",
    "reviewed": "已完成动态复核",  # an alert whose 动态复核 ended (the decision itself is on the review's case)
}
MONITORING_STATUS_LABELS = {"monitoring": "监测中", "rechecking": "再次核查中", "ended": "已解除监测"}
# The source of a verification a monitored household's re-check date opens (engine.services.alert_monitoring).
MONITORING_RECHECK_SOURCE = "监测复查"
