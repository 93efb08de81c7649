"""The reminder sweep's part for 转介 (docs/referrals.md, docs/notification-rules.md): an open referral
`reminder_days_before_due` working days before its feedback deadline reminds the department's 部门经办人;
`escalation_overdue_days` working days after it, the county's escalation role (escalation_roles at the
level `department`, else at `county`: county_approver by default) is told. Each once: the referral's
reminded_at and escalated_at mark it, and the notification's unique (event_key, user) is the last guard.

The rules are the region's (the parameters of its 低保 procedure, like the referral's deadline)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from engine.clock import to_china
from engine.context import Context
from engine.domain.reminder_rules import ReminderRules, read_rules
from engine.domain.roles import ROLE_LEVELS, Level
from engine.domain.vocabulary_window import REFERRAL_KIND_LABELS
from engine.errors import InvalidData, NotFound
from engine.persistence.referrals import REFERRAL_OPEN_STATUSES, Referral
from engine.policy.referrals import DEPARTMENT_ROLE
from engine.records.notifications.outbox import Message, send, staff_of
from engine.records.notifications.wording import moment
from engine.records.window import parameters_in_force

log = logging.getLogger("dibao.reminders")

# Referrals due within this many calendar days are read (as for tasks: 5 working days and a long holiday).
DUE_WINDOW = timedelta(days=16)


def sweep_referrals(ctx: Context, session: Session, now: datetime) -> int:
    """Remind and escalate the open referrals that need it now; how many notifications were written."""
    query = (
        select(Referral)
        .where(
            Referral.status.in_(REFERRAL_OPEN_STATUSES),
            or_(
                Referral.reminded_at.is_(None) & (Referral.due_at > now) & (Referral.due_at <= now + DUE_WINDOW),
                Referral.escalated_at.is_(None) & (Referral.due_at <= now),
            ),
        )
        .options(joinedload(Referral.department))
        .order_by(Referral.due_at, Referral.id)
    )
    rules: dict[str, ReminderRules | None] = {}
    written = 0
    for referral in session.scalars(query).unique():
        if referral.region not in rules:
            rules[referral.region] = _rules(ctx, session, referral.region, now)
        found = rules[referral.region]
        if found is not None:
            written += _referral(ctx, session, referral, found, now)
    return written


def _rules(ctx: Context, session: Session, region: str, now: datetime) -> ReminderRules | None:
    try:
        return read_rules(parameters_in_force(ctx, session, region), to_china(now).date())
    except (KeyError, NotFound):
        return None
    except InvalidData as exc:
        log.error("地区 %s 的提醒规则参数有误，转介提醒已跳过：%s", region, exc.message)
        return None


def _referral(ctx: Context, session: Session, referral: Referral, rules: ReminderRules, now: datetime) -> int:
    calendar = ctx.calendar(referral.region)
    today, due_day = to_china(now).date(), to_china(referral.due_at).date()
    what = f"转介 {referral.number}（{REFERRAL_KIND_LABELS.get(referral.kind, '其他事项')}，{referral.person_name}）"
    if referral.due_at > now:
        if calendar.working_days_between(today, due_day) > rules.remind_days:
            return 0
        referral.reminded_at = now
        body = f"{what}须于 {moment(referral.due_at)} 前反馈，请及时办理。"
        message = _message(referral, "referral_due_soon", "due_soon", f"转介即将到期：{referral.number}", body)
        return len(send(session, message, staff_of(session, DEPARTMENT_ROLE, referral.department_id)))
    late = calendar.working_days_between(due_day, today)
    if late < rules.escalate_days:
        return 0
    role = rules.escalate_roles.get(Level.DEPARTMENT.value) or rules.escalate_roles.get(Level.COUNTY.value)
    referral.escalated_at = now
    if role is None or ROLE_LEVELS[role] != Level.COUNTY:
        return 0
    body = (
        f"{what}已转介{referral.department.name}，反馈期限 {moment(referral.due_at)}，"
        f"逾期 {late} 个工作日仍未反馈，请督促办理。"
    )
    message = _message(referral, "referral_escalated", "escalated", f"转介逾期督办：{referral.number}", body)
    return len(send(session, message, staff_of(session, role, referral.county_id)))


def _message(referral: Referral, kind: str, cause: str, title: str, body: str) -> Message:
    return Message(kind, f"referral:{referral.id}:{cause}", title, body, case_id=referral.case_id)
