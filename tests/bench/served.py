"""A real server for the HTTP benchmarks: a fresh database (SQLite file or a scratch PostgreSQL database),
`dibao init --demo` on it, then the production `dibao serve` on a free loopback port, stopped at the end."""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import update

from engine.context import Context
from engine.persistence import User
from engine.services.users import hash_password
from engine.settings import Settings
from tests.running import dibao_command, free_port, server_environment, stop, wait_until_healthy

POSTGRES_SERVER = os.environ.get("DIBAO_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")


@dataclass(frozen=True)
class Served:
    url: str
    database_url: str
    env: dict[str, str]
    log: Path


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
        env = server_environment(base, url, DIBAO_SECRET_KEY=secrets.token_hex(32), **settings)
        env.pop("DIBAO_DEMO")  # demo mode forces one web process (its clock is per process); logins need no demo
        subprocess.run(dibao_command("init", "--demo"), env={**env, "DIBAO_DEMO": "1"}, check=True, capture_output=True)
        _set_passwords(url, env["DIBAO_AUDIT_KEY_FILE"])
        port = free_port()
        log = base / "serve.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                dibao_command("serve", "--host", "127.0.0.1", "--port", str(port)), env=env, stdout=sink, stderr=sink
            )
        served_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(served_url, process, log)
            yield Served(served_url, url, env, log)
        finally:
            stop(process)
