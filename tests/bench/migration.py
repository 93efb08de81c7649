"""Benchmark: migrating running 低保 cases to a newer version (docs/process-migration.md), in cases/s.

Six real applications are parked at six steps of v1 (tests/scenarios/migration_flow.py); their case,
instance and task rows are then copied until there are 500 running cases (starting 500 applications
would take minutes and measure something else). v2 renames 初审 and adds a step; the benchmark times
the dry run of all of them, then their migration (each case its own transaction, audited).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from freezegun import freeze_time
from sqlalchemy import func, insert, select

from engine.context import Context
from engine.persistence import Case, HumanTask, ProcessDefinition, ProcessInstance
from engine.services import migration
from engine.settings import PROJECT_ROOT
from tests.bench.common import Outcome, Result, bench_context, progress, scaled
from tests.scenarios.migration_flow import STAGES, deploy_v2, park

NAME = "migration to a new version"
MAPPING = {"first_review": "township_review"}


def _now() -> float:
    # Not time.perf_counter: freezegun (the parked cases' dates) freezes it.
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def _rows(session: Any, model: Any, where: Any) -> list[dict[str, Any]]:
    table = model.__table__
    return [dict(row._mapping) for row in session.execute(select(table).where(where))]


def _copy_cases(ctx: Context, count: int) -> None:
    """Copies of the parked cases (new numbers; the same workflow states) up to `count` in all."""
    with ctx.db.write() as session:
        cases = _rows(session, Case, Case.id > 0)
        instances = {r["case_id"]: r for r in _rows(session, ProcessInstance, ProcessInstance.id > 0)}
        tasks = _rows(session, HumanTask, HumanTask.state.in_(("open", "claimed")))
        next_case = max(c["id"] for c in cases) + 1
        next_instance = max(i["id"] for i in instances.values()) + 1
        new_cases, new_instances, new_tasks = [], [], []
        for n in range(count - len(cases)):
            source = cases[n % len(cases)]
            case_id, instance_id = next_case + n, next_instance + n
            new_cases.append({**source, "id": case_id, "number": f"2026-{case_id + 1_000_000:07d}"})
            new_instances.append({**instances[source["id"]], "id": instance_id, "case_id": case_id})
            new_tasks += [
                {**{k: v for k, v in t.items() if k != "id"}, "case_id": case_id, "instance_id": instance_id}
                for t in tasks
                if t["case_id"] == source["id"]
            ]
        for model, rows in ((Case, new_cases), (ProcessInstance, new_instances), (HumanTask, new_tasks)):
            if rows:
                session.execute(insert(model), rows)


def run() -> Outcome:
    count = scaled(500, minimum=len(STAGES))
    with TemporaryDirectory(prefix="dibao-bench-migration-processes-") as tmp:
        processes_dir = Path(tmp) / "processes"
        shutil.copytree(PROJECT_ROOT / "processes", processes_dir)
        with bench_context("migration", processes_dir) as ctx, freeze_time("2026-11-23 01:00:00"):
            progress(f"{NAME}: parking {len(STAGES)} applications, copying them to {count}")
            for index, stage in enumerate(STAGES):
                park(ctx, index, stage)
            _copy_cases(ctx, count)
            deploy_v2(ctx, processes_dir)
            args = (ctx, "designer1", "dibao_application", "default", 2, MAPPING)
            progress(f"{NAME}: dry run")
            started = _now()
            table = migration.dry_run(*args)
            preview = _now() - started
            progress(f"{NAME}: migration")
            started = _now()
            done = migration.execute(*args)
            elapsed = _now() - started
            with ctx.db.read() as session:
                on_v2 = session.scalar(
                    select(func.count())
                    .select_from(ProcessInstance)
                    .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
                    .where(ProcessDefinition.version == 2)
                )
    assert table.movable == count == done.migrated == on_v2, (table.movable, count, done.migrated, on_v2)
    dry = f"{count / preview:.0f} cases/s ({preview:.1f} s)"
    wet = f"{count / elapsed:.0f} cases/s ({elapsed:.1f} s)"
    return Outcome(
        [
            Result(NAME, "dry run (`migration.dry_run`), all cases", count, value=dry),
            Result(NAME, "migration (`migration.execute`), one transaction per case", count, value=wet),
        ]
    )
