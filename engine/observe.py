"""The process's own Prometheus metrics (docs/monitoring.md): request latency, task completions and case starts.

The metric objects live here, in one place, so the engine can count where the work happens and the web layer
can time requests, and both end up in the same registry (prometheus_client's default one). Under gunicorn
each worker process counts for itself; with PROMETHEUS_MULTIPROC_DIR set, prometheus_client writes the
values to files there and web/ops/metrics.py sums them at scrape time.

The database gauges (timer lag, outbox depth, …) are not here: they are read at scrape time
(engine/queries/operations_metrics.py), never counted by a process.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Histogram
from sqlalchemy import event
from sqlalchemy.orm import Session

REQUEST_SECONDS = Histogram(
    "dibao_http_request_duration_seconds",
    "Time to answer an HTTP request, by route (the URL rule, never the raw path), method and status.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
COMPLETIONS = Counter(
    "dibao_task_completions",
    "Human tasks completed (committed), by process id.",
    ["process"],
)
STARTS = Counter(
    "dibao_case_starts",
    "Cases started (committed), by process id.",
    ["process"],
)

_PENDING = "dibao_observe_pending"  # session.info key: counts waiting for their transaction to commit


def count_on_commit(session: Session, counter: Counter, process: str) -> None:
    """Count one completion or start once `session`'s transaction commits: a step that fails or a stale
    version (409) rolls back and must not be counted."""
    session.info.setdefault(_PENDING, []).append((counter, process))


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for counter, process in session.info.pop(_PENDING, ()):
        counter.labels(process=process).inc()


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: Any) -> None:
    # A savepoint rolled back (a timer sweep's one failed instance) leaves the outer transaction's counts.
    if previous.parent is None:
        session.info.pop(_PENDING, None)
