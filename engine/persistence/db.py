"""Engine and session factory. Services open exactly one unit of work per use case through `Database`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from engine.persistence.jsontext import canonical_json

WRITE_OPTION = "dibao_write"


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot do BEGIN IMMEDIATE; take it over
    # (SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL").
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # A writer takes SQLite's write lock up front: two writers then queue instead of both reading
        # the same audit head / instance version and one failing late with "database is locked".
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    kwargs.setdefault("json_serializer", canonical_json)
    # A driver error's text then leaves out the statement's values (a name, a 身份证号): it reaches the log.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


class Database:
    def __init__(
        self,
        url: str,
        session_info: dict[str, Any] | None = None,
        before_commit: Sequence[Callable[[Session], None]] = (),
        **engine_kwargs: Any,
    ) -> None:
        """`session_info`: what every session's `info` starts with (the audit chain key: services find it
        through the session they already hold, see engine.records.audit_chain). `before_commit`: what every
        write transaction does last, inside it (the notifications its audit events cause,
        engine.records.notifications.fanout), so it commits with the change or not at all."""
        self.url = url
        self.before_commit = tuple(before_commit)
        self.engine = make_engine(url, **engine_kwargs)
        # SQLite has one writer at a time, and a writer that finds the lock taken sleeps in SQLite's busy
        # handler (1, 2, 5 … 100 ms between tries) while the lock may long be free again. Writers of this
        # process queue on a lock of their own instead and start the moment the previous one commits
        # (docs/benchmarks.md, benchmark 15). Writers of other processes (a `dibao worker`) still meet the busy
        # handler, so one web process with threads suits SQLite best; PostgreSQL needs no queue at all.
        self._queue: AbstractContextManager[Any] = (
            threading.RLock() if self.engine.dialect.name == "sqlite" else nullcontext()
        )
        info = dict(session_info or {})
        self._reader = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self._writer = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False, info=info
        )

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back on any exception."""
        with self._queue, self._writer() as session, session.begin():
            yield session
            for hook in self.before_commit:
                hook(session)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
