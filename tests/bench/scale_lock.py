"""How much the audit chain's one head row limits completions through several web servers (docs/scaling.md).

`python -m tests.bench.scale_lock [--servers 2] [--clients 8] [--seconds 20]` (PostgreSQL at
DIBAO_TEST_POSTGRES_URL, default the local server): a scratch database, `dibao init --demo`, SERVERS web
servers as real processes, then CLIENTS threads that each start a reference case on one server and
complete its 受理登记 on the other, for SECONDS. Meanwhile a sampler reads pg_stat_activity and pg_locks
every 10 ms: which backend holds the audit head (every step locks it at its start, engine/records/writeback
.prepare, and keeps it to its commit), whether it is running SQL or waiting for the application (Python:
SpiffWorkflow, serialising), and how many backends wait for it.

Not part of `make bench` (it starts servers of its own); a measuring tool for the scaling notes."""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from tests.bench.common import percentile
from tests.bench.machine import describe
from tests.integration.scale_support import call, cluster_env, run_dibao, running_cluster, scratch_database, token

VILLAGE = "demo-village-1-1"
REGISTER = {"applicant_name": "孙七", "household_size": 2, "requested_amount": "700"}
SAMPLE = r"""
SELECT a.state, a.wait_event_type, left(regexp_replace(a.query, '\s+', ' ', 'g'), 60),
       EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted
               AND l.relation = 'audit_head'::regclass) AS has_head
  FROM pg_stat_activity a
 WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'
"""


@dataclass
class Samples:
    taken: int = 0
    waiting: int = 0  # backend-samples waiting on a heavyweight lock (the head row, nearly always)
    in_transaction: int = 0  # backend-samples inside a transaction, waiting or not
    holder: Counter[str] = field(default_factory=Counter)  # state of the head's holder: active / idle in transaction
    # The holder's last statement: while it is "idle in transaction" the application works on after it.
    holder_query: Counter[str] = field(default_factory=Counter)

    def take(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        rows = conn.execute(SAMPLE).fetchall()
        self.taken += 1
        self.waiting += sum(1 for _, wait, _, _ in rows if wait == "Lock")
        self.in_transaction += sum(1 for state, _, _, _ in rows if state in ("active", "idle in transaction"))
        holders = [(str(state), str(query)) for state, wait, query, head in rows if head and wait != "Lock"]
        self.holder[holders[0][0] if holders else "none"] += 1
        if holders:
            self.holder_query[f"{holders[0][0]}: {holders[0][1]}"] += 1


def _sampler(url: str, samples: Samples, stop: threading.Event) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not stop.is_set():
            samples.take(conn)
            stop.wait(0.01)


def _client(urls: list[str], tokens: list[str], n: int, until: float, latencies: dict[str, list[float]]) -> None:
    here, there = n % len(urls), (n + 1) % len(urls)
    while time.monotonic() < until:
        began = time.perf_counter()
        body = {"process": "reference_review", "data": {"village": VILLAGE}}
        started = call(urls[here], "POST", "/cases", body, tokens[here])
        assert started.status == 201, started
        middle = time.perf_counter()
        (task,) = started.body["open_tasks"]
        done = call(urls[there], "POST", f"/tasks/{task['id']}/complete", {"data": REGISTER}, tokens[there])
        assert done.status == 200, done
        latencies["start"].append(middle - began)
        latencies["complete"].append(time.perf_counter() - middle)


def _load(urls: list[str], tokens: list[str], clients: int, seconds: float) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {"start": [], "complete": []}
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=_client, args=(urls, tokens, n, until, latencies)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def _report(latencies: dict[str, list[float]], samples: Samples, seconds: float, clients: int) -> None:
    for kind, values in latencies.items():
        ms = [v * 1000 for v in values]
        median, p95 = percentile(ms, 0.5), percentile(ms, 0.95)
        print(f"{kind:9} {len(values) / seconds:7.1f}/s  median {median:6.1f} ms  p95 {p95:6.1f} ms")
    steps = sum(len(v) for v in latencies.values()) / seconds  # both kinds lock the head once
    taken = max(samples.taken, 1)
    waiting, busy = samples.waiting / taken, 1 - samples.holder["none"] / taken
    print(f"samples {samples.taken}; backends in a transaction on average {samples.in_transaction / taken:.2f}")
    print(f"head held in {busy:.0%} of samples; by its holder's state: {dict(samples.holder)}")
    for query, count in samples.holder_query.most_common(6):
        print(f"  {count / taken:4.0%}  {query}")
    print(f"backends waiting for a lock on average {waiting:.2f} of {clients} clients")
    print(f"=> each locking request waits {waiting / steps * 1000:.1f} ms for the head (Little's law)")
    print(f"=> the head is held {busy / steps * 1000:.1f} ms per request; its ceiling {steps / busy:.0f} steps/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    admin = os.environ.get("DIBAO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    print(describe())
    with tempfile.TemporaryDirectory() as tmp, scratch_database(admin) as url:
        base = Path(tmp)
        env = cluster_env(base, url, DIBAO_LOG_FORMAT="text")
        run_dibao(env, "init", "--demo")
        with running_cluster(base, env, web=args.servers, workers=0) as cluster:
            tokens = [token(u, "clerk1") for u in cluster.urls]
            _load(cluster.urls, tokens, args.clients, 3.0)  # warm-up: imports, caches, connection pools
            samples, stop = Samples(), threading.Event()
            sampler = threading.Thread(target=_sampler, args=(url, samples, stop))
            sampler.start()
            latencies = _load(cluster.urls, tokens, args.clients, args.seconds)
            stop.set()
            sampler.join()
            # A shared machine: other work on it slows the holder of the head, and with it everyone.
            print(f"{args.servers} servers, {args.clients} clients; load average after: {os.getloadavg()[0]:.1f}")
        _report(latencies, samples, args.seconds, args.clients)


if __name__ == "__main__":
    main()
