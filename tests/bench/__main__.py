"""`python -m tests.bench [name ...]`: run the benchmarks (all, or those named), print a Markdown table
of the results and the machine, and save it to tests/bench/results.md. Progress goes to stderr."""

from __future__ import annotations

import os

os.environ.setdefault("DIBAO_FAST_PASSWORD_HASH", "1")  # before engine.services.users is imported

import importlib
import sys
import time
import traceback
from pathlib import Path

from tests.bench.common import Outcome, Result, progress, scale
from tests.bench.machine import code_revision, describe

BENCHMARKS = [
    "task_completion",
    "inbox",
    "inbox_pages",
    "timer_sweep",
    "audit_verify",
    "batch_start",
    "dashboard",
    "hostile_sweep",
    "documents",
    "notification_delivery",
    "recalculation",  # 年度调标 (docs/annual-adjustment.md)
    "simulation",
    "migration",  # running cases to a newer process version (docs/process-migration.md)
    "payroll",
    "api_throughput",  # the production server under 8 clients (issue 19)
    "alert_import",  # 监测预警 rows per second (docs/alerts.md)
]
RESULTS = Path(__file__).with_name("results.md")


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.2f} ms" if value < 100 else f"{value / 1000:.2f} s"


def _verdict(passed: bool | None) -> str:
    return "—" if passed is None else "pass" if passed else "**FAIL**"


def table(results: list[Result]) -> str:
    lines = [
        "| Benchmark | Measure | N | Median | p90 | Figure | Target | Result |",
        "|---|---|---:|---:|---:|---|---|---|",
    ]
    lines += [
        f"| {r.benchmark} | {r.measure} | {r.n:,} | {_ms(r.median_ms)} | {_ms(r.p90_ms)} | {r.value or ''} "
        f"| {r.target} | {_verdict(r.passed)} |"
        for r in results
    ]
    return "\n".join(lines)


def run_one(name: str) -> Outcome:
    progress(f"=== {name}")
    started = time.perf_counter()
    try:
        outcome: Outcome = importlib.import_module(f"tests.bench.{name}").run()
    except Exception:
        progress(f"{name} failed:\n{traceback.format_exc()}")
        return Outcome(
            [Result(name, "benchmark raised an exception", 0, value="error", passed=False)],
            [f"**{name}** failed:\n\n```\n{traceback.format_exc()}```"],
        )
    progress(f"=== {name} done in {time.perf_counter() - started:.0f} s")
    return outcome


def main(names: list[str]) -> int:
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {BENCHMARKS}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    outcomes = [run_one(name) for name in names or BENCHMARKS]
    results = [r for o in outcomes for r in o.results]
    notes = [n for o in outcomes for n in o.notes]
    report = "\n\n".join(
        [
            "# dibao benchmarks (docs/contracts.md#performance-targets)",
            f"Machine: {describe()}",
            f"Code: {code_revision()}",
            f"Scale: DIBAO_BENCH_SCALE={scale():g}; whole run {time.perf_counter() - started:.0f} s; "
            "SQLite file databases in a temp directory, built fresh per benchmark.",
            table(results),
            *notes,
        ]
    )
    print(report)
    RESULTS.write_text(report + "\n", encoding="utf-8")
    progress(f"written to {RESULTS}")
    return 1 if any(r.passed is False and r.value == "error" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
