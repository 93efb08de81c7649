"""The database half of a backup (docs/backup.md): a consistent snapshot and what it holds, and putting one back.

SQLite: the online backup API on the raw DBAPI connection, so a running server may keep writing. PostgreSQL:
`pg_dump -Fc` under a snapshot exported from a REPEATABLE READ transaction, which also reads the facts the
manifest records, so the dump and the facts are the same instant. Restores go through pg_restore in one
transaction: a failing restore leaves the target as it was.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from engine.errors import BackupError
from engine.persistence import Base
from engine.persistence.migrate import alembic_config

_SEARCH_PATH = re.compile(r"search_path\s*=\s*([A-Za-z_][A-Za-z0-9_$]*)")
# A document not printed yet has no file (engine/records/document_rendering.py): its HTML is in the database,
# and the restored system prints it.
_BLOBS = "SELECT sha256 FROM {table} WHERE sha256 IS NOT NULL"


def our_tables() -> set[str]:
    return {*Base.metadata.tables, "alembic_version"}


@dataclass(frozen=True)
class Snapshot:
    """What the database held at the instant it was copied."""

    alembic_revision: str | None
    head_seq: int
    head_hash: str
    head_seal: str | None
    attachments: frozenset[str]  # sha256 of every attachment row
    documents: frozenset[str]  # sha256 of every issued document


def _facts(query: Callable[[str], list[tuple[Any, ...]]], tables: set[str]) -> Snapshot:
    revision = query("SELECT version_num FROM alembic_version") if "alembic_version" in tables else []
    head = query("SELECT seq, hash, seal FROM audit_head WHERE id = 1") if "audit_head" in tables else []
    seq, hash_, seal = head[0] if head else (0, "0" * 64, None)
    return Snapshot(
        revision[0][0] if revision else None,
        int(seq),
        str(hash_),
        seal,
        frozenset(r[0] for r in query(_BLOBS.format(table="attachment"))) if "attachment" in tables else frozenset(),
        frozenset(r[0] for r in query(_BLOBS.format(table="issued_document")))
        if "issued_document" in tables
        else frozenset(),
    )


# --- SQLite ----------------------------------------------------------------------------------------------------
def sqlite_path(engine: Engine) -> Path:
    name = engine.url.database
    if not name or name == ":memory:":
        raise BackupError("内存中的 SQLite 数据库无法备份或恢复：请将 DIBAO_DATABASE_URL 指向一个文件")
    return Path(name)


def sqlite_snapshot(engine: Engine, target: Path) -> Snapshot:
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        if not isinstance(source, sqlite3.Connection):  # pysqlite is the only SQLite driver configured
            raise BackupError("SQLite 备份需要 Python 自带的 sqlite3 驱动")
        with closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
            # One self-contained file: the live database is in WAL mode, the copy must not need a -wal file.
            copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        raw.close()
    return sqlite_facts(target)


def sqlite_facts(path: Path) -> Snapshot:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return _facts(lambda sql: list(db.execute(sql)), tables)


def sqlite_tables(path: Path) -> set[str]:
    """Our tables in the SQLite file at `path`; empty for an absent or empty file (a fresh target)."""
    if not path.exists() or path.stat().st_size == 0:
        return set()
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        return {f"（无法读取：{exc}）"}
    return names & our_tables()


def sqlite_restore(backup: Path, target: Path) -> None:
    """Put the backup's file in place: a temporary copy renamed over the target, and the target's stale WAL
    files removed first (they belong to the old file and would corrupt the new one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    pending = target.with_name(target.name + ".restoring")
    with backup.open("rb") as source, pending.open("wb") as out:
        while chunk := source.read(1 << 20):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    for suffix in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(pending, target)


# --- PostgreSQL ------------------------------------------------------------------------------------------------
def pg_schema(engine: Engine) -> str | None:
    """The schema the URL's search_path names (tests isolate themselves so), None for the database's default."""
    options = engine.url.query.get("options")
    found = _SEARCH_PATH.search(options if isinstance(options, str) else " ".join(options or ()))
    return found.group(1) if found else None


def _pg_env(engine: Engine) -> dict[str, str]:
    url = engine.url
    env = {**os.environ, "PGDATABASE": url.database or "postgres", "PGCONNECT_TIMEOUT": "10"}
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username)):
        if value:
            env[name] = str(value)
    sslmode = url.query.get("sslmode")
    if isinstance(sslmode, str):
        env["PGSSLMODE"] = sslmode
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # the environment, not the command line other users can read
    return env


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"找不到 {command[0]}：请安装与数据库服务器版本相符的 PostgreSQL 客户端工具") from None
    if done.returncode != 0:
        raise BackupError(f"{what}失败（{command[0]} 退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}")
    return done.stdout


def pg_snapshot(engine: Engine, target: Path) -> Snapshot:
    schema = pg_schema(engine)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            command = ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot_id}", "-f", str(target)]
            if schema:
                command += ["-n", schema]
            _run(command, _pg_env(engine), "导出数据库（pg_dump）")
            return _facts(lambda sql: [tuple(r) for r in connection.execute(text(sql))], _pg_tables(connection))


def _pg_tables(connection: Connection) -> set[str]:
    rows = connection.execute(
        text("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
    )
    return {r[0] for r in rows}


def pg_tables(engine: Engine) -> set[str]:
    """Our tables in the target's schema (absent schema: none)."""
    with engine.connect() as connection:
        found = _pg_tables(connection)
    return found & our_tables()


def pg_restore(engine: Engine, dump: Path, *, replace: bool) -> None:
    """pg_restore in one transaction, owners and grants left to the target's user. A schema the target already
    has is not created again (the dump's CREATE SCHEMA would fail on it)."""
    env = _pg_env(engine)
    with engine.connect() as connection:
        existing = {r[0] for r in connection.execute(text("SELECT nspname FROM pg_namespace"))}
    listing = _run(["pg_restore", "-l", str(dump)], env, "读取数据库备份目录（pg_restore -l）")
    kept = [line for line in listing.splitlines() if not _creates_existing_schema(line, existing)]
    # Never inside the backup directory (it must stay exactly as its manifest lists it).
    descriptor, name = tempfile.mkstemp(prefix="dibao-restore-", suffix=".list")
    list_file = Path(name)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(kept) + "\n")
    try:
        command = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
        if replace:
            command += ["--clean", "--if-exists"]
        _run([*command, "-L", str(list_file), "-d", env["PGDATABASE"], str(dump)], env, "恢复数据库（pg_restore）")
    finally:
        list_file.unlink(missing_ok=True)


def _creates_existing_schema(line: str, existing: set[str]) -> bool:
    parts = line.split()
    return len(parts) >= 6 and parts[3] == "SCHEMA" and parts[4] == "-" and parts[5] in existing


# --- both ------------------------------------------------------------------------------------------------------
def known_revision(engine: Engine, revision: str | None) -> bool:
    """Whether this code's migrations know `revision` (None: a database without Alembic's table, as tests make)."""
    if revision is None:
        return True
    script = ScriptDirectory.from_config(alembic_config(engine))
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown or malformed id
        return False


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        tables = (
            _pg_tables(connection)
            if engine.dialect.name == "postgresql"
            else {r[0] for r in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
        )
        if "alembic_version" not in tables:
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
