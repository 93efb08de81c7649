"""The hash chain under the audit log: how an event's hash is made and how a chain is checked.

An event's hash covers every column and the previous event's hash. The details are hashed as the
exact canonical text the database stores (engine.persistence.jsontext), so verification streams
plain rows and never parses the JSON: 1,000,000 events must verify in ≤ 20 s (design.md §9).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from engine.persistence import AuditEvent, AuditHead
from engine.persistence.jsontext import canonical_json

GENESIS_HASH = "0" * 64

# seq, occurred_at, action, actor_id, actor_name, actor_role, actor_org, case_id, instance_id, task_id,
# details (canonical text), prev_hash, hash: the order `verify` selects them in.
Row = tuple[
    int,
    datetime,
    str,
    int | None,
    str | None,
    str | None,
    str | None,
    int | None,
    int | None,
    int | None,
    str,
    str,
    str,
]


def row_hash(row: Row) -> str:
    seq, at, action, actor_id, name, role, org, case_id, instance_id, task_id, details, prev_hash = row[:12]
    header = json.dumps(
        [
            seq,
            at.isoformat(timespec="microseconds"),
            action,
            actor_id,
            name,
            role,
            org,
            case_id,
            instance_id,
            task_id,
            prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{header}\n{details}".encode()).hexdigest()


def event_row(event: AuditEvent, details_text: str | None = None) -> Row:
    """The event as hashed. `details_text`: the details exactly as stored, when the caller read them as
    text (the chain is over the stored canonical text, not over a re-serialisation)."""
    return (
        event.seq,
        event.occurred_at,
        event.action,
        event.actor_id,
        event.actor_name,
        event.actor_role,
        event.actor_org,
        event.case_id,
        event.instance_id,
        event.task_id,
        canonical_json(event.details) if details_text is None else details_text,
        event.prev_hash,
        event.hash,
    )


def event_hash(event: AuditEvent) -> str:
    return row_hash(event_row(event))


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events_checked: int
    first_broken: int | None  # seq of the first event that does not fit
    reason: str | None = None


def verify_rows(rows: Iterable[Row], head: AuditHead | None) -> VerifyResult:
    previous_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    for row in rows:
        checked += 1
        seq = row[0]
        if seq != expected_seq:
            return VerifyResult(
                False, checked, seq, f"序号不连续：应为 {expected_seq}，实际为 {seq}（有事件被删除或插入）"
            )
        if row[11] != previous_hash:
            return VerifyResult(False, checked, seq, "前一事件哈希不符（前一事件被删除、插入或修改）")
        if row_hash(row) != row[12]:
            return VerifyResult(False, checked, seq, "事件内容与其哈希不符（事件被修改）")
        previous_hash, expected_seq = row[12], expected_seq + 1
    head_seq = head.seq if head is not None else 0
    head_hash = head.hash if head is not None else GENESIS_HASH
    if head_seq != expected_seq - 1 or head_hash != previous_hash:
        return VerifyResult(
            False, checked, expected_seq, f"链尾不符：记录的最后一个事件为第 {head_seq} 号（末尾事件被删除或追加）"
        )
    return VerifyResult(True, checked, None)
