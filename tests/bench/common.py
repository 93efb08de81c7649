"""Shared pieces of the benchmarks: scale, progress, timing statistics, result rows, the database setup."""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import insert

from engine.context import Context
from engine.persistence import Base
from engine.services.bootstrap import create_demo_data
from engine.services.designer import deploy
from engine.settings import PROJECT_ROOT, Settings

_STARTED = time.perf_counter()


def scale() -> float:
    return float(os.environ.get("DIBAO_BENCH_SCALE") or 1.0)


def scaled(count: int, minimum: int = 1) -> int:
    """`count` times DIBAO_BENCH_SCALE, never below `minimum`."""
    return max(minimum, round(count * scale()))


def progress(message: str) -> None:
    print(f"[bench {time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Result:
    """One row of the results table. Times are in milliseconds; `value` is for throughput/total rows."""

    benchmark: str
    measure: str
    n: int
    median_ms: float | None = None
    p90_ms: float | None = None
    value: str | None = None  # e.g. "412 /s" or "13.2 s" when median/p90 do not apply
    target: str = "—"
    passed: bool | None = None  # None: reported for context, no target

    @classmethod
    def of_samples(
        cls, benchmark: str, measure: str, samples_s: list[float], target: str = "—", passed: bool | None = None
    ) -> Result:
        return cls(
            benchmark,
            measure,
            len(samples_s),
            statistics.median(samples_s) * 1000,
            percentile(samples_s, 0.9) * 1000,
            target=target,
            passed=passed,
        )


@dataclass
class Outcome:
    """What one benchmark module reports: table rows, and notes (Markdown) printed under the table."""

    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def median_ms(samples_s: list[float]) -> float:
    return statistics.median(samples_s) * 1000


@contextmanager
def bench_context(name: str, processes_dir: Path | None = None) -> Iterator[Context]:
    """A fresh SQLite database in a temp directory: schema, demo org tree and users, processes/ (or
    `processes_dir`) deployed."""
    with TemporaryDirectory(prefix=f"dibao-bench-{name}-") as tmp:
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'dibao.sqlite3'}",
            demo=True,
            processes_dir=processes_dir or PROJECT_ROOT / "processes",
            script_budget=1.0,
            audit_key=secrets.token_hex(32),  # the chain key as a setting: nothing written under instance/
            documents_dir=Path(tmp) / "documents",  # issued PDFs too: nothing under instance/
        )
        ctx = Context.from_settings(settings)
        try:
            Base.metadata.create_all(ctx.db.engine)
            create_demo_data(ctx)
            deploy(ctx)
            yield ctx
        finally:
            ctx.close()


def bulk_insert(ctx: Context, model: type[Base], rows: Iterable[dict[str, Any]], chunk: int = 20_000) -> int:
    """Core executemany in chunks, one transaction per chunk; returns the number of rows inserted."""
    total = 0
    batch: list[dict[str, Any]] = []
    with ctx.db.engine.connect() as conn:
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                with conn.begin():
                    conn.execute(insert(model), batch)
                total += len(batch)
                batch = []
        if batch:
            with conn.begin():
                conn.execute(insert(model), batch)
            total += len(batch)
    return total


def analyze(ctx: Context) -> None:
    """ANALYZE (SQLite's planner needs the statistics) and fold the WAL into the database file."""
    raw = ctx.db.engine.raw_connection()
    try:
        sqlite = raw.driver_connection  # autocommit: engine.persistence.db sets isolation_level = None
        assert sqlite is not None
        sqlite.execute("ANALYZE")
        sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
