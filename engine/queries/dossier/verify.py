"""The hash-chain check restricted to one case's events (docs/audit-integrity.md).

It checks what can be checked without the whole chain: each of the case's events against its own stored
hash, its link to the event before it (which may belong to another case) and the link of the event after
it. Deleting a whole event of the case is only visible to the full-chain check (`audit.verify`, the
"校验全部" button, `dibao audit verify`). Apart from the dossier's builder because the check reads raw
rows (details as the stored text) and neighbours outside the case, and runs on its own as well.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.persistence import AuditEvent, AuditHead, Case
from engine.queries.dossier.access import case_for_auditor
from engine.records.audit_chain import ChainSeal, Row, event_row, seal_of
from engine.results import GENESIS_HASH, VerifyResult

_LINK_CHUNK = 500  # seqs per IN (…) when fetching neighbouring events (SQLite's parameter limit)
# The details exactly as stored: the hash covers that text (audit_chain), not a re-serialised value.
_DETAILS_TEXT = cast(AuditEvent.details, Text).label("details_text")


def verify_case(ctx: Context, username: str, number: str) -> VerifyResult:
    """The chain check restricted to this case's events (see the module docstring). Reads only."""
    with ctx.db.read() as session:
        _, case = case_for_auditor(session, username, number)
        rows = [row for _, row in event_rows(session, case)]
        return verify_rows(session, rows)


def event_rows(session: Session, case: Case) -> list[tuple[AuditEvent, Row]]:
    """The case's events, oldest first, each with the row its hash covers (details as the stored text)."""
    found = session.execute(
        select(AuditEvent, _DETAILS_TEXT).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq)
    ).all()
    return [(event, event_row(event, str(text))) for event, text in found]


def verify_rows(session: Session, rows: Sequence[Row]) -> VerifyResult:
    """Each event against its own hash; the link from the event before it and to the event after it."""
    if not rows:
        return VerifyResult(True, 0, None)
    seal = seal_of(session)
    head = session.get(AuditHead, 1)
    seqs = {row[0] for row in rows}
    wanted = sorted({s - 1 for s in seqs if s > 1} | {s + 1 for s in seqs})
    neighbours = _rows_by_seq(session, wanted)
    neighbours.update({row[0]: row for row in rows})
    for checked, row in enumerate(rows, start=1):
        seq = row[0]
        problem = _check_row(row, neighbours, head, seal)
        if problem is not None:
            return VerifyResult(False, checked, seq, problem)
    return VerifyResult(True, len(rows), None)


def _check_row(row: Row, by_seq: Mapping[int, Row], head: AuditHead | None, seal: ChainSeal) -> str | None:
    seq, prev_hash, own_hash = row[0], row[11], row[12]
    if seal.row_hash(row) != own_hash:
        return "事件内容与其哈希不符（事件被修改）"
    if seq == 1:
        if prev_hash != GENESIS_HASH:
            return "首个事件的前一哈希不符（链首被替换）"
    else:
        before = by_seq.get(seq - 1)
        if before is None:
            return f"前一事件（第 {seq - 1} 号）不存在（有事件被删除）"
        if before[12] != prev_hash:
            return f"与前一事件（第 {seq - 1} 号）的哈希衔接不符（前一事件被删除、插入或修改）"
    after = by_seq.get(seq + 1)
    head_seq = head.seq if head is not None else 0
    if after is not None:
        if after[11] != own_hash:
            return f"后一事件（第 {seq + 1} 号）记录的前一哈希与本事件不符（本事件被修改后重算了哈希，或被替换）"
    elif seq != head_seq:
        return f"后一事件（第 {seq + 1} 号）不存在，而链尾为第 {head_seq} 号（有事件被删除）"
    elif head is None or head.hash != own_hash:
        return "链尾记录的哈希与本事件不符（本事件被修改或替换）"
    elif head.seal != seal.head_seal(head.seq, head.hash):
        return f"链尾记录的密钥校验值不符：链尾被改写（第 {seq} 号之后的事件可能被删除）"
    return None


def _rows_by_seq(session: Session, seqs: Sequence[int]) -> dict[int, Row]:
    found: dict[int, Row] = {}
    for start in range(0, len(seqs), _LINK_CHUNK):
        chunk = seqs[start : start + _LINK_CHUNK]
        query = select(AuditEvent, _DETAILS_TEXT).where(AuditEvent.seq.in_(chunk))
        for event, text in session.execute(query):
            found[event.seq] = event_row(event, str(text))
    return found
