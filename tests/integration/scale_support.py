"""What the scale proof (test_scale_postgres.py) and its measuring script (tests/bench/scale_lock.py) share:
a scratch PostgreSQL database of its own, the environment of `dibao` processes on it, web servers and
workers started as real processes running this checkout's code, and a small JSON API client."""

from __future__ import annotations

import json
import secrets
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import create_engine, make_url, text

from tests.running import dibao_command, free_port, server_environment, stop, wait_until_healthy

DEMO_PASSWORD = "demo-pass-2026"


@contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    """A fresh database `dibao_scale_<random>` on the server of `admin_url`, dropped at the end even on
    failure (WITH (FORCE): a process left behind must not keep it alive). Yields its URL."""
    name = f"dibao_scale_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def cluster_env(base: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment every process of the cluster shares: one database, one key file, one store."""
    return server_environment(
        base,
        database_url,
        DIBAO_SECRET_KEY="scale-proof-secret",  # the servers must agree on it (objection client hashes)
        DIBAO_LOG_FORMAT="text",
        **extra,
    )


def run_dibao(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(dibao_command(*args), env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"dibao {' '.join(args)} exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def start_web(env: dict[str, str], port: int, log: IO[bytes]) -> subprocess.Popen[bytes]:
    """One web server of the cluster on `port`, as production runs it: `dibao serve` (gunicorn), no
    background worker in it; the cluster's workers are `dibao worker` processes of their own."""
    command = dibao_command("serve", "--host", "127.0.0.1", "--port", str(port))
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def start_worker(env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(dibao_command("worker", "--interval", "0.5"), env=env, stdout=log, stderr=subprocess.STDOUT)


@dataclass
class Cluster:
    """N web servers and M workers on one database; `urls` in the order the servers were started."""

    base: Path
    env: dict[str, str]
    urls: list[str] = field(default_factory=list)
    processes: list[tuple[subprocess.Popen[bytes], Path]] = field(default_factory=list)

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text('utf-8', 'replace')[-4000:]}" for _, path in self.processes)

    def alive(self) -> None:
        for process, path in self.processes:
            if process.poll() is not None:
                raise AssertionError(f"{path.name} exited with {process.returncode}:\n{self.logs()}")


@contextmanager
def running_cluster(base: Path, env: dict[str, str], web: int = 2, workers: int = 2) -> Iterator[Cluster]:
    cluster = Cluster(base, env)
    try:
        for n in range(web):
            port, log = free_port(), base / f"web-{n}.log"
            with log.open("wb") as sink:
                cluster.processes.append((start_web(env, port, sink), log))
            cluster.urls.append(f"http://127.0.0.1:{port}")
        for n in range(workers):
            log = base / f"worker-{n}.log"
            with log.open("wb") as sink:
                cluster.processes.append((start_worker(env, sink), log))
        for url, (process, log) in zip(cluster.urls, cluster.processes, strict=False):
            wait_until_healthy(url, process, log)
        yield cluster
    finally:
        for process, _ in cluster.processes:
            stop(process)


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any


def call(url: str, method: str, path: str, body: Any = None, token: str | None = None, **headers: str) -> Reply:
    """One JSON API request; an HTTP error is a Reply too, never an exception."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}/api/v1{path}", data=data, method=method)  # noqa: S310 (our server)
    request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (our own server)
            return Reply(response.status, json.loads(response.read() or b"null"))
    except urllib.error.HTTPError as error:
        raw = error.read()
        return Reply(error.code, json.loads(raw) if raw.startswith(b"{") else raw.decode("utf-8", "replace"))


def token(url: str, username: str) -> str:
    reply = call(url, "POST", "/auth/token", {"username": username, "password": DEMO_PASSWORD})
    assert reply.status == 200, reply
    value: str = reply.body["token"]
    return value
