"""/healthz and /readyz (docs/monitoring.md): ready on a database `dibao init` made, and 503 naming the check
for each way a server can be unfit for work — database unreachable, migrations behind, audit key missing or
wrong, a store unwritable, no calendar for the year — with no path in the answer."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask
from freezegun import freeze_time

from engine.context import Context
from engine.persistence.migrate import alembic_config
from engine.records.audit_key import KEY_BYTES
from engine.services import bootstrap, cases
from engine.settings import Settings
from tests.conftest import MakeContext
from tests.web.conftest import make_app

ALL_CHECKS = {"database", "migrations", "audit_key", "attachments", "documents", "calendar"}


def initialised(make_context: MakeContext, **overrides: Any) -> Context:
    """A database as `dibao init` leaves it: migrated, keyed, deployed (not create_all: migrations count)."""
    ctx = make_context(schema=False, **overrides)
    bootstrap.init(ctx, demo=True)
    return ctx


def readyz(app: Flask) -> tuple[int, dict[str, Any]]:
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert isinstance(body, dict)
    assert "/tmp/" not in response.get_data(as_text=True)  # noqa: S108 - no path, whatever failed
    return response.status_code, body


def failing(body: dict[str, Any]) -> dict[str, str]:
    assert body["ready"] is False
    assert all(check["ok"] is False for check in body["checks"])  # only the failing ones are listed
    return {check["name"]: check["message"] for check in body["checks"]}


def test_healthz_answers_without_the_database(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'missing' / 'dibao.sqlite3'}")
    response = make_app(Context.from_settings(settings)).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"ok": True}


BACKENDS = pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])


@BACKENDS
def test_ready_after_init(make_context: MakeContext, backend: str) -> None:
    status, body = readyz(make_app(initialised(make_context)))
    assert status == 200, body
    assert body["ready"] is True
    assert {check["name"] for check in body["checks"]} == ALL_CHECKS
    assert all(check["ok"] and check["message"] for check in body["checks"])


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///{tmp}/no-such-dir/dibao.sqlite3",  # a SQLite file in a folder that does not exist
        "postgresql+psycopg://postgres@127.0.0.1:1/dibao?connect_timeout=2",  # nothing listens on port 1
    ],
)
def test_database_unreachable(url: str, tmp_path: Path) -> None:
    settings = Settings(
        database_url=url.format(tmp=tmp_path),
        attachments_dir=tmp_path / "attachments",
        documents_dir=tmp_path / "documents",
        audit_key_file=tmp_path / "key",
    )
    status, body = readyz(make_app(Context.from_settings(settings)))
    assert status == 503
    problems = failing(body)
    assert problems["database"] == "无法连接数据库"
    # What needs the database is not tried again, and says why.
    assert problems["migrations"] == problems["audit_key"] == "数据库不可用，无法检查"


@BACKENDS
def test_migrations_behind(make_context: MakeContext, backend: str) -> None:
    ctx = initialised(make_context)
    with ctx.db.engine.begin() as connection:
        config = alembic_config(ctx.db.engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    status, body = readyz(make_app(ctx))
    assert status == 503
    assert set(failing(body)) == {"migrations"}
    assert "dibao init" in failing(body)["migrations"]


def test_audit_key_missing(make_context: MakeContext, audit_key_file: Path) -> None:
    ctx = initialised(make_context)
    audit_key_file.unlink()
    status, body = readyz(make_app(ctx))
    assert status == 503
    assert set(failing(body)) == {"audit_key"}
    assert "审计密钥缺失" in failing(body)["audit_key"]


def test_audit_key_not_the_chains(make_context: MakeContext, audit_key_file: Path) -> None:
    ctx = initialised(make_context)
    cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})  # the chain has a head
    audit_key_file.write_text(secrets.token_bytes(KEY_BYTES).hex() + "\n", encoding="ascii")
    status, body = readyz(make_app(ctx))
    assert status == 503
    assert "审计密钥与审计链不符" in failing(body)["audit_key"]


@pytest.mark.parametrize(("setting", "check"), [("attachments_dir", "attachments"), ("documents_dir", "documents")])
def test_store_unwritable(make_context: MakeContext, tmp_path: Path, setting: str, check: str) -> None:
    # Tests run as root, which writes through any mode bits: a folder under a regular file cannot exist.
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    ctx = initialised(make_context, **{setting: tmp_path / "a-file" / "store"})
    status, body = readyz(make_app(ctx))
    assert status == 503
    assert set(failing(body)) == {check}
    assert "不存在或不可写" in failing(body)[check]


def test_store_created_on_first_check(make_context: MakeContext, tmp_path: Path) -> None:
    """A store folder not made yet is fine (its code makes it on the first upload); the check leaves no file."""
    ctx = initialised(make_context, attachments_dir=tmp_path / "new" / "attachments")
    assert readyz(make_app(ctx))[0] == 200
    assert list((tmp_path / "new" / "attachments").iterdir()) == []


def test_calendar_missing_for_the_year(make_context: MakeContext) -> None:
    ctx = initialised(make_context)
    with freeze_time("2040-03-02 02:00:00"):  # no holiday data for 2040 anywhere
        status, body = readyz(make_app(ctx))
    assert status == 503
    assert set(failing(body)) == {"calendar"}
    assert "2040" in failing(body)["calendar"]
