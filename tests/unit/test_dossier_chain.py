"""dossier.verify_case: the hash-chain check restricted to one case's events, against edits made directly
in the database — including an edit whose tamperer recomputed the row's own hash, which only the link to
the next event (or the chain head) reveals — and who may run it."""

from __future__ import annotations

import pytest
from sqlalchemy import Text, cast, select, text

from engine.context import Context
from engine.errors import NotFound, PermissionDenied
from engine.lookups import get_org_unit
from engine.persistence import AuditEvent, AuditHead, Case
from engine.queries import dossier
from engine.records import audit
from engine.records.audit_chain import event_row, seal_of
from engine.services import cases, tasks
from engine.services.users import add_user

REGISTER = {"applicant_name": "赵六", "household_size": 2, "requested_amount": "600"}


@pytest.fixture
def two_cases(ctx: Context) -> tuple[str, str]:
    """Two reference_review cases whose events interleave in the chain: A, B, then A's registration."""
    first = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"}).number
    second = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-2"}).number
    (task,) = [t for t in tasks.list_tasks(ctx, "clerk1") if t.case_number == first]
    tasks.complete(ctx, task.id, "clerk1", REGISTER)
    return first, second


def _seqs(ctx: Context, number: str) -> list[int]:
    with ctx.db.read() as session:
        case_id = session.scalars(select(Case.id).where(Case.number == number)).one()
        return list(
            session.scalars(select(AuditEvent.seq).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq))
        )


def _sql(ctx: Context, statement: str, **params: object) -> None:
    with ctx.db.engine.begin() as conn:  # straight to the database, bypassing every service
        conn.execute(text(statement), params)


def _forge(ctx: Context, seq: int, details: str) -> None:
    """Replace an event's details and recompute its own hash, as a tamperer holding the chain key would."""
    assert details != _stored_details(ctx, seq), "the forgery must change something"
    with ctx.db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.seq == seq)).one()
        forged = seal_of(session).row_hash(event_row(event, details))
    _sql(ctx, "UPDATE audit_event SET details = :d, hash = :h WHERE seq = :s", d=details, h=forged, s=seq)


def _stored_details(ctx: Context, seq: int) -> str:
    with ctx.db.read() as session:
        return str(session.scalar(select(cast(AuditEvent.details, Text)).where(AuditEvent.seq == seq)))


def test_an_intact_case_verifies(ctx: Context, two_cases: tuple[str, str]) -> None:
    first, _ = two_cases
    result = dossier.verify_case(ctx, "auditor1", first)
    assert result.ok
    assert result.events_checked == len(_seqs(ctx, first))
    assert dossier.verification_text(result) == f"✓ 本案 {result.events_checked} 条记录完整未被篡改"


def test_an_edited_event_is_named_and_only_its_case_is_affected(ctx: Context, two_cases: tuple[str, str]) -> None:
    first, second = two_cases
    edited = _seqs(ctx, first)[-1]
    _sql(ctx, "UPDATE audit_event SET actor_name = 'clerk2' WHERE seq = :s", s=edited)
    result = dossier.verify_case(ctx, "auditor1", first)
    assert (result.ok, result.first_broken) == (False, edited)
    assert dossier.verification_text(result) == f"✗ 第 {edited} 条记录被篡改：事件内容与其哈希不符（事件被修改）"
    assert dossier.verify_case(ctx, "auditor1", second).ok
    assert audit.verify(ctx.db).first_broken == edited


def test_a_recomputed_hash_is_caught_by_the_next_events_link(ctx: Context, two_cases: tuple[str, str]) -> None:
    first, second = two_cases
    created = _seqs(ctx, first)[0]  # followed by more of A's events
    _forge(ctx, created, _stored_details(ctx, created).replace("demo-village-1-1", "demo-village-1-3"))
    result = dossier.verify_case(ctx, "auditor1", first)
    assert result.first_broken == created
    assert result.reason is not None
    assert f"后一事件（第 {created + 1} 号）" in result.reason
    assert dossier.verify_case(ctx, "auditor1", second).ok


def test_a_recomputed_hash_on_the_last_event_is_caught_by_the_chain_head(
    ctx: Context, two_cases: tuple[str, str]
) -> None:
    first, _ = two_cases
    last = _seqs(ctx, first)[-1]
    with ctx.db.read() as session:
        head = session.get(AuditHead, 1)
        assert head is not None
        assert head.seq == last
    _forge(ctx, last, _stored_details(ctx, last).replace("reference", "forged"))
    result = dossier.verify_case(ctx, "auditor1", first)
    assert result.first_broken == last
    assert result.reason == "链尾记录的哈希与本事件不符（本事件被修改或替换）"


def test_a_deleted_neighbour_of_another_case_breaks_the_link(ctx: Context, two_cases: tuple[str, str]) -> None:
    first, second = two_cases
    a_seqs, b_seqs = _seqs(ctx, first), _seqs(ctx, second)
    # The first of A's events that directly follows one of B's.
    follower = next(s for s in a_seqs if s - 1 in b_seqs)
    _sql(ctx, "DELETE FROM audit_event WHERE seq = :s", s=follower - 1)
    result = dossier.verify_case(ctx, "auditor1", first)
    assert result.first_broken == follower
    assert result.reason == f"前一事件（第 {follower - 1} 号）不存在（有事件被删除）"


def test_only_auditors_of_the_cases_unit_may_verify(ctx: Context, two_cases: tuple[str, str]) -> None:
    first, _ = two_cases
    with ctx.db.write() as session:
        add_user(
            session, "auditor_bengbu", "蚌埠审计", "pw-12345678", get_org_unit(session, "bengbu-county"), ["auditor"]
        )
    assert dossier.verify_case(ctx, "admin1", first).ok
    for outsider in ("clerk1", "designer1", "auditor_bengbu"):
        with pytest.raises(PermissionDenied):
            dossier.verify_case(ctx, outsider, first)
    with pytest.raises(NotFound):
        dossier.verify_case(ctx, "auditor1", "2026-9999999")
    with pytest.raises(PermissionDenied, match="需要审计或系统管理角色"):
        dossier.pii_views(ctx, "clerk1")
