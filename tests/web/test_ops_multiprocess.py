"""/metrics in multi-process mode, as gunicorn runs it: a master that has already imported the app's modules
prepares the directory (web.ops.metrics.prepare_multiprocess), forks two workers that each count, and
reports them dead (process_exited) when they exit. A scrape then sums both workers' counts, and the
database gauges appear once, not once per worker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from engine.context import Context
from engine.settings import PROJECT_ROOT
from tests.web.conftest import make_app
from web.ops.metrics import MULTIPROC_ENV

# The master: imports the app first (prometheus_client chooses its value kind then), prepares the directory,
# forks two workers that count 2 and 3 completions and a request each, and marks each dead once it exits.
MASTER = """
import multiprocessing, sys
from pathlib import Path
import web  # noqa: F401 - everything gunicorn's master loads before forking
from web.ops.metrics import prepare_multiprocess, process_exited

def work(times):
    from engine import observe
    observe.COMPLETIONS.labels(process="reference_review").inc(times)
    observe.REQUEST_SECONDS.labels(route="/tasks/<id:task_id>/complete", method="POST", status="302").observe(0.02)

if __name__ == "__main__":
    prepare_multiprocess(Path(sys.argv[1]))
    fork = multiprocessing.get_context("fork")
    for times in (2, 3):
        child = fork.Process(target=work, args=(times,))
        child.start()
        child.join()
        assert child.exitcode == 0
        process_exited(child.pid)
        print(child.pid)
"""


def test_workers_counts_are_summed_and_gauges_appear_once(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "counter_999999.db").write_bytes(b"left by an earlier run")  # prepare_multiprocess clears it
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop(MULTIPROC_ENV, None)
    done = subprocess.run(
        [sys.executable, "-c", MASTER, str(directory)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    pids = done.stdout.split()
    assert len(set(pids)) == 2
    assert sorted(p.name for p in directory.iterdir()) == sorted(f"counter_{pid}.db" for pid in pids) + sorted(
        f"histogram_{pid}.db" for pid in pids
    )

    monkeypatch.setenv(MULTIPROC_ENV, str(directory))  # this process scrapes, like any gunicorn worker
    response = make_app(ctx).test_client().get("/metrics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert samples[("dibao_task_completions_total", (("process", "reference_review"),))] == 5
    count = (
        "dibao_http_request_duration_seconds_count",
        (("method", "POST"), ("route", "/tasks/<id:task_id>/complete"), ("status", "302")),
    )
    assert samples[count] == 2
    for gauge in ("dibao_audit_chain_length", "dibao_timer_lag_seconds", "dibao_instances_in_error"):
        assert sum(1 for line in text.splitlines() if line.startswith(f"{gauge} ")) == 1, gauge
        assert f"# TYPE {gauge} gauge" in text
