"""The append-only, hash-chained audit log (docs/contracts.md#audit-events). Events are sealed under the chain key,
which every session of a Context carries (engine.records.audit_chain explains how and why)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.domain.id_numbers import is_valid_id_number, mask_id_number
from engine.persistence import AuditEvent, AuditHead, HumanTask, User
from engine.persistence.db import Database
from engine.records.audit_chain import ROW_COLUMNS, seal_of, verify_rows
from engine.records.notifications.fanout import remember
from engine.results import GENESIS_HASH, VerifyResult

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


def mask_pii(value: Any) -> Any:
    """ID numbers never enter the audit log in clear (docs/rules.md#privacy: mask ID numbers in logs)."""
    if isinstance(value, str) and _ID_LIKE.match(value) and is_valid_id_number(value):
        return mask_id_number(value)
    if isinstance(value, dict):
        return {k: mask_pii(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_pii(v) for v in value]
    return value


LOCK_HEAD = select(AuditHead).where(AuditHead.id == 1).with_for_update()


def lock_head(session: Session) -> AuditHead:
    # FOR UPDATE serialises appenders on PostgreSQL; SQLite writers are already serialised by
    # BEGIN IMMEDIATE (engine.persistence.db). Locked once per transaction, then kept in session.info.
    head: AuditHead | None = session.info.get("audit_head")
    if head is not None and head in session:
        return head
    head = session.scalars(LOCK_HEAD).first()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    session.info["audit_head"] = head
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
    seal = seal_of(session)  # before anything else: without the key nothing is recorded
    head = lock_head(session)
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
    event.hash = seal.event_hash(event)
    session.add(event)
    head.seq, head.hash, head.seal = event.seq, event.hash, seal.head_seal(event.seq, event.hash)
    remember(session, event)  # what it notifies is written before the transaction commits
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


def verify(db: Database, anchor: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the whole chain in seq order, streaming (1,000,000 events must take ≤ 20 s). With `anchor`, the
    (seq, hash) of a signed checkpoint, also prove that the chain still reaches event seq with that hash."""
    with db.read() as session:
        seal = seal_of(session)
        head = session.get(AuditHead, 1)
        query = select(*ROW_COLUMNS).order_by(AuditEvent.seq).execution_options(yield_per=10_000)
        rows = session.connection().execute(query)  # Core rows: no ORM bookkeeping per event
        result = verify_rows((tuple(r) for r in rows), head, seal.row_hash, seal.head_seal)
        if not result.ok or anchor is None:
            return result
        return _against_anchor(session, result, *anchor)


def _against_anchor(session: Session, result: VerifyResult, seq: int, hash_: str) -> VerifyResult:
    checked = result.events_checked
    if result.head_seq < seq:
        return VerifyResult(
            False,
            checked,
            result.head_seq + 1,
            f"审计链被截断：已签名的检查点记录到第 {seq} 号事件，现在链尾只到第 {result.head_seq} 号"
            f"（第 {result.head_seq + 1} 号起的事件被删除）",
        )
    if session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq)) != hash_:
        return VerifyResult(
            False,
            checked,
            seq,
            f"第 {seq} 号事件的哈希与已签名的检查点不符：第 {seq} 号及之前的记录被改写，并用审计密钥重新计算了哈希",
        )
    return result


def case_history(db: Database, case_id: int) -> list[AuditEvent]:
    with db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)))
