"""终止 racing a task completion on PostgreSQL (docs/ending-and-pausing-cases.md): both have read the case before
either writes; one wins, the other gets a 409 conflict, and nothing of the loser is stored."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from freezegun import freeze_time
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict
from engine.persistence import AuditEvent, HumanTask
from engine.queries import case_view
from engine.records import advancing, audit
from engine.services import case_ending, cases, tasks
from tests.conftest import MakeContext

pytestmark = pytest.mark.postgres
REGISTER = {"applicant_name": "孙七", "household_size": 2, "requested_amount": "700"}


@freeze_time("2026-11-23 01:00:00")
def test_terminate_racing_a_completion_one_wins_the_other_conflicts(
    make_context: MakeContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = make_context()
    assert ctx.db.is_postgres
    number = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"}).number
    (task,) = tasks.list_tasks(ctx, "clerk1")
    both_loaded = threading.Barrier(2, timeout=10)
    original = advancing.prepare

    def prepare_after_both_loaded(session: Session, instance_id: int, **options: bool) -> list[HumanTask]:
        both_loaded.wait()
        return original(session, instance_id, **options)

    monkeypatch.setattr(advancing, "prepare", prepare_after_both_loaded)
    outcomes: dict[str, str] = {}

    def run(name: str, action: Callable[[], object]) -> None:
        try:
            action()
            outcomes[name] = "ok"
        except Conflict:
            outcomes[name] = "conflict"

    threads = [
        threading.Thread(target=run, args=("complete", lambda: tasks.complete(ctx, task.id, "clerk1", REGISTER))),
        threading.Thread(
            target=run, args=("terminate", lambda: case_ending.terminate(ctx, number, "head1", "other", "并发测试"))
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "ok"]
    view = case_view.show_case(ctx, number)
    with ctx.db.read() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    if outcomes["terminate"] == "ok":
        assert view.status == "cancelled"
        assert "task_completed" not in actions
    else:
        assert view.status == "open"
        assert "case_terminated" not in actions
    assert audit.verify(ctx.db).ok
