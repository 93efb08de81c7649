"""Benchmark 1: completing one user task through the service layer vs the raw SpiffWorkflow cycle.

Both sides complete `register` of the reference process with the same data, interleaved one after the
other so drift (thermal, cache, other load) hits them alike. The raw cycle is what any SpiffWorkflow
application must do per completion: deserialize, attach a script engine, run the task and the engine
steps up to the notice timer, serialize. It uses Spiff's stock JSON serializer (spec included, no gzip),
exactly as the brief names it; the product stores a spec-less gzip'd state instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.persistence import HumanTask
from engine.services import cases, tasks
from engine.settings import PROJECT_ROOT
from engine.workflow.sandbox import make_script_engine
from tests.bench.common import Outcome, Result, bench_context, median_ms, progress, scaled

NAME = "1. task completion"
PROCESS_ID = "reference_review"
VILLAGE = "demo-village-1-1"
REGISTER_DATA: dict[str, Any] = {"applicant_name": "张三", "household_size": 3, "requested_amount": "1000"}
WARMUP = 5
TARGET_RATIO = 3.0


def _helpers() -> dict[str, Callable[..., Any]]:
    return {"param": lambda _name: 7}


class RawCycle:
    """The reference process run with SpiffWorkflow alone, restored from JSON at `register` each time."""

    def __init__(self) -> None:
        parser = SpiffBpmnParser()
        folder = PROJECT_ROOT / "processes" / "default"
        parser.add_bpmn_files([str(folder / "reference_review.bpmn")])
        parser.add_dmn_files([str(folder / "reference_approval_level.dmn")])
        spec, subprocess_specs = parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID)
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.sandboxed = make_script_engine(_helpers(), 1.0)
        self.stock = PythonScriptEngine(environment=TaskDataEnvironment(_helpers()))
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.sandboxed)
        workflow.task_tree.data.update({"village": VILLAGE, "case_number": "2026-0000001"})
        workflow.do_engine_steps()
        (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
        assert task.task_spec.name == "register"
        self.state = self.serializer.serialize_json(workflow)

    def run(self, engine: PythonScriptEngine) -> float:
        started = time.perf_counter()
        workflow = self.serializer.deserialize_json(self.state)
        workflow.script_engine = engine
        (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
        task.data.update(REGISTER_DATA)
        task.run()
        workflow.refresh_timers()
        workflow.do_engine_steps()
        self.serializer.serialize_json(workflow)
        elapsed = time.perf_counter() - started
        assert [t.task_spec.name for t in workflow.get_tasks(state=TaskState.WAITING)] == ["notice_period"]
        return elapsed


def run() -> Outcome:
    count = scaled(300, minimum=20)
    raw = RawCycle()
    with bench_context("completion") as ctx:
        progress(f"{NAME}: starting {count + WARMUP} cases")
        for _ in range(count + WARMUP):
            cases.start_case(ctx, PROCESS_ID, "clerk1", {"village": VILLAGE})
        with ctx.db.read() as session:
            task_ids = list(
                session.scalars(
                    select(HumanTask.id)
                    .where(HumanTask.task_name == "register", HumanTask.state == "open")
                    .order_by(HumanTask.id)
                )
            )
        assert len(task_ids) == count + WARMUP

        def service(task_id: int) -> float:
            started = time.perf_counter()
            result = tasks.complete(ctx, task_id, "clerk1", REGISTER_DATA)
            elapsed = time.perf_counter() - started
            assert result.stage == "等待期满"
            return elapsed

        progress(f"{NAME}: timing {count} completions of each kind, interleaved")
        service_s: list[float] = []
        raw_s: list[float] = []
        stock_s: list[float] = []
        for index, task_id in enumerate(task_ids):
            measured = (raw.run(raw.sandboxed), raw.run(raw.stock), service(task_id))
            if index >= WARMUP:
                raw_s.append(measured[0])
                stock_s.append(measured[1])
                service_s.append(measured[2])
    ratio = median_ms(service_s) / median_ms(raw_s)
    ratio_stock = median_ms(service_s) / median_ms(stock_s)
    passed = ratio <= TARGET_RATIO
    rows = [
        Result.of_samples(NAME, "service `tasks.complete` (register)", service_s),
        Result.of_samples(NAME, "raw Spiff cycle, sandboxed script engine", raw_s),
        Result.of_samples(NAME, "raw Spiff cycle, stock PythonScriptEngine (reference)", stock_s),
        Result(
            NAME,
            "ratio service / raw (sandboxed) median",
            len(service_s),
            value=f"{ratio:.2f}×",
            target=f"≤ {TARGET_RATIO:g}×",
            passed=passed,
        ),
        Result(NAME, "ratio service / raw (stock engine) median", len(service_s), value=f"{ratio_stock:.2f}×"),
    ]
    return Outcome(rows)
