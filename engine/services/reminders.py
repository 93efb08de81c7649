"""The reminder sweep (docs/notification-rules.md): the worker evaluates the rules each process's parameters
state (engine.domain.reminder_rules) and writes one notification per cause and recipient through the
outbox: a task due soon, overdue, escalated; a case's legal clock at its warning share and at its limit;
a 先行救助 at its warning and overdue hours.

Only candidates are read: open tasks due within a window, running legal clocks, open 先行救助 steps, each
without the notification that ends its rule (a correlated NOT EXISTS on the notification's unique
(event_key, user_id) index), so a sweep that finds nothing new is a few index reads. On PostgreSQL the
sweep holds a transaction-scoped advisory lock: a second worker waits, then finds everything told; the
unique constraint is the last guard.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, String, cast, exists, func, literal, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from engine.clock import to_china, utcnow
from engine.context import Context
from engine.domain.reminder_rules import EMERGENCY_STEPS, ReminderRules, read_rules
from engine.domain.roles import ROLE_LEVELS, role_label
from engine.errors import InvalidData
from engine.persistence import Case, HumanTask, Notification, ProcessDefinition, ProcessInstance, User
from engine.records.legal_clock import legal_clock
from engine.records.notifications.from_events import workers_of
from engine.records.notifications.outbox import Message, send, staff_of
from engine.records.notifications.wording import case_words, moment
from engine.services.referral_reminders import sweep_referrals

log = logging.getLogger("dibao.reminders")

# pg_advisory_xact_lock's key for the sweep ("dibr"): one sweep at a time across all workers.
LOCK_KEY = 0x64696272
# Tasks due within this many calendar days are read: 5 working days (the largest reminder the
# parameters allow) plus the longest run of days off (the 8-day National Day holiday) fit in it.
DUE_WINDOW = timedelta(days=16)
OPEN = ("open", "claimed")
INTERVAL = timedelta(minutes=1)
# The legal clock counts whole working days, so hourly is early enough for it; reading every running
# clock of a county each minute would not be.
CLOCK_INTERVAL = timedelta(hours=1)


def sweep(ctx: Context, *, clocks: bool = True) -> int:
    """Evaluate every rule once, now (the legal clocks only with `clocks`); how many notifications were written."""
    now = utcnow()
    with ctx.db.write() as session:
        if ctx.db.is_postgres:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        run = _Sweep(ctx, session, now)
        return run.tasks() + (run.clocks() if clocks else 0) + run.emergencies() + sweep_referrals(ctx, session, now)


# Kept on the Context (one per worker process): when this process last swept, and last read the clocks.
LAST_SWEEP = "reminders.last_sweep"
LAST_CLOCKS = "reminders.last_clocks"


def job(ctx: Context) -> int:
    """The worker's job: the sweep at most once a minute per process (the worker's round is 5 seconds),
    the legal clocks at most once an hour."""
    now = utcnow()
    if _recent(ctx, LAST_SWEEP, now, INTERVAL):
        return 0
    ctx.cache(LAST_SWEEP, now)
    clocks = not _recent(ctx, LAST_CLOCKS, now, CLOCK_INTERVAL)
    if clocks:
        ctx.cache(LAST_CLOCKS, now)
    return sweep(ctx, clocks=clocks)


def _recent(ctx: Context, memo: str, now: datetime, interval: timedelta) -> bool:
    last = ctx.cached(memo)
    return last is not None and last <= now < last + interval


def _told(prefix: str, column: InstrumentedAttribute[int], suffix: str) -> ColumnElement[bool]:
    """Someone was already told of this cause (`task:12:escalated`), from the notification index."""
    key = literal(f"{prefix}:", String) + cast(column, String) + literal(f":{suffix}", String)
    return exists().where(Notification.event_key == key)


class _Sweep:
    def __init__(self, ctx: Context, session: Session, now: datetime) -> None:
        self.ctx, self.session, self.now = ctx, session, now
        self.today = to_china(now).date()
        self._rules: dict[int, ReminderRules | None] = {}
        self.written = 0

    def rules(self, definition: ProcessDefinition) -> ReminderRules | None:
        if definition.id not in self._rules:
            parameters = self.ctx.process(definition).parameters
            try:
                self._rules[definition.id] = read_rules(parameters, self.today)
            except KeyError:
                self._rules[definition.id] = None  # deployed before the rules existed: its rules are off
            except InvalidData as exc:
                log.error("流程定义 %s 的提醒规则参数有误，已跳过：%s", definition.id, exc.message)
                self._rules[definition.id] = None
        return self._rules[definition.id]

    def tell(self, message: Message, users: Iterable[User]) -> int:
        return len(send(self.session, message, users))

    def role_staff(self, case: Case, roles: Iterable[str]) -> list[User]:
        """The holders of each role in the case's unit at that role's level (a village task's township head)."""
        users: list[User] = []
        for role in roles:
            unit = case.unit_at(ROLE_LEVELS[role].value)
            if unit is not None:
                users += staff_of(self.session, role, unit)
        return users

    # --- tasks: due soon, overdue, escalated ------------------------------------------------------

    def tasks(self) -> int:
        # Two queries, not one with an OR: each NOT EXISTS then runs as an anti-join probing the index,
        # where an OR makes PostgreSQL hash the whole notification table.
        due_soon = (HumanTask.due_at > self.now, ~_told("task", HumanTask.id, "due_soon"))
        overdue = (HumanTask.due_at <= self.now, ~_told("task", HumanTask.id, "escalated"))
        return sum(
            self.task(task)
            for where in (due_soon, overdue)
            for task in self.session.scalars(self.open_tasks(*where)).unique()
        )

    def open_tasks(self, *where: ColumnElement[bool]) -> Select[tuple[HumanTask]]:
        return (
            select(HumanTask)
            .where(
                HumanTask.state.in_(OPEN),
                HumanTask.due_at <= self.now + DUE_WINDOW,
                HumanTask.task_name.not_in(EMERGENCY_STEPS),
                *where,
            )
            .options(joinedload(HumanTask.instance), joinedload(HumanTask.case), joinedload(HumanTask.org_unit))
            .order_by(HumanTask.due_at, HumanTask.id)
        )

    def task(self, task: HumanTask) -> int:
        rules = self.rules(task.instance.definition)
        if rules is None or task.due_at is None:
            return 0
        calendar = self.ctx.calendar(task.case.region)
        due_day = to_china(task.due_at).date()
        words = f"{case_words(task.case)}的“{task.title}”"
        if task.due_at > self.now:
            if calendar.working_days_between(self.today, due_day) > rules.remind_days:
                return 0
            # A step offered already inside its reminder window (due next working day) was told its due
            # date when it was offered (task_new); a reminder in the same minute would only repeat it.
            if calendar.working_days_between(to_china(task.created_at).date(), due_day) <= rules.remind_days:
                return 0
            body = f"{words}将于 {moment(task.due_at)} 到期，请及时办理。"
            return self.tell(
                self.message(task, "task_due_soon", "due_soon", f"即将到期：{task.title}", body),
                workers_of(self.session, task),
            )
        body = f"{words}已于 {moment(task.due_at)} 到期，尚未办理完毕，请尽快办理。"
        told = self.tell(
            self.message(task, "task_overdue", "overdue", f"已超期：{task.title}", body), workers_of(self.session, task)
        )
        late = calendar.working_days_between(due_day, self.today)
        role = rules.escalate_roles.get(task.org_unit.level)
        if late < rules.escalate_days or role is None:
            return told
        body = (
            f"{words}（{task.org_unit.name}{role_label(task.role)}办理）已于 {moment(task.due_at)} 到期，"
            f"超期 {late} 个工作日仍未办理，请督促办理。"
        )
        message = self.message(task, "task_escalated", "escalated", f"超期督办：{task.title}", body)
        return told + self.tell(message, self.role_staff(task.case, [role]))

    @staticmethod
    def message(task: HumanTask, kind: str, cause: str, title: str, body: str) -> Message:
        return Message(kind, f"task:{task.id}:{cause}", title, body, case_id=task.case_id, task_id=task.id)

    # --- the legal clock --------------------------------------------------------------------------

    def clocks(self) -> int:
        query = select(Case).where(
            Case.decided_at.is_(None),
            Case.closed_at.is_(None),
            Case.clock_started_at.is_not(None),
            Case.clock_limit_days.is_not(None),
            Case.status.not_in(("cancelled", "closed")),
            ~_told("case", Case.id, "clock_reached"),
        )
        cases = list(self.session.scalars(query).unique())
        if not cases:
            return 0
        instances: dict[int, ProcessInstance] = {}
        latest = select(ProcessInstance).where(ProcessInstance.case_id.in_([c.id for c in cases]))
        for instance in self.session.scalars(latest.order_by(ProcessInstance.id)).unique():
            instances[instance.case_id] = instance  # the latest instance of the case holds its process
        return sum(self.clock(case, instances[case.id]) for case in cases if case.id in instances)

    def clock(self, case: Case, instance: ProcessInstance) -> int:
        rules = self.rules(instance.definition)
        state = legal_clock(case, self.ctx.calendar(case.region), self.now)
        if rules is None or state is None or state.stopped:
            return 0
        used, limit = state.working_days_used, state.limit_days
        words = f"{case_words(case)}的法定办理时限为 {limit} 个工作日，已用 {used} 个工作日"
        if used >= rules.clock_threshold(limit, rules.clock_reached):
            kind, cause, title = "legal_clock_reached", "clock_reached", f"法定时限届满：{case.number}"
            body = f"{words}（{state.due_on:%Y-%m-%d} 届满），请尽快作出决定或依法延长时限。"
        elif used >= rules.clock_threshold(limit, rules.clock_warning):
            kind, cause, title = "legal_clock_warning", "clock_warning", f"法定时限预警：{case.number}"
            body = f"{words}，将于 {state.due_on:%Y-%m-%d} 届满，请督促及时办结。"
        else:
            return 0
        message = Message(kind, f"case:{case.id}:{cause}", title, body, case_id=case.id)
        return self.tell(message, self.role_staff(case, rules.clock_roles))

    # --- 先行救助 -----------------------------------------------------------------------------------

    def emergencies(self) -> int:
        query = (
            select(HumanTask)
            .where(
                HumanTask.state.in_(OPEN),
                HumanTask.task_name.in_(EMERGENCY_STEPS),
                HumanTask.due_at <= self.now + DUE_WINDOW,  # an hour deadline: always inside the window
                ~_told("task", HumanTask.id, "emergency_overdue"),
            )
            .options(joinedload(HumanTask.instance), joinedload(HumanTask.case), joinedload(HumanTask.org_unit))
        )
        steps = list(self.session.scalars(query).unique())
        if not steps:
            return 0
        # The clock runs from the step's first offer: a step reopened by 退回 keeps its first deadline.
        first = (
            select(HumanTask.instance_id, HumanTask.task_name, func.min(HumanTask.created_at))
            .where(HumanTask.instance_id.in_({t.instance_id for t in steps}), HumanTask.task_name.in_(EMERGENCY_STEPS))
            .group_by(HumanTask.instance_id, HumanTask.task_name)
        )
        starts = {(row[0], row[1]): row[2] for row in self.session.execute(first)}
        return sum(
            self.emergency(task, starts.get((task.instance_id, task.task_name), task.created_at)) for task in steps
        )

    def emergency(self, task: HumanTask, started: datetime) -> int:
        rules = self.rules(task.instance.definition)
        stage = rules.emergency_stage(started, self.now) if rules else None
        if rules is None or stage is None:
            return 0
        hours = (rules.emergency_overdue if stage == "overdue" else rules.emergency_warning) // timedelta(hours=1)
        late = "已超过" if stage == "overdue" else "已过"
        title = f"先行救助{'已超时' if stage == 'overdue' else '即将超时'}：{task.case.number}"
        body = (
            f"{case_words(task.case)}自 {moment(started)} 登记，{late} {hours} 小时仍未完成“{task.title}”，请立即办理。"
        )
        kind = f"emergency_{stage}"
        message = self.message(task, kind, kind, title, body)
        role = rules.escalate_roles.get(task.org_unit.level)
        heads = self.role_staff(task.case, [role]) if role else []
        return self.tell(message, [*workers_of(self.session, task), *heads])
