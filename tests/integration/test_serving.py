"""`dibao serve` under gunicorn and `dibao worker` as real processes: the start-up line, several processes
that share one sign-in, a refusal of --with-worker with several processes on SQLite, and a clean stop on
SIGTERM (issue 19)."""

from __future__ import annotations

import http.cookiejar
import re
import signal
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from engine.context import Context
from tests.conftest import add_second_clerk
from tests.integration import processes

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _sign_in(url: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{url}/login") as page:
        token = _TOKEN.search(page.read().decode())
    assert token
    form = {"username": "clerk1b", "password": "pw-12345678", "csrf_token": token.group(1)}
    with opener.open(f"{url}/login", data=urllib.parse.urlencode(form).encode()) as done:
        assert done.status == 200
    return opener


def test_serve_runs_gunicorn_processes_that_share_a_sign_in_and_stops_on_sigterm(ctx: Context, tmp_path: Path) -> None:
    add_second_clerk(ctx)  # a password of its own: outside demo mode the demo password is refused
    port = processes.free_port()
    # Not demo mode: two processes of two threads; no DIBAO_SECRET_KEY, so the master must pick one for all.
    env = processes.environment(ctx, DIBAO_WEB_WORKERS="2", DIBAO_WEB_THREADS="2", DIBAO_DEMO="0")
    env.pop("DIBAO_SECRET_KEY", None)
    log = tmp_path / "serve.log"
    server = processes.start(["serve", "--port", str(port)], env, log)
    url = f"http://127.0.0.1:{port}"
    try:
        processes.wait_for(lambda: processes.answers(f"{url}/healthz"), "serve", server, log)
        opener = _sign_in(url)
        for _ in range(20):  # answered by either process: both accept the session cookie
            with opener.open(f"{url}/") as inbox:
                assert inbox.geturl().rstrip("/") == url, "signed out by another worker process"
        # /metrics sums what both processes counted (prometheus_client's multi-process mode), whichever answers.
        with urllib.request.urlopen(f"{url}/metrics") as scraped:  # noqa: S310 (our own server, from loopback)
            text = scraped.read().decode()
        counted = re.findall(
            r'dibao_http_request_duration_seconds_count\{method="GET",route="/",status="200"\} (\S+)', text
        )
        assert counted, text[:2000]
        assert float(counted[0]) >= 20
    finally:
        status = processes.stop(server)
    text = log.read_text()
    assert status == 0, text
    assert f"低保审批系统：{url}/（gunicorn：2 个进程 × 每个 2 个线程；后台任务请另行运行 `dibao worker`）" in text
    assert "gthread" in text
    assert text.count("Booting worker") == 2
    assert (
        "HTTP/1.1" not in text
    )  # no gunicorn access log: a URL may hold a 身份证号 (the request line names the route)


def test_demo_mode_serves_one_process_and_runs_the_worker_in_it(ctx: Context, tmp_path: Path) -> None:
    port = processes.free_port()
    env = processes.environment(ctx, DIBAO_WEB_WORKERS="4", DIBAO_DEMO="1")
    log = tmp_path / "serve.log"
    server = processes.start(["serve", "--port", str(port), "--with-worker"], env, log)
    try:
        processes.wait_for(lambda: "后台任务线程已启动" in log.read_text(), "serve", server, log)
    finally:
        status = processes.stop(server)
    text = log.read_text()
    assert status == 0, text
    assert "1 个进程" in text
    assert "示范时钟按进程计" in text
    assert text.count("Booting worker") == 1
    assert "后台任务线程已停止" in text


def test_with_worker_and_several_processes_on_sqlite_is_refused(ctx: Context) -> None:
    env = processes.environment(ctx, DIBAO_WEB_WORKERS="2", DIBAO_DEMO="0")
    refused = processes.run(["serve", "--with-worker"], env)
    assert refused.returncode == 2
    assert "--with-worker 在 SQLite 上只能配 1 个网页进程" in refused.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_logs_its_start_and_stops_cleanly_on_a_signal(
    ctx: Context, tmp_path: Path, sig: signal.Signals
) -> None:
    log = tmp_path / "worker.log"
    worker = processes.start(["worker", "--interval", "0.2"], processes.environment(ctx), log)
    processes.wait_for(lambda: "后台任务进程已启动" in log.read_text(), "worker", worker, log)
    worker.send_signal(sig)
    assert worker.wait(timeout=30) == 0, log.read_text()
    assert "后台任务进程已停止" in log.read_text()
