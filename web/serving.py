"""`dibao serve`: the app under gunicorn (docs/operations.md#starting).

gthread workers: settings.web_workers processes of settings.web_threads threads each. The app is NOT
preloaded: every worker process builds its own Context and app after the fork, so no database pool and
no engine host child (engine.workflow.host) is shared across a fork; the master only reads settings.
In demo mode one process serves, because the demo clock lives in the process that travelled
(engine/clock.py). With `with_worker` the background worker (engine.services.worker.run_worker) runs as a
thread of the web process, started after the fork; on SQLite only with one web process, on PostgreSQL in
each (workers there are safe together). gunicorn's access log stays off: a URL may hold a 身份证号, and the
app writes its own request log. SIGTERM stops gracefully: requests in flight finish, the worker thread
finishes its round.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from engine.context import Context
from engine.services import worker as worker_loop
from engine.settings import Settings
from web import create_app
from web.ops import logs, metrics

log = logging.getLogger("dibao.serving")

WORKER_STOP_SECONDS = 30  # how long a stopping web process waits for its worker thread's round to end


class ServeRefused(Exception):
    """A combination of options and settings that would not be safe to run; the message says why."""


@dataclass(frozen=True)
class Plan:
    host: str
    port: int
    workers: int
    threads: int
    timeout: int
    with_worker: bool
    demo: bool

    @property
    def bind(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.bind}/"

    def describe(self) -> str:
        """The start-up line: where, how many processes and threads, and why when fewer than asked."""
        parts = [f"gunicorn：{self.workers} 个进程 × 每个 {self.threads} 个线程"]
        if self.demo:
            parts.append("示范模式只用 1 个进程（示范时钟按进程计）")
        parts.append("后台任务在网页进程内运行" if self.with_worker else "后台任务请另行运行 `dibao worker`")
        return f"低保审批系统：{self.url}（{'；'.join(parts)}）"


def plan(settings: Settings, host: str, port: int, *, with_worker: bool) -> Plan:
    """What `dibao serve` will run, or ServeRefused."""
    workers = 1 if settings.demo else settings.web_workers
    on_postgres = settings.database_url.startswith("postgresql")
    if with_worker and workers > 1 and not on_postgres:
        raise ServeRefused(
            f"--with-worker 在 SQLite 上只能配 1 个网页进程（现为 DIBAO_WEB_WORKERS={workers}）："
            "请设 DIBAO_WEB_WORKERS=1，或不带 --with-worker 并另行运行 `dibao worker`。"
        )
    return Plan(host, port, workers, settings.web_threads, settings.web_timeout, with_worker, settings.demo)


# --- gunicorn's hooks: JSON logs (web/ops/logs.py) and Prometheus multi-process mode (web/ops/metrics.py) ---


def logging_config() -> dict[str, Any]:
    """gunicorn's `logconfig_dict`: the app's own logging (JSON lines by default, personal data redacted),
    gunicorn's messages through it, its access log nowhere (a URL may hold a 身份证号)."""
    return logs.logging_config(Settings.from_env(), debug=bool(os.environ.get("DIBAO_DEBUG")))


def on_master_start(_arbiter: Any) -> None:
    """gunicorn `on_starting`, in the master before any worker exists: the worker processes keep their metric
    values in files of one fresh directory, which /metrics sums (prometheus_client's multi-process mode)."""
    directory = os.environ.get(metrics.MULTIPROC_ENV) or tempfile.mkdtemp(prefix="dibao-metrics-")
    metrics.prepare_multiprocess(Path(directory))


def on_child_exit(_arbiter: Any, worker: Any) -> None:
    """gunicorn `child_exit`, in the master after a worker process ended: its live gauges are dropped."""
    metrics.process_exited(worker.pid)


# ------------------------------------------------------------------------------------------------------


class DibaoServer(BaseApplication):
    def __init__(self, the_plan: Plan) -> None:
        self.plan = the_plan
        self.ctx: Context | None = None
        self.stop = threading.Event()
        self.worker_thread: threading.Thread | None = None
        super().__init__()

    def load_config(self) -> None:
        options: dict[str, Any] = {
            "bind": [self.plan.bind],
            "workers": self.plan.workers,
            "worker_class": "gthread",
            "threads": self.plan.threads,
            "timeout": self.plan.timeout,
            "preload_app": False,
            # gunicorn's default (4094 bytes) refuses a long query string with a bare HTML 414; allow
            # what nginx's default header buffer (8k) lets through, gunicorn's largest bounded value.
            "limit_request_line": 8190,
            "accesslog": None,
            "errorlog": "-",
            "logconfig_dict": logging_config(),
            "proc_name": "dibao",
            # No management socket in the home directory: two servers on one machine would share its
            # path, and systemd and signals already start, stop and reload.
            "control_socket_disable": True,
            "on_starting": on_master_start,
            "child_exit": on_child_exit,
            "worker_exit": _worker_exit,
        }
        for name, value in options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        """In each worker process, after the fork: its own Context, app and (when asked) worker thread."""
        self.ctx = Context.from_settings()
        app = create_app(self.ctx)
        if self.plan.with_worker:
            self.worker_thread = threading.Thread(
                target=worker_loop.run_worker, args=(self.ctx, self.stop), name="dibao-worker", daemon=True
            )
            self.worker_thread.start()
            log.info("后台任务线程已启动（进程 %s）", os.getpid())
        return app

    def shut_down(self) -> None:
        self.stop.set()
        if self.worker_thread is not None:
            self.worker_thread.join(timeout=WORKER_STOP_SECONDS)
            log.info("后台任务线程已停止（进程 %s）", os.getpid())
        if self.ctx is not None:
            self.ctx.close()


def _worker_exit(arbiter: Any, _worker: Any) -> None:
    server = arbiter.app
    if isinstance(server, DibaoServer):
        server.shut_down()


def ensure_shared_secret() -> bool:
    """Every worker process must sign session cookies with the same key, or a sign-in made in one is
    refused by the next. Without DIBAO_SECRET_KEY the master picks one for this run (a restart signs
    everyone out); True when it did."""
    if os.environ.get("DIBAO_SECRET_KEY"):
        return False
    os.environ["DIBAO_SECRET_KEY"] = secrets.token_hex(32)
    return True


def run(the_plan: Plan) -> None:
    """Serve until SIGTERM or SIGINT (gunicorn's arbiter owns the signals)."""
    DibaoServer(the_plan).run()
