"""Benchmark: 年度调标 of 10,000 enrolments (issue 18 part 2, docs/annual-adjustment.md), households/s.

The enrolled households are inserted directly (tests/scenarios/enrolments.py: the mix of raises, single-person
households, households crossing the line and 渐退 ones); the national standard rises to 850.00 from January
2027 in a copy of processes/; then `recalculation.prepare` (every household re-assessed, one transaction) and
`recalculation.approve` (every raise applied with its amount row and audit event, every flagged household put
up for re-check, one transaction) run as `dibao recalculate prepare|approve` runs them.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from engine.services import recalculation
from engine.settings import PROJECT_ROOT
from tests.bench.common import Outcome, Result, analyze, bench_context, progress, scaled
from tests.scenarios.enrolments import seed_enrolments

NAME = "年度调标 recalculation"
STANDARD = '[dibao_standard_{kind}]\n2021-07-01 = "800.00"\n'


def _raised(target: Path) -> Path:
    shutil.copytree(PROJECT_ROOT / "processes", target)
    path = target / "default" / "parameters.toml"
    text = path.read_text(encoding="utf-8")
    for kind in ("urban", "rural"):
        text = text.replace(STANDARD.format(kind=kind), STANDARD.format(kind=kind) + '2027-01-01 = "850.00"\n')
    path.write_text(text, encoding="utf-8")
    return target


def run() -> Outcome:
    count = scaled(10_000, minimum=100)
    with (
        TemporaryDirectory(prefix="dibao-bench-processes-") as tmp,
        bench_context("recalc", _raised(Path(tmp) / "p")) as ctx,
    ):
        progress(f"{NAME}: inserting {count:,} enrolled households")
        seed_enrolments(ctx, count, prefix="BENCH")
        analyze(ctx)
        recalculation.prepare(ctx, "county1", "2026-12")  # parses the definition once, as a running server has
        recalculation.cancel(ctx, "TB-2026-0001", "county1")
        progress(f"{NAME}: preparing")
        started = time.perf_counter()
        run_ = recalculation.prepare(ctx, "county1", "2027-01")
        prepared = time.perf_counter() - started
        progress(f"{NAME}: approving {run_.number}")
        started = time.perf_counter()
        approved = recalculation.approve(ctx, run_.number, "approver1")
        approving = time.perf_counter() - started
    applied = approved.counts["raise"] + approved.counts["reduce"] + approved.counts["flagged"]
    rows = [
        Result(
            NAME,
            f"`recalculation.prepare`: {count:,} enrolments re-assessed and stored, one transaction",
            count,
            value=f"{count / prepared:.0f} households/s ({prepared:.1f} s)",
        ),
        Result(
            NAME,
            f"`recalculation.approve`: {applied:,} changes applied and audited "
            f"({approved.counts['flagged']:,} of them flagged), one transaction",
            count,
            value=f"{count / approving:.0f} households/s ({approving:.1f} s)",
        ),
    ]
    return Outcome(rows)
