"""Alembic environment: the URL comes from engine.settings (or the caller's Config attribute)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from engine.persistence import Base
from engine.persistence.db import make_engine
from engine.settings import Settings

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.attributes.get("database_url") or Settings.from_env().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("dibao migrations run online only (dibao init)")
run_migrations_online()
