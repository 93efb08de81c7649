"""A dry run (试运行) of a hostile draft needs nothing but an upload; it must not freeze the server or
exhaust its memory (issue 11, items 3 and 4). The draft's script runs in an engine host child: the
guarded operations are refused at once, an unguarded C call is killed at the step's wall-clock limit
while the web process keeps answering, and a gigabyte comprehension ends at the child's memory cap."""

from __future__ import annotations

import os
import threading
import time

import pytest

from engine.context import Context
from engine.services import designer, tasks
from engine.services.designer import DryRunReport
from tests.conftest import BUNDLES, MakeContext
from web import create_app

STEP_TIMEOUT = 3.0


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _dry_run(ctx: Context, bundle: str) -> DryRunReport:
    content = (BUNDLES / bundle / "reference_review.bpmn").read_bytes()
    designer.save_file(ctx, "designer_yantai", "yantai", "reference_review.bpmn", content)
    return designer.dry_run(ctx, "designer_yantai", "yantai", "reference_review", "{}")


@pytest.mark.parametrize(
    ("bundle", "words"),
    [
        ("hostile_script_modpow", "模乘方的结果过大"),  # pow(3, 1 << 25000, (1 << 25000) + 1): 21 s before
        ("hostile_script_padding", "填充对齐的结果过大"),  # len("x".ljust(3 * 10**9)): 3 GB before
    ],
)
def test_guarded_operations_are_refused_at_once(ctx: Context, bundle: str, words: str) -> None:
    started = time.monotonic()
    report = _dry_run(ctx, bundle)
    assert time.monotonic() - started < 2.0
    assert report.problems == []
    assert report.run is not None
    assert words in report.run.stopped
    assert "prepare_notice" in report.run.stopped


def test_a_memory_hog_ends_at_the_childs_cap(make_context: MakeContext) -> None:
    # A generous CPU budget, so that the memory cap (not the time budget) is what stops it.
    ctx = make_context(script_budget=5.0, engine_timeout=60.0)
    before = _rss_mb()
    report = _dry_run(ctx, "hostile_script_memory")  # a comprehension of 10⁶ strings of 1 MB
    assert report.run is not None
    assert "内存" in report.run.stopped
    assert _rss_mb() - before < 200
    # The next dry run gets a fresh child and works.
    assert _dry_run(ctx, "hostile_script_modpow").run is not None


def test_an_unguarded_c_call_is_killed_while_the_server_keeps_answering(make_context: MakeContext) -> None:
    ctx = make_context(engine_timeout=STEP_TIMEOUT)
    client = create_app(ctx, {"TESTING": True}).test_client()
    reports: list[DryRunReport] = []
    runner = threading.Thread(target=lambda: reports.append(_dry_run(ctx, "hostile_script_slow")))
    started = time.monotonic()
    runner.start()
    latencies = []
    while runner.is_alive() and time.monotonic() - started < STEP_TIMEOUT + 10:
        asked = time.monotonic()
        assert client.get("/public/notices").status_code == 200
        assert tasks.list_tasks(ctx, "clerk1") == []
        latencies.append(time.monotonic() - asked)
        time.sleep(0.2)
    runner.join(timeout=30)
    assert len(latencies) >= 5  # the run took seconds, and requests were answered throughout
    assert max(latencies) < 1.0, latencies
    (report,) = reports
    assert report.run is not None
    assert f"超过 {STEP_TIMEOUT:g} 秒" in report.run.stopped
    assert time.monotonic() - started < STEP_TIMEOUT + 10
