"""Benchmark 5 (context only): starting 10,000 reference-process cases one `cases.start_case` call each.

design.md §9's ≥ 300 cases/s target is for starting a batch of periodic re-check cases through a batch
API that a later issue builds; this measures the per-call path that exists today, for comparison.
"""

from __future__ import annotations

import time
from dataclasses import replace

from sqlalchemy import func, select

from engine.persistence import HumanTask
from engine.services import cases
from tests.bench.common import Outcome, Result, bench_context, progress, scaled

NAME = "5. batch start (context)"
VILLAGES = ("demo-village-1-1", "demo-village-1-2", "demo-village-1-3")


def run() -> Outcome:
    count = scaled(10_000, minimum=100)
    samples: list[float] = []
    with bench_context("start") as ctx:
        progress(f"{NAME}: starting {count:,} cases one call each")
        started = time.perf_counter()
        for index in range(count):
            before = time.perf_counter()
            cases.start_case(ctx, "reference_review", "clerk1", {"village": VILLAGES[index % len(VILLAGES)]})
            samples.append(time.perf_counter() - before)
            if (index + 1) % max(1, count // 5) == 0:
                progress(f"{NAME}:   {index + 1:,} cases")
        elapsed = time.perf_counter() - started
        with ctx.db.read() as session:
            created = session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.state == "open"))
    assert created == count, (created, count)
    rate = count / elapsed
    row = Result.of_samples(NAME, "`cases.start_case` one call per case (no batch API yet)", samples)
    figure = f"{rate:.0f} cases/s ({elapsed:.0f} s total)"
    return Outcome([replace(row, value=figure, target="(≥ 300 /s is for the batch API)")])
