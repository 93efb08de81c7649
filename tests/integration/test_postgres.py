"""What only PostgreSQL can show: real concurrency. Two completions of one task racing, and two
timer workers sweeping the same due instances at once (SKIP LOCKED)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from freezegun import freeze_time
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import lookups
from engine.context import Context
from engine.persistence import AuditEvent, HumanTask
from engine.queries import case_view
from engine.queries import notices as notice_board
from engine.records import advancing, audit
from engine.services import cases, tasks, timers
from tests.conftest import MakeContext, add_second_clerk, complete_concurrently

pytestmark = pytest.mark.postgres
REGISTER = {"applicant_name": "孙七", "household_size": 2, "requested_amount": "700"}


@freeze_time("2026-11-23 01:00:00")
def test_reference_process_end_to_end_on_postgres(ctx: Context) -> None:
    assert ctx.db.is_postgres
    number = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"}).number
    (task,) = tasks.list_tasks(ctx, "clerk1")
    tasks.complete(ctx, task.id, "clerk1", {**REGISTER, "requested_amount": "9000"})
    with freeze_time("2026-12-01 01:00:00"):
        assert timers.tick(ctx) == 1
        (review,) = tasks.list_tasks(ctx, "approver1")
        tasks.complete(ctx, review.id, "approver1", {"decision": "approve", "opinion": "同意"})
    assert case_view.show_case(ctx, number).status == "closed"
    assert audit.verify(ctx.db).ok


def test_racing_completions_one_wins_the_other_conflicts(
    make_context: MakeContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = make_context()
    add_second_clerk(ctx)
    cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
    (task,) = tasks.list_tasks(ctx, "clerk1")
    # Both transactions have read the open task before either takes the audit lock and writes: the
    # second then waits for the first to commit and must fail on the instance's version.
    both_loaded = threading.Barrier(2, timeout=10)
    original = advancing.prepare

    def prepare_after_both_loaded(session: Session, instance_id: int, **options: bool) -> list[HumanTask]:
        both_loaded.wait()
        return original(session, instance_id, **options)

    monkeypatch.setattr(advancing, "prepare", prepare_after_both_loaded)
    assert complete_concurrently(ctx, task.id, REGISTER) == ["conflict", "ok"]
    with ctx.db.read() as session:
        completions = session.scalars(select(AuditEvent).where(AuditEvent.action == "task_completed")).all()
        assert len(completions) == 1
        assert session.get(HumanTask, task.id).state == "completed"  # type: ignore[union-attr]
    assert audit.verify(ctx.db).ok


def test_two_workers_never_process_the_same_instance(
    make_context: MakeContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = make_context()
    count = 60
    with freeze_time("2026-11-23 01:00:00"):
        for _ in range(count):
            cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
        for task in tasks.list_tasks(ctx, "clerk1", limit=count):
            tasks.complete(ctx, task.id, "clerk1", REGISTER)
    monkeypatch.setattr(timers, "BATCH", 4)  # many small batches, so the two sweeps interleave
    workers = [make_context(), make_context()]  # separate connection pools, as separate processes have
    start = threading.Barrier(2, timeout=10)
    processed: list[int] = []

    def sweep(worker_ctx: Context) -> None:
        start.wait()
        processed.append(timers.tick(worker_ctx))

    with freeze_time("2026-12-01 01:00:00"):
        threads = [threading.Thread(target=sweep, args=(w,)) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert sum(processed) == count
    with ctx.db.read() as session:
        fired = Counter(session.scalars(select(AuditEvent.instance_id).where(AuditEvent.action == "timer_fired")))
        reviews = session.scalars(select(HumanTask).where(HumanTask.task_name == "township_review")).all()
    assert len(fired) == count
    assert set(fired.values()) == {1}
    assert len(reviews) == count
    assert audit.verify(ctx.db).ok


@freeze_time("2026-11-23 01:00:00")
def test_two_objections_at_the_same_moment_are_both_delivered(ctx: Context) -> None:
    from engine.persistence import Objection
    from engine.services import notices
    from tests.scenarios.flow import Application
    from tests.scenarios.households import household, member

    app = Application(ctx, household(member("张三", "self", ("wage", "1500.00")), member("李芳", "spouse")))
    app.start().accept().investigate().first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    both_ready = threading.Barrier(2, timeout=10)
    failures: list[BaseException] = []

    def objection(text: str) -> None:
        try:
            both_ready.wait()
            notices.object_to_notice(ctx, notice.id, text)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=objection, args=(t,)) for t in ("有车辆未申报", "有门面出租")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with ctx.db.read() as session:
        assert sorted(o.text for o in session.scalars(select(Objection))) == ["有车辆未申报", "有门面出租"]
    with freeze_time("2026-11-30 02:00:00"):
        assert timers.tick(ctx) == 1
        assert app.open_task_names() == ["objection_handling"]
    events = audit.case_history(ctx.db, _case_id(ctx, app.number))
    assert [e.action for e in events].count("objection_received") == 2
    assert audit.verify(ctx.db).ok


def _case_id(ctx: Context, number: str) -> int:
    with ctx.db.read() as session:
        return lookups.get_case(session, number).id
