"""A worker killed mid-sweep (issue 19, "Bad input"): a real `dibao worker` process is killed with SIGKILL
while it fires many due timers; the next worker finishes the sweep. Every timer fired exactly once, every
instance has its one next task, and `dibao audit verify` passes.

The timers are due in real time without sleeping: one case is registered under freezegun ten days back,
so its 公示 deadline has passed; its Case and ProcessInstance rows are then cloned (as tests/bench does)."""

from __future__ import annotations

import os
import signal
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import func, insert, select

from engine.clock import utcnow
from engine.context import Context
from engine.persistence import AuditEvent, Case, HumanTask, ProcessInstance
from engine.services import cases, tasks
from tests.integration import processes

INSTANCES = 400  # eight batches of timers.BATCH: a kill lands between or inside them
REGISTER = {"applicant_name": "张三", "household_size": 3, "requested_amount": "1000"}


def _row(entity: Any) -> dict[str, Any]:
    return {column.key: getattr(entity, column.key) for column in entity.__table__.columns}


def _due_instances(ctx: Context, count: int) -> set[int]:
    """`count` instances whose notice timer is overdue now; their ids."""
    with freeze_time(utcnow() - timedelta(days=10)):
        view = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
        (task,) = tasks.list_tasks(ctx, "clerk1")
        tasks.complete(ctx, task.id, "clerk1", REGISTER)
    with ctx.db.write() as session:
        case = session.scalars(select(Case).where(Case.number == view.number)).one()
        instance = session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case.id)).one()
        assert instance.next_timer_at is not None
        assert instance.next_timer_at < utcnow()
        case_row, instance_row = _row(case), _row(instance)
        year = case.number.split("-")[0]
        ids = [instance.id + 1 + i for i in range(count - 1)]
        session.execute(
            insert(Case),
            [{**case_row, "id": case.id + 1 + i, "number": f"{year}-9{i:06d}"} for i in range(count - 1)],
        )
        session.execute(
            insert(ProcessInstance),
            [{**instance_row, "id": ids[i], "case_id": case.id + 1 + i} for i in range(count - 1)],
        )
        return {instance.id, *ids}


def _fired(ctx: Context) -> dict[int, int]:
    with ctx.db.read() as session:
        rows = session.execute(
            select(AuditEvent.instance_id, func.count())
            .where(AuditEvent.action == "timer_fired")
            .group_by(AuditEvent.instance_id)
        )
        return {int(instance_id): int(count) for instance_id, count in rows.tuples()}


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_worker_killed_mid_sweep_is_finished_by_the_next_and_every_timer_fires_once(
    ctx: Context, tmp_path: Path, database: str
) -> None:
    due = _due_instances(ctx, INSTANCES)
    env = processes.environment(ctx)

    first_log = tmp_path / "worker-1.log"
    first = processes.start(["worker", "--interval", "0.2"], env, first_log)
    processes.wait_for(lambda: len(_fired(ctx)) > 0, "the first worker's sweep", first, first_log)
    os.killpg(first.pid, signal.SIGKILL)  # the worker and its engine host children, mid-sweep
    first.wait()
    after_kill = len(_fired(ctx))
    assert 0 < after_kill < INSTANCES, "the kill must land mid-sweep"

    second_log = tmp_path / "worker-2.log"
    second = processes.start(["worker", "--interval", "0.2"], env, second_log)
    processes.wait_for(lambda: len(_fired(ctx)) == INSTANCES, "the second worker's sweep", second, second_log)
    assert processes.stop(second) == 0, second_log.read_text()

    fired = _fired(ctx)
    assert set(fired) == due
    assert set(fired.values()) == {1}, "a timer fired twice"
    with ctx.db.read() as session:
        open_reviews = session.execute(
            select(HumanTask.instance_id, func.count())
            .where(HumanTask.task_name == "township_review", HumanTask.state == "open")
            .group_by(HumanTask.instance_id)
        ).all()
        statuses = dict(
            session.execute(select(ProcessInstance.status, func.count()).group_by(ProcessInstance.status)).all()
        )
    assert {instance_id for instance_id, _ in open_reviews} == due
    assert {count for _, count in open_reviews} == {1}
    assert statuses == {"running": INSTANCES}
    verified = processes.run(["audit", "verify"], env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "审计链完整" in verified.stdout
