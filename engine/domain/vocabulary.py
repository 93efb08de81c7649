"""The system's words: code → Chinese label tables that pages, the CLI, exports and the dossier share."""

from __future__ import annotations

# 通知2022 四(一): the grounds for extending.
EXTENSION_GROUNDS = {
    "objection": "公示有异议",
    "separated_household": "人户分离",
    "remote_application": "异地申办",
    "hard_investigation": "家庭经济状况调查难度较大",
}

# The state of a process instance (ProcessInstance.status), as the auditor's dossier names it.
INSTANCE_STATUS_LABELS = {
    "running": "办理中",
    "waiting": "等待中",
    "completed": "已办结",
    "error": "出错",
    "cancelled": "已撤销",
}

# The values an enrollment change records before and after (the dossier's 变更数据 of `enrollment_changed`).
ENROLLMENT_FIELD_LABELS = {"status": "保障状态", "monthly_amount": "每月保障金额（元）", "ends_on": "渐退截止日期"}

# Who acted when no user did: the engine's own steps and the public notice board.
NON_USER_ACTOR_LABELS = {"system": "系统", "public": "公众"}
