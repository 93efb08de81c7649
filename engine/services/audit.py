"""The append-only, hash-chained audit log (design.md §3 AuditEvent)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.domain.id_numbers import is_valid_id_number, mask_id_number
from engine.persistence import AuditEvent, AuditHead, HumanTask, User
from engine.persistence.db import Database

GENESIS_HASH = "0" * 64
_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")


@dataclass(frozen=True)
class Actor:
    """Who did something, as the audit log remembers it."""

    user_id: int | None
    name: str
    role: str | None = None
    org: str | None = None

    @classmethod
    def of(cls, user: User, role: str | None = None) -> Actor:
        return cls(user.id, user.username, role, user.org_unit.code)


SYSTEM = Actor(None, "system")


def canonical(event: AuditEvent) -> bytes:
    body = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "actor_org": event.actor_org,
        "case_id": event.case_id,
        "instance_id": event.instance_id,
        "task_id": event.task_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def mask_pii(value: Any) -> Any:
    """ID numbers never enter the audit log in clear (domain.md §9: mask ID numbers in logs)."""
    if isinstance(value, str) and _ID_LIKE.match(value) and is_valid_id_number(value):
        return mask_id_number(value)
    if isinstance(value, dict):
        return {k: mask_pii(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_pii(v) for v in value]
    return value


def _head(session: Session) -> AuditHead:
    # FOR UPDATE serialises appenders on PostgreSQL; SQLite writers are already serialised by
    # BEGIN IMMEDIATE (engine.persistence.db).
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).first()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def record(
    session: Session,
    action: str,
    actor: Actor = SYSTEM,
    *,
    case_id: int | None = None,
    instance_id: int | None = None,
    task_id: int | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    head = _head(session)
    event = AuditEvent(
        seq=head.seq + 1,
        occurred_at=at or utcnow(),
        action=action,
        actor_id=actor.user_id,
        actor_name=actor.name,
        actor_role=actor.role,
        actor_org=actor.org,
        case_id=case_id,
        instance_id=instance_id,
        task_id=task_id,
        details=json.loads(json.dumps(mask_pii(details or {}), default=str)),
        prev_hash=head.hash,
    )
    event.hash = event_hash(event)
    session.add(event)
    head.seq, head.hash = event.seq, event.hash
    return event


def record_task(
    session: Session, action: str, actor: Actor, task: HumanTask, *, at: datetime | None = None, **details: Any
) -> AuditEvent:
    """An event about one task: its case, instance and name are always recorded."""
    return record(
        session,
        action,
        actor,
        case_id=task.case_id,
        instance_id=task.instance_id,
        task_id=task.id,
        at=at,
        details={"task": task.task_name, **details},
    )


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Before/after of every key whose value the completion changed."""
    return {
        key: {"before": before.get(key), "after": value} for key, value in after.items() if before.get(key) != value
    }


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events_checked: int
    first_broken: int | None  # seq of the first event that does not fit
    reason: str | None = None


def verify_chain(events: Iterator[AuditEvent], head: AuditHead | None) -> VerifyResult:
    previous_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in events:
        checked += 1
        if event.seq != expected_seq:
            return VerifyResult(
                False, checked, event.seq, f"序号不连续：应为 {expected_seq}，实际为 {event.seq}（有事件被删除或插入）"
            )
        if event.prev_hash != previous_hash:
            return VerifyResult(False, checked, event.seq, "前一事件哈希不符（前一事件被删除、插入或修改）")
        if event_hash(event) != event.hash:
            return VerifyResult(False, checked, event.seq, "事件内容与其哈希不符（事件被修改）")
        previous_hash, expected_seq = event.hash, expected_seq + 1
    head_seq = head.seq if head is not None else 0
    head_hash = head.hash if head is not None else GENESIS_HASH
    if head_seq != expected_seq - 1 or head_hash != previous_hash:
        return VerifyResult(
            False, checked, expected_seq, f"链尾不符：记录的最后一个事件为第 {head_seq} 号（末尾事件被删除或追加）"
        )
    return VerifyResult(True, checked, None)


def verify(db: Database) -> VerifyResult:
    """Walk the whole chain in seq order, streaming (1,000,000 events must take ≤ 20 s)."""
    with db.read() as session:
        head = session.get(AuditHead, 1)
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=5000))
        result = verify_chain(iter(events), head)
        session.expunge_all()
        return result


def case_history(db: Database, case_id: int) -> list[AuditEvent]:
    with db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)))
