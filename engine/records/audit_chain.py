"""The chain under the audit log: how an event's hash is made and how a chain is checked.

An event's hash is an HMAC-SHA256, under the chain key (kept outside the database, engine.services.
audit_key), over every column and the previous event's hash; the head row carries a seal, an HMAC over its
seq and hash. Without the key nobody can recompute a hash after an edit, nor move the head back onto an
earlier event after deleting the tail. The details are hashed as the exact canonical text the database
stores (engine.persistence.jsontext), so verification streams plain rows and never parses the JSON:
1,000,000 events must verify in ≤ 20 s (docs/contracts.md#performance-targets).

Chains written before the key existed used plain SHA-256 over the same message (`plain_row_hash`); that
function only serves `dibao init` to check such a chain once before re-sealing it under the key
(engine.records.audit_key), never verification.

How audit.record finds the key: `Context` builds one `ChainKey` per database and puts it in every
Session's `info` (SQLAlchemy's sessionmaker `info=`), and `seal_of(session)` takes it from there. Dozens
of services call `audit.record(session, …)`; the session is the one thing they all already pass, and it
belongs to exactly one database, whose key is exactly this one. A module-level key would be shared by
every Context in the process (tests run several databases side by side), and a parameter would have to
be threaded through every caller. A session made some other way has no key, and recording fails rather
than writing an unsealed event. The key is read when first needed, so `dibao init` can create it and
commands that record nothing work without it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import Text, cast
from sqlalchemy.orm import Session

from engine.errors import AuditKeyError
from engine.persistence import AuditEvent, AuditHead
from engine.persistence.jsontext import canonical_json
from engine.results import GENESIS_HASH, VerifyResult

CHAIN_KEY_INFO = "dibao_chain_key"  # the Session.info entry holding the database's ChainKey

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
RowHash = Callable[[Row], str]
# The columns of a Row, for selecting them straight from the table (details as the stored text).
ROW_COLUMNS = (
    AuditEvent.seq,
    AuditEvent.occurred_at,
    AuditEvent.action,
    AuditEvent.actor_id,
    AuditEvent.actor_name,
    AuditEvent.actor_role,
    AuditEvent.actor_org,
    AuditEvent.case_id,
    AuditEvent.instance_id,
    AuditEvent.task_id,
    cast(AuditEvent.details, Text),
    AuditEvent.prev_hash,
    AuditEvent.hash,
)

# One encoder for every row: json.dumps would build a new one per call, a tenth of verify's time.
_encode_header = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _message(row: Row) -> bytes:
    seq, at, action, actor_id, name, role, org, case_id, instance_id, task_id, details, prev_hash = row[:12]
    header = _encode_header(
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
        ]
    )
    return f"{header}\n{details}".encode()


def plain_row_hash(row: Row) -> str:
    """The unkeyed hash of chains written before the chain key: for the one-time re-seal check only."""
    return hashlib.sha256(_message(row)).hexdigest()


class ChainSeal:
    """HMAC-SHA256 under the chain key: of events (their `hash`) and of the head (its `seal`)."""

    __slots__ = ("_keyed",)

    def __init__(self, key: bytes) -> None:
        # Keyed once; every hash starts from a copy. hmac.digest would set the key up again for each of the
        # million events `verify` hashes, which measured 2–3 times slower than a copy on this host.
        self._keyed = hmac.new(key, digestmod="sha256")

    def _mac(self, message: bytes) -> str:
        mac = self._keyed.copy()
        mac.update(message)
        return mac.hexdigest()

    def row_hash(self, row: Row) -> str:
        return self._mac(_message(row))

    def event_hash(self, event: AuditEvent) -> str:
        return self.row_hash(event_row(event))

    def head_seal(self, seq: int, hash_: str) -> str:
        # "head" cannot begin an event's message (a JSON list), so no event hash can serve as a head seal.
        return self._mac(f"head\n{seq}\n{hash_}".encode())


class ChainKey:
    """The key of one database, loaded once, on first use."""

    def __init__(self, load: Callable[[], bytes]) -> None:
        self._load = load
        self._seal: ChainSeal | None = None
        self._lock = threading.Lock()

    @classmethod
    def of(cls, key: bytes) -> ChainKey:
        return cls(lambda: key)

    def seal(self) -> ChainSeal:
        with self._lock:
            if self._seal is None:
                self._seal = ChainSeal(self._load())
            return self._seal


def seal_of(session: Session) -> ChainSeal:
    key = session.info.get(CHAIN_KEY_INFO)
    if not isinstance(key, ChainKey):
        raise AuditKeyError("审计密钥未配置：该数据库会话无法写入或校验审计记录")
    return key.seal()


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


def verify_rows(
    rows: Iterable[Row], head: AuditHead | None, row_hash: RowHash, head_seal: Callable[[int, str], str] | None
) -> VerifyResult:
    """Rows in seq order against `row_hash`, then the head against the last row and, given `head_seal`,
    against its seal (None only for a chain written before the key, which has no seal)."""
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
            return VerifyResult(False, checked, seq, "事件内容与其哈希不符（事件被修改，或哈希未用本系统的密钥计算）")
        previous_hash, expected_seq = row[12], expected_seq + 1
    head_seq = head.seq if head is not None else 0
    head_hash = head.hash if head is not None else GENESIS_HASH
    if head_seq != expected_seq - 1 or head_hash != previous_hash:
        return VerifyResult(
            False, checked, expected_seq, f"链尾不符：记录的最后一个事件为第 {head_seq} 号（末尾事件被删除或追加）"
        )
    # An empty chain has nothing to seal; wiping the whole log is what a signed checkpoint catches.
    if head_seq > 0 and head is not None and head_seal is not None and head.seal != head_seal(head_seq, head_hash):
        return VerifyResult(
            False,
            checked,
            head_seq + 1,
            f"链尾记录的密钥校验值不符：链尾被改写（第 {head_seq} 号之后的事件可能被删除）",
        )
    return VerifyResult(True, checked, None, head_seq=head_seq, head_hash=head_hash)
