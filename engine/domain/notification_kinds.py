"""What a notification can be about, as users see it, and whether it also goes out by email or SMS when
the user has not chosen (docs/notifications.md). The thresholds (how many working days before due, what
share of the legal clock) are region parameters, so the labels never name a number."""

from __future__ import annotations

from dataclasses import dataclass

EMAIL = "email"
SMS = "sms"
CHANNELS = (EMAIL, SMS)
CHANNEL_LABELS = {EMAIL: "电子邮件", SMS: "短信"}


@dataclass(frozen=True)
class NotificationKind:
    label: str
    email: bool  # also by email unless the user chose otherwise
    sms: bool  # also by SMS unless the user chose otherwise
    sms_allowed: bool = False  # SMS costs money and interrupts: only kinds that cannot wait may use it


KINDS: dict[str, NotificationKind] = {
    "task_new": NotificationKind("新任务", email=False, sms=False),
    "task_due_soon": NotificationKind("任务即将到期", email=True, sms=False),
    "task_overdue": NotificationKind("任务已超期", email=True, sms=False),
    "task_escalated": NotificationKind("超期任务提请督办", email=True, sms=False, sms_allowed=True),
    "case_returned": NotificationKind("案件被退回", email=True, sms=False),
    "objection_received": NotificationKind("收到公示异议", email=True, sms=False),
    "urged": NotificationKind("催办", email=True, sms=False, sms_allowed=True),
    "copied": NotificationKind("抄送", email=False, sms=False),
    "delegated": NotificationKind("委派或转办给我", email=False, sms=False),
    "legal_clock_warning": NotificationKind("法定办理时限即将届满", email=True, sms=False),
    "legal_clock_reached": NotificationKind("法定办理时限已届满", email=True, sms=True, sms_allowed=True),
    "emergency_warning": NotificationKind("先行救助即将超时", email=True, sms=True, sms_allowed=True),
    "emergency_overdue": NotificationKind("先行救助已超时", email=True, sms=True, sms_allowed=True),
    "digest": NotificationKind("每日待办摘要", email=True, sms=False),
    # 转介 (docs/referrals.md): to the department, to the referrer, and the county's 督办.
    "referral_new": NotificationKind("新转介", email=True, sms=False),
    "referral_due_soon": NotificationKind("转介即将到反馈期限", email=True, sms=False),
    "referral_escalated": NotificationKind("转介逾期未反馈提请督办", email=True, sms=False, sms_allowed=True),
    "referral_answered": NotificationKind("转介已反馈", email=False, sms=False),
}


def kind_label(kind: str) -> str:
    known = KINDS.get(kind)
    return known.label if known else "通知"


def default_channels(kind: str) -> frozenset[str]:
    known = KINDS.get(kind)
    if known is None:
        return frozenset()
    return frozenset(c for c, on in ((EMAIL, known.email), (SMS, known.sms and known.sms_allowed)) if on)
