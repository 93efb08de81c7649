"""Benchmark 3: one worker's timer sweep (`timers.tick`) over 10,000 instances due at the notice timer.

One real case is started and registered with the clock set 10 days back (freezegun, setup only), so
its workflow state holds a real notice-timer deadline 3 days in the past. Its Case and
ProcessInstance rows are then cloned in bulk with the same `state` bytes and `next_timer_at`, each
clone with a new case number. The sweep runs on the real clock: the engine must restore every
instance, find the deadline passed, fire the timer, run the DMN and gateway and create the next
user task. Afterwards the benchmark checks that exactly one township_review task exists per instance.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from freezegun import freeze_time
from sqlalchemy import func, select

from engine.clock import utcnow
from engine.context import Context
from engine.persistence import Case, HumanTask, ProcessInstance
from engine.services import cases, tasks, timers
from tests.bench.common import Outcome, Result, analyze, bench_context, bulk_insert, progress, scaled

NAME = "3. timer sweep"
TARGET_PER_S = 200.0
REGISTER_DATA = {"applicant_name": "张三", "household_size": 3, "requested_amount": "1000"}


def _waiting_instance(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start and register one case in the past; return its Case and ProcessInstance rows as dicts."""
    with freeze_time(utcnow() - timedelta(days=10)):
        view = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
        (task,) = tasks.list_tasks(ctx, "clerk1")
        tasks.complete(ctx, task.id, "clerk1", REGISTER_DATA)
    with ctx.db.read() as session:
        case = session.scalars(select(Case).where(Case.number == view.number)).one()
        instance = session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case.id)).one()
        assert instance.status == "waiting"
        assert instance.next_timer_at is not None
        assert instance.next_timer_at < utcnow(), "the notice deadline must already have passed"
        return _row(case), _row(instance)


def _row(entity: Any) -> dict[str, Any]:
    return {column.key: getattr(entity, column.key) for column in entity.__table__.columns}


def _clone(ctx: Context, case: dict[str, Any], instance: dict[str, Any], copies: int) -> None:
    first = case["id"] + 1
    year = case["number"].split("-")[0]
    bulk_insert(
        ctx,
        Case,
        ({**case, "id": first + i, "number": f"{year}-{first + i:07d}"} for i in range(copies)),
    )
    bulk_insert(
        ctx,
        ProcessInstance,
        ({**instance, "id": instance["id"] + 1 + i, "case_id": first + i} for i in range(copies)),
    )


def run() -> Outcome:
    count = scaled(10_000, minimum=100)
    with bench_context("timers") as ctx:
        progress(f"{NAME}: preparing {count:,} instances waiting at the notice timer")
        case, instance = _waiting_instance(ctx)
        _clone(ctx, case, instance, count - 1)
        analyze(ctx)
        progress(f"{NAME}: sweeping (one worker, one tick)")
        started = time.perf_counter()
        processed = timers.tick(ctx)
        elapsed = time.perf_counter() - started
        with ctx.db.read() as session:
            created = session.scalar(
                select(func.count())
                .select_from(HumanTask)
                .where(HumanTask.task_name == "township_review", HumanTask.state == "open")
            )
            still_due = session.scalar(
                select(func.count()).select_from(ProcessInstance).where(ProcessInstance.next_timer_at.is_not(None))
            )
            by_status = select(ProcessInstance.status, func.count()).group_by(ProcessInstance.status)
            statuses: dict[str, int] = {row[0]: row[1] for row in session.execute(by_status)}
    assert processed == count, f"tick processed {processed}, expected {count}"
    assert created == count, f"{created} township_review tasks created, expected {count}"
    assert still_due == 0, still_due
    assert statuses == {"running": count}, statuses
    rate = processed / elapsed
    progress(f"{NAME}: {processed:,} in {elapsed:.1f} s = {rate:.0f}/s")
    return Outcome(
        [
            Result(
                NAME,
                "`timers.tick` over due notice timers, one worker (instances/s)",
                processed,
                median_ms=None,
                p90_ms=None,
                value=f"{rate:.0f} /s ({elapsed:.1f} s total, {elapsed / processed * 1000:.2f} ms each)",
                target=f"≥ {TARGET_PER_S:g} /s",
                passed=rate >= TARGET_PER_S,
            )
        ],
        [
            f"**{NAME}**: {processed:,} instances fired; afterwards {created:,} open `township_review` tasks, "
            f"instance statuses {statuses}, none left with a timer."
        ],
    )
