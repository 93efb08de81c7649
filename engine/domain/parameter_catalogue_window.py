"""The catalogue entries of the one-window parameters (docs/one-window.md): intake deadlines by channel,
referral feedback, monitoring alerts. engine.domain.parameter_catalogue_data adds this topic to its own."""

from __future__ import annotations

Raw = dict[str, object]

_CHANNEL_NAMES = {
    "window": "窗口",
    "hotline_12345": "12345 热线",
    "hotline_12349": "12349 热线",
    "grid": "网格/主动发现",
    "department": "部门转介来件",
    "alert": "监测预警",
    "letter": "信函/网上",
}


def _intake_deadline(channel: str, name: str) -> tuple[str, Raw]:
    return f"intake_deadline_days_{channel}", {
        "label": f"分办时限：{name}",
        "kind": "integer",
        "unit": "工作日",
        "help": f"经{name}登记的求助事项，自登记起几个工作日内须分办完毕（启动流程、转介其他部门或办结）。",
    }


def _alert_deadline(level: str, name: str) -> tuple[str, Raw]:
    return f"alert_deadline_days_{level}", {
        "label": f"{name}预警核查时限",
        "kind": "integer",
        "unit": "工作日",
        "help": f"{name}预警自导入起几个工作日内须核查完毕；据此开启的复核或核查任务以此为期限。",
    }


WINDOW_GROUPS: dict[str, dict[str, Raw]] = {
    "一门受理、转介与监测预警": {
        **dict(_intake_deadline(channel, name) for channel, name in _CHANNEL_NAMES.items()),
        "referral_feedback_days": {
            "label": "转介反馈时限",
            "kind": "integer",
            "unit": "工作日",
            "help": "转介给教育、医保、住建等部门的事项，部门须在几个工作日内反馈；逾期按提醒与督办规则督办。",
        },
        **dict(
            _alert_deadline(level, name) for level, name in (("red", "红色"), ("orange", "橙色"), ("yellow", "黄色"))
        ),
        "alert_merge_window_days": {
            "label": "预警合并天数",
            "kind": "integer",
            "unit": "天",
            "help": "同一家庭在该天数内（按日历日）收到的多条预警合并为一条，不重复开启核查。",
        },
        "monitoring_recheck_months": {
            "label": "纳入监测后再次核查",
            "kind": "integer",
            "unit": "个月",
            "help": "核查后暂不符合救助条件、纳入动态监测的家庭，几个月后再次核查。",
        },
    },
    # 信息核对复查 (docs/verification-exchange.md)
    "信息核对": {
        "verification_contest_days": {
            "label": "核对结果复查申请期限",
            "kind": "integer",
            "unit": "工作日",
            "help": "核对结果告知申请人后，申请人可在几个工作日内提出复查；期满未申请的，按核对结果办理。",
        },
    },
}
