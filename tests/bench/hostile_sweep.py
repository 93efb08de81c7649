"""Benchmark 7: a timer sweep of 1,000 due instances of which 10 run hostile regional drafts (issue 11).

990 default-region instances wait at the reference process's notice timer (one real case, cloned as
in benchmark 3). Each of the five seed regions deploys one hostile decision table from
tests/data/bundles/hostile_* (an unstorable output, a 21-second modular power, a 3 GB padding, a
gigabyte comprehension, an unguarded 10¹⁰-comparison C call) and has two cases waiting at the same
timer. One `timers.tick` must fire the 990 and park the 10 in `error`; the figure is the time it took
on the default limits (1 s script budget, 10 s engine step timeout, 1 GiB child memory).
"""

from __future__ import annotations

import shutil
import time
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from freezegun import freeze_time
from sqlalchemy import func, select

from engine.clock import utcnow
from engine.context import Context
from engine.persistence import HumanTask, ProcessInstance
from engine.services import cases, tasks, timers
from engine.settings import PROJECT_ROOT
from tests.bench.common import Outcome, Result, analyze, bench_context, progress, scaled
from tests.bench.timer_sweep import REGISTER_DATA, _clone, _waiting_instance

NAME = "7. hostile sweep"
HOSTILE = {
    "yantai": "hostile_unstorable",
    "bengbu": "hostile_modpow",
    "shaanxi": "hostile_padding",
    "huining": "hostile_memory",
    "taian": "hostile_slow_compare",
}
PER_REGION = 2


def _processes_with_hostile_regions(target: Path) -> Path:
    shutil.copytree(PROJECT_ROOT / "processes", target)
    for region, bundle in HOSTILE.items():
        for path in (PROJECT_ROOT / "tests" / "data" / "bundles" / bundle).iterdir():
            shutil.copy(path, target / "regions" / region / path.name)
    return target


def _hostile_cases(ctx: Context) -> None:
    with freeze_time(utcnow() - timedelta(days=10)):
        for region in HOSTILE:
            clerk = f"clerk_{region}"
            for _ in range(PER_REGION):
                cases.start_case(ctx, "reference_review", clerk, {"village": f"{region}-village"})
                (task,) = tasks.list_tasks(ctx, clerk)
                tasks.complete(ctx, task.id, clerk, REGISTER_DATA)


def run() -> Outcome:
    healthy = scaled(990, minimum=40)
    hostile = len(HOSTILE) * PER_REGION
    with TemporaryDirectory(prefix="dibao-bench-hostile-processes-") as tmp:
        processes = _processes_with_hostile_regions(Path(tmp) / "processes")
        with bench_context("hostile", processes) as ctx:
            progress(f"{NAME}: {healthy:,} default instances and {hostile} hostile ones at the notice timer")
            _hostile_cases(ctx)  # first: the clones take the ids after the last real case
            case, instance = _waiting_instance(ctx)
            _clone(ctx, case, instance, healthy - 1)
            analyze(ctx)
            started = time.perf_counter()
            processed = timers.tick(ctx)
            elapsed = time.perf_counter() - started
            with ctx.db.read() as session:
                fired = session.scalar(
                    select(func.count()).select_from(HumanTask).where(HumanTask.task_name == "township_review")
                )
                by_status = select(ProcessInstance.status, func.count()).group_by(ProcessInstance.status)
                statuses = {row[0]: row[1] for row in session.execute(by_status)}
    assert processed == healthy + hostile, processed
    assert fired == healthy, fired
    assert statuses == {"running": healthy, "error": hostile}, statuses
    progress(f"{NAME}: {fired} fired, {statuses.get('error')} parked, in {elapsed:.1f} s")
    return Outcome(
        [
            Result(
                NAME,
                f"`timers.tick` over {healthy + hostile:,} due timers, {hostile} of them hostile drafts",
                processed,
                value=f"{fired:,} fired, {hostile} parked in error, {elapsed:.1f} s",
                target=f"all {healthy:,} others fire",
                passed=fired == healthy,
            )
        ],
        [
            f"**{NAME}**: instance statuses afterwards {statuses}. The hostile tables per region: "
            + ", ".join(f"{region} `{bundle}`" for region, bundle in HOSTILE.items())
            + ". An unguarded C call runs until its CPU budget is checked after it returns, or until the engine"
            + " step timeout kills its child, whichever comes first."
        ],
    )
