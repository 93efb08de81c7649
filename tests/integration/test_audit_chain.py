"""The audit chain detects any edit, deletion or insertion made directly in the database, and
`dibao audit verify` names the first broken event."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from engine.context import Context
from engine.queries import deployed
from engine.records import audit
from engine.services import cases, tasks
from web.cli import main

REGISTER = {"applicant_name": "赵六", "household_size": 2, "requested_amount": "600"}


@pytest.fixture
def busy_ctx(ctx: Context) -> Context:
    for _ in range(2):
        cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
    for task in tasks.list_tasks(ctx, "clerk1"):
        tasks.complete(ctx, task.id, "clerk1", REGISTER)
    return ctx


def _cli_verify(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("DIBAO_DATABASE_URL", ctx.db.url)
    result = CliRunner().invoke(main, ["audit", "verify"])
    return result.exit_code, result.output


def _sql(ctx: Context, statement: str) -> None:
    # Straight to the database, bypassing every service: what a tamperer would do.
    with ctx.db.engine.begin() as conn:
        conn.execute(text(statement))


def test_intact_chain_verifies(busy_ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    result = audit.verify(busy_ctx.db)
    # demo data, one event per deployed definition, 2 × (case created, task created, task completed)
    assert result.ok
    assert result.first_broken is None
    assert result.events_checked == 1 + len(deployed.list_definitions(busy_ctx)) + 6
    code, output = _cli_verify(busy_ctx, monkeypatch)
    assert code == 0
    assert f"共 {result.events_checked} 个事件" in output


TAMPERING: dict[str, tuple[Callable[[Context], None], int]] = {
    "edit details": (lambda c: _sql(c, 'UPDATE audit_event SET details = \'{"task": "x"}\' WHERE seq = 5'), 5),
    "edit actor": (lambda c: _sql(c, "UPDATE audit_event SET actor_name = 'clerk2' WHERE seq = 6"), 6),
    "edit time": (lambda c: _sql(c, "UPDATE audit_event SET occurred_at = '2020-01-01 00:00:00' WHERE seq = 4"), 4),
    "delete middle": (lambda c: _sql(c, "DELETE FROM audit_event WHERE seq = 5"), 6),
    "delete last": (lambda c: _sql(c, "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)"), -1),
    "insert forged": (lambda c: _sql(c, "UPDATE audit_event SET seq = seq + 1000 WHERE seq >= 7"), 1007),
}


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_tampering_is_detected_and_named(busy_ctx: Context, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    total = audit.verify(busy_ctx.db).events_checked
    tamper, expected = TAMPERING[kind]
    tamper(busy_ctx)
    result = audit.verify(busy_ctx.db)
    assert not result.ok
    expected_seq = total if expected == -1 else expected
    assert result.first_broken == expected_seq, result
    code, output = _cli_verify(busy_ctx, monkeypatch)
    assert code != 0
    assert f"第 {expected_seq} 号事件" in output


def test_inserted_row_with_a_recomputed_own_hash_still_breaks_the_chain(busy_ctx: Context) -> None:
    with busy_ctx.db.write() as session:
        forged = audit.record(session, "task_completed", audit.Actor(None, "intruder"), details={"forged": True})
        forged_seq = forged.seq
    # Rewire: move the forged row into the middle of history as seq 3, shifting nothing else.
    _sql(busy_ctx, f"UPDATE audit_event SET seq = -1 WHERE seq = {forged_seq}")
    _sql(busy_ctx, "UPDATE audit_event SET seq = seq + 10001 WHERE seq >= 3")
    _sql(busy_ctx, "UPDATE audit_event SET seq = seq - 10000 WHERE seq >= 10000")
    _sql(busy_ctx, "UPDATE audit_event SET seq = 3 WHERE seq = -1")
    result = audit.verify(busy_ctx.db)
    assert not result.ok
    assert result.first_broken == 3


def test_id_numbers_never_enter_the_log_in_clear(ctx: Context) -> None:
    with ctx.db.write() as session:
        event = audit.record(session, "pii_test", details={"id_number": "11010519491231002X", "n": [1]})
        assert event.details == {"id_number": "110105********002X", "n": [1]}
