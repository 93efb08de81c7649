"""A real server for the HTTP benchmarks: a fresh database (SQLite file or a scratch PostgreSQL database),
`dibao init --demo` on it, then the production `dibao serve` on a free loopback port, stopped at the end."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import update

from engine.context import Context
from engine.persistence import User
from engine.services.users import hash_password
from engine.settings import PROJECT_ROOT, Settings

POSTGRES_SERVER = os.environ.get("DIBAO_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class Served:
    url: str
    database_url: str
    env: dict[str, str]
    log: Path


def _dibao(*args: str) -> list[str]:
    return [sys.executable, "-c", "from web.cli import main; main()", *args]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True, capture_output=True
    )


@contextmanager
def database(kind: str, base: Path) -> Iterator[str]:
    """The URL of an empty database of `kind` (sqlite | postgresql), removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{base / 'dibao.sqlite3'}"
        return
    name = f"dibao_bench_{secrets.token_hex(4)}"
    _psql(f"CREATE DATABASE {name}")
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _environment(base: Path, database_url: str) -> dict[str, str]:
    processes = shutil.copytree(PROJECT_ROOT / "processes", base / "processes")
    forms = shutil.copytree(PROJECT_ROOT / "forms" / "definitions", base / "forms")
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DIBAO_DATABASE_URL": database_url,
        "DIBAO_DEMO": "1",
        "DIBAO_FAST_PASSWORD_HASH": "1",
        "DIBAO_ATTACHMENTS_DIR": str(base / "attachments"),
        "DIBAO_DOCUMENTS_DIR": str(base / "documents"),
        "DIBAO_PROCESSES_DIR": str(processes),
        "DIBAO_FORMS_DIR": str(forms),
        "DIBAO_AUDIT_KEY_FILE": str(base / "audit-chain.key"),
        "DIBAO_SECRET_KEY": secrets.token_hex(32),
    }


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dibao serve exited with {process.returncode}:\n{log.read_text(encoding='utf-8')}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 (our own server)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # polling a starting process
    raise RuntimeError(f"dibao serve did not answer /healthz within {STARTUP_SECONDS} s")


BENCH_PASSWORD = "bench-pass-" + secrets.token_hex(8)


def _set_passwords(database_url: str, key_file: str) -> None:
    """The demo password is refused outside demo mode (engine.services.auth): the demo users get a bench one."""
    settings = Settings(database_url=database_url, audit_key_file=Path(key_file))
    ctx = Context.from_settings(settings)
    try:
        with ctx.db.write() as session:
            session.execute(update(User).values(password_hash=hash_password(BENCH_PASSWORD)))
    finally:
        ctx.close()


@contextmanager
def served(kind: str, **settings: str) -> Iterator[Served]:
    """`dibao serve` (gunicorn, no background worker) over a fresh demo database of `kind`; `settings` are
    extra environment variables (e.g. DIBAO_WEB_WORKERS)."""
    with TemporaryDirectory(prefix=f"dibao-bench-http-{kind}-") as tmp, database(kind, Path(tmp)) as url:
        base = Path(tmp)
        env = {**_environment(base, url), **settings}
        env.pop("DIBAO_DEMO")  # demo mode forces one web process (its clock is per process); logins need no demo
        subprocess.run(_dibao("init", "--demo"), env={**env, "DIBAO_DEMO": "1"}, check=True, capture_output=True)
        _set_passwords(url, env["DIBAO_AUDIT_KEY_FILE"])
        port = _free_port()
        log = base / "serve.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                _dibao("serve", "--host", "127.0.0.1", "--port", str(port)), env=env, stdout=sink, stderr=sink
            )
        served_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(served_url, process, log)
            yield Served(served_url, url, env, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
