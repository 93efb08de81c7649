"""Which recorded changes notify whom (docs/notifications.md#causes). Each handler reads one audit event of
the committing transaction and the rows it names, and writes messages through `outbox.send`. The actor is
never told about their own change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.roles import ROLE_LEVELS, role_label
from engine.lookups import find_user
from engine.persistence import AuditEvent, Case, HumanTask, User
from engine.records import kept_rows
from engine.records.notifications.outbox import Message, send, staff_of
from engine.records.notifications.wording import case_words, due_words


@dataclass
class Batch:
    """The events of one transaction, with what one handler may tell the others: the tasks a 退回 reopened
    are announced to the person who did them before, not as new tasks to the whole unit."""

    events: Sequence[AuditEvent]
    announced_tasks: set[int] = field(default_factory=set)


Handler = Callable[[Session, AuditEvent, Batch], None]


def workers_of(session: Session, task: HumanTask) -> list[User]:
    """Who works an open task: its holder, or its 会签 member, or else everyone of its role in its unit."""
    if task.assignee is not None:
        return [task.assignee]
    member = task.member or {}
    if username := member.get("username"):
        return _named(session, username)
    return staff_of(session, task.role, task.org_unit_id)


def _named(session: Session, username: str) -> list[User]:
    user = find_user(session, username)  # an inactive one is dropped by outbox.send
    return [user] if user is not None else []


def _others(users: Sequence[User], event: AuditEvent) -> list[User]:
    return [user for user in users if user.id != event.actor_id]


def task_created(session: Session, event: AuditEvent, batch: Batch) -> None:
    task = kept_rows.task(session, event.task_id) if event.task_id else None
    if task is None or task.id in batch.announced_tasks or task.state not in ("open", "claimed"):
        return
    message = Message(
        "task_new",
        f"task:{task.id}:new",
        f"新任务：{task.title}",
        f"{case_words(task.case)}待{role_label(task.role)}办理“{task.title}”{due_words(task)}。",
        case_id=task.case_id,
        task_id=task.id,
    )
    send(session, message, _others(workers_of(session, task), event))


def task_returned(session: Session, event: AuditEvent, batch: Batch) -> None:
    reason = event.details.get("reason", "")
    for task_id in event.details.get("reopened", []):
        task = kept_rows.task(session, task_id)
        if task is None:
            continue
        batch.announced_tasks.add(task.id)
        before = session.scalars(
            select(HumanTask.completed_by_id)
            .where(
                HumanTask.instance_id == task.instance_id,
                HumanTask.task_name == task.task_name,
                HumanTask.id != task.id,
                HumanTask.completed_by_id.is_not(None),
            )
            .order_by(HumanTask.id.desc())
        ).first()
        users = [session.get(User, before)] if before else workers_of(session, task)
        message = Message(
            "case_returned",
            f"task:{task.id}:returned",
            f"退回：{task.title}",
            f"{case_words(task.case)}被退回到“{task.title}”，请重新办理。退回理由：{reason}",
            case_id=task.case_id,
            task_id=task.id,
        )
        send(session, message, _others([u for u in users if u is not None], event))


def objection_received(session: Session, event: AuditEvent, batch: Batch) -> None:
    case = session.get(Case, event.case_id) if event.case_id else None
    if case is None or case.township_id is None:
        return
    # The township published the 公示 and decides what the objection means for the case.
    township = case.township_id
    users = [*staff_of(session, "township_clerk", township), *staff_of(session, "township_head", township)]
    message = Message(
        "objection_received",
        f"objection:{event.details.get('objection_id')}",
        f"公示异议：{case.number}",
        f"{case_words(case)}的公示收到一条异议，请及时核实处理。",
        case_id=case.id,
    )
    send(session, message, users)


def task_handed_over(session: Session, event: AuditEvent, batch: Batch) -> None:
    """委派 and 转办: the colleague who now has the task."""
    task = kept_rows.task(session, event.task_id) if event.task_id else None
    username = event.details.get("to")
    if task is None or not username:
        return
    users = _named(session, username)
    verb = "委派" if event.action == "task_delegated" else "转办"
    note = event.details.get("note") or event.details.get("reason") or ""
    said = f"说明：{note}" if note else ""
    message = Message(
        "delegated",
        f"task:{task.id}:{event.action}:{event.seq}",
        f"{verb}给我：{task.title}",
        f"{event.actor_name} 将{case_words(task.case)}的“{task.title}”{verb}给您{due_words(task)}。{said}",
        case_id=task.case_id,
        task_id=task.id,
        sender_id=event.actor_id,
    )
    send(session, message, _others(users, event))


def task_urged(session: Session, event: AuditEvent, batch: Batch) -> None:
    """催办 (docs/urge-and-copy.md): the supervisor's message to whoever works the task now."""
    task = kept_rows.task(session, event.task_id) if event.task_id else None
    if task is None:
        return
    message = Message(
        "urged",
        f"task:{task.id}:urged:{event.seq}",
        f"催办：{task.title}",
        f"{_name(session, event)} 催办{case_words(task.case)}的“{task.title}”{due_words(task)}。"
        f"催办内容：{event.details.get('message', '')}",
        case_id=task.case_id,
        task_id=task.id,
        sender_id=event.actor_id,
    )
    send(session, message, _others(workers_of(session, task), event))


def task_copied(session: Session, event: AuditEvent, batch: Batch) -> None:
    """抄送 (docs/urge-and-copy.md): a completed task whose BPMN declares `copies` tells those roles' staff of
    the case's unit at each role's level what was decided. The completion event names the roles."""
    roles = event.details.get("copies") or []
    task = kept_rows.task(session, event.task_id) if event.task_id and roles else None
    if task is None:
        return
    users: dict[int, User] = {}
    for role in roles:
        level = ROLE_LEVELS.get(str(role))
        unit_id = task.case.unit_at(level.value) if level else None
        if unit_id is not None:
            users.update((user.id, user) for user in staff_of(session, str(role), unit_id))
    decision, opinion = event.details.get("decision_label"), (task.opinion or "").strip()
    body = f"{_name(session, event)} 已办结{case_words(task.case)}的“{task.title}”"
    body += (f"，结论：{decision}" if decision else "") + (f"，意见：{opinion}" if opinion else "")
    message = Message(
        "copied",
        f"task:{task.id}:copied",
        f"抄送：{task.title}",
        body + "。此为抄送，供您知悉，无需办理。",
        case_id=task.case_id,
        task_id=task.id,
        sender_id=event.actor_id,
    )
    send(session, message, _others(list(users.values()), event))


def _name(session: Session, event: AuditEvent) -> str:
    actor = session.get(User, event.actor_id) if event.actor_id else None
    return actor.display_name if actor is not None else (event.actor_name or "系统")


HANDLERS: dict[str, Handler] = {
    # Order matters within a transaction: a 退回 claims its reopened tasks before they are announced as new.
    "task_returned": task_returned,
    "task_created": task_created,
    "objection_received": objection_received,
    "task_delegated": task_handed_over,
    "task_transferred": task_handed_over,
    # 催办 and 抄送 (docs/urge-and-copy.md)
    "task_urged": task_urged,
    "task_completed": task_copied,
}
