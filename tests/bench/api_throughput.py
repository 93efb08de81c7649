"""Benchmark 15: the real 低保 procedure through the JSON API on the production server (issue 19).

For SQLite and for PostgreSQL: a fresh demo database, `dibao serve` (gunicorn, DIBAO_WEB_WORKERS
processes) on loopback, and 8 clients on keep-alive connections in this process. Each client registers its
applications (POST /cases), then carries each one through 受理审查, 启动调查, 入户调查, 信息核对 and 初审 to the
start of its 公示 (POST /tasks/{id}/complete), the next task taken from each answer. Throughput is requests
over the phase's wall time; p95 over every completion of the phase.

Then one client alone completes 受理审查 of fresh cases, each request timed beside the raw SpiffWorkflow
cycle of the very same step: the stored state of one of those cases at 受理审查 in Spiff's stock JSON
serializer, deserialized, the form data set, the task run, the engine stepped to the next wait, serialized,
with the same sandboxed script engine and helpers the engine uses, in this process.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.context import Context
from engine.persistence import Case, ProcessInstance
from engine.settings import Settings
from engine.workflow.bundle import calendar_dir
from engine.workflow.runtime import LoadedProcess
from engine.workflow.serializer import load_state
from tests.bench.api_clients import STEPS, Client, Tally, carry_to_notice, run_clients, sign_in, start_cases
from tests.bench.common import Outcome, Result, percentile, progress, scaled
from tests.bench.served import BENCH_PASSWORD, served

NAME = "15. JSON API (production server)"
CLIENTS = 8
TARGET_RATE = {"sqlite": 300, "postgresql": 250}
TARGET_P95_MS = 60.0
TARGET_RATIO = 3.0
KINDS = tuple(k for k in (os.environ.get("DIBAO_BENCH_DATABASES") or "sqlite,postgresql").split(",") if k)


class RawStep:
    """The raw SpiffWorkflow cycle of one user task of one stored case, as any Spiff application runs it."""

    def __init__(self, database_url: str, processes_dir: str, case_number: str, task_name: str) -> None:
        ctx = Context.from_settings(Settings(database_url=database_url))
        try:
            with ctx.db.read() as session:
                instance = session.scalars(
                    select(ProcessInstance).join(Case).where(Case.number == case_number).limit(1)
                ).one()
                definition = instance.definition
                files, state = dict(definition.files), instance.state
                process_id, region = definition.process_id, definition.region
        finally:
            ctx.close()
        loaded = LoadedProcess(process_id, files, region=region, calendar_dir=calendar_dir(Path(processes_dir)))
        self.task_name = task_name
        self.engine = loaded.script_engine
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.state = self.serializer.serialize_json(load_state(state, loaded.spec, loaded.subprocess_specs))

    def run(self, data: dict[str, Any]) -> float:
        started = time.perf_counter()
        workflow = self.serializer.deserialize_json(self.state)
        workflow.script_engine = self.engine
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        (task,) = [t for t in ready if t.task_spec.bpmn_id == self.task_name]
        task.data.update(data)
        task.run()
        workflow.refresh_timers()
        workflow.do_engine_steps()
        self.serializer.serialize_json(workflow)
        return time.perf_counter() - started


def _throughput(kind: str, url: str, tokens: dict[str, str]) -> list[Result]:
    per_client = scaled(50, minimum=3)
    clients = [Client(url) for _ in range(CLIENTS)]
    warm = Tally()

    def warm_up(i: int) -> None:
        carry_to_notice(clients[i], tokens, start_cases(clients[i], tokens["clerk1"], 2, warm), warm)

    run_clients(CLIENTS, warm_up)
    tally = Tally()
    firsts: list[list[tuple[int, str]]] = [[] for _ in range(CLIENTS)]

    def start(i: int) -> None:
        firsts[i] = start_cases(clients[i], tokens["clerk1"], per_client, tally)

    progress(f"{NAME} [{kind}]: {CLIENTS} clients register {per_client} applications each")
    start_wall = run_clients(CLIENTS, start)
    progress(f"{NAME} [{kind}]: {CLIENTS} clients carry them to 公示")
    complete_wall = run_clients(CLIENTS, lambda i: carry_to_notice(clients[i], tokens, firsts[i], tally))
    for client in clients:
        client.close()
    if tally.failures or warm.failures:
        raise RuntimeError(f"requests failed: {(warm.failures + tally.failures)[:5]}")
    done = [s for name, samples in tally.latencies.items() if name in STEPS for s in samples]
    starts = tally.latencies["start"]
    rate, p95 = len(done) / complete_wall, percentile(done, 0.95) * 1000
    label = "SQLite" if kind == "sqlite" else "PostgreSQL"
    rows = [
        Result(
            NAME,
            f"{label}: completions of the 5 低保 steps, {CLIENTS} clients (requests/s)",
            len(done),
            statistics.median(done) * 1000,
            percentile(done, 0.9) * 1000,
            value=f"{rate:.0f} /s (p95 {p95:.1f} ms)",
            target=f"≥ {TARGET_RATE[kind]} /s, p95 ≤ {TARGET_P95_MS:g} ms",
            passed=rate >= TARGET_RATE[kind] and p95 <= TARGET_P95_MS,
        ),
        Result(
            NAME,
            f"{label}: registrations (POST /cases), {CLIENTS} clients (requests/s)",
            len(starts),
            statistics.median(starts) * 1000,
            percentile(starts, 0.9) * 1000,
            value=f"{len(starts) / start_wall:.0f} /s (p95 {percentile(starts, 0.95) * 1000:.1f} ms)",
        ),
    ]
    for name in STEPS:
        rows.append(Result.of_samples(NAME, f"{label}: `{name}` under load", tally.latencies[name]))
    return rows


def _single_client(kind: str, url: str, env: dict[str, str], tokens: dict[str, str]) -> list[Result]:
    """One client carries cases through the five steps; before each request, the raw cycle of the same step
    (from the first case's stored state at that step) runs here, so both see the same machine."""
    count = scaled(100, minimum=10)
    client, tally = Client(url), Tally()
    raw: dict[str, RawStep] = {}
    http_s: dict[str, list[float]] = {name: [] for name in STEPS}
    raw_s: dict[str, list[float]] = {name: [] for name in STEPS}
    progress(f"{NAME} [{kind}]: one client, {count} cases through 5 steps beside the raw cycle")
    for index in range(count + 1):
        queue = start_cases(client, tokens["clerk1"], 1, tally)
        number = ""
        while queue:
            task_id, name = queue.pop(0)
            user, data = STEPS[name]
            if index == 0:  # the reference case: its state at each step feeds that step's raw cycle
                if not number:
                    number = client.call("GET", f"/tasks/{task_id}", token=tokens[user])[1]["case"]["number"]
                raw[name] = RawStep(env["DIBAO_DATABASE_URL"], env["DIBAO_PROCESSES_DIR"], number, name)
            else:
                raw_s[name].append(raw[name].run(data))
            status, body, seconds = client.call("POST", f"/tasks/{task_id}/complete", {"data": data}, tokens[user])
            if status != 200:
                raise RuntimeError(f"complete {name} → {status}: {body}")
            if index:
                http_s[name].append(seconds)
            queue += [(t["id"], t["task_name"]) for t in body["new_tasks"] if t["task_name"] in STEPS]
    client.close()
    label = "SQLite" if kind == "sqlite" else "PostgreSQL"
    rows = []
    for name in STEPS:
        ratio = statistics.median(http_s[name]) / statistics.median(raw_s[name])
        rows.append(
            Result.of_samples(
                NAME,
                f"{label}: one client, `{name}` (raw Spiff cycle {statistics.median(raw_s[name]) * 1000:.2f} ms, "
                f"{ratio:.2f}×)",
                http_s[name],
            )
        )
    total = sum(statistics.median(v) for v in http_s.values()) / sum(statistics.median(v) for v in raw_s.values())
    rows.append(
        Result(
            NAME,
            f"{label}: ratio one client / raw cycle, sum of the 5 steps' medians",
            count * len(STEPS),
            value=f"{total:.2f}×",
            target=f"≤ {TARGET_RATIO:g}×",
            passed=total <= TARGET_RATIO,
        )
    )
    return rows


def run() -> Outcome:
    rows: list[Result] = []
    for kind in KINDS:
        # SQLite takes one writer at a time: one web process whose threads queue on its write lock
        # (engine.persistence.db); PostgreSQL: as many processes as cores.
        with served(kind, DIBAO_WEB_WORKERS="1" if kind == "sqlite" else "2") as server:
            tokens = sign_in(server.url, BENCH_PASSWORD)
            rows += _throughput(kind, server.url, tokens)
            rows += _single_client(kind, server.url, server.env, tokens)
    return Outcome(rows)
