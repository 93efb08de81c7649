"""`dibao backup` and `dibao restore` on PostgreSQL (docs/backup.md): pg_dump of the test's schema under an
exported snapshot, restored with pg_restore into a scratch database, verified, and the case carried to its end
there; a damaged dump is refused with nothing written to the scratch database."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from freezegun import freeze_time
from sqlalchemy import create_engine, make_url, text

from engine.records import audit
from engine.services import attachments
from tests.conftest import POSTGRES_URL
from tests.integration.backup_support import PDF, START, Place, backup, case_part_way, context, finish_case, origin
from tests.integration.cli_support import ok
from web.cli import main

pytestmark = pytest.mark.postgres


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """A database of its own for the restored system (dropped afterwards): the restore goes to a fresh place."""
    assert POSTGRES_URL is not None
    name = f"dibao_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _in_database(url: str, name: str) -> str:
    """The same URL (its search_path option, so the same schema) in another database."""
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                )
            )
            return sorted(r[0] for r in rows)
    finally:
        engine.dispose()


def test_a_postgres_backup_restores_into_another_database_and_the_case_ends_there(
    database_url: str, scratch_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin(tmp_path / "origin", database_url, monkeypatch)
    ctx = context()
    try:
        number, attachment_id = case_part_way(ctx)
        with freeze_time(START):
            backup(tmp_path / "backup")
    finally:
        ctx.close()
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["kind"] == "postgresql"
    assert manifest["database"]["schema"] == make_url(database_url).query["options"].split("=")[1]
    assert (tmp_path / "backup" / "database" / "dibao.pgdump").read_bytes()[:5] == b"PGDMP"  # pg_restore's format

    fresh = Place(tmp_path / "elsewhere", _in_database(database_url, scratch_database))
    fresh.use(monkeypatch)
    assert "恢复完成" in ok(CliRunner().invoke(main, ["restore", str(tmp_path / "backup")]))
    assert "审计链完整" in ok(CliRunner().invoke(main, ["audit", "verify"]))
    ctx = context()
    try:
        assert ctx.db.is_postgres
        assert attachments.open_for_download(ctx, "clerk1", attachment_id).content == PDF
        finish_case(ctx, number)
        assert audit.verify(ctx.db).ok
    finally:
        ctx.close()
    refused = CliRunner().invoke(main, ["restore", str(tmp_path / "backup")])
    assert refused.exit_code != 0
    assert "已有" in refused.output
    forced = ok(CliRunner().invoke(main, ["restore", "--force", str(tmp_path / "backup")]))
    assert "已替换：PostgreSQL 数据库" in forced
    ctx = context()
    try:
        finish_case(ctx, number)  # back at the moment of the backup: the case is in its 公示 again
    finally:
        ctx.close()


def test_a_damaged_dump_is_refused_and_the_scratch_database_stays_empty(
    database_url: str, scratch_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin(tmp_path / "origin", database_url, monkeypatch)
    backup(tmp_path / "backup")
    dump = tmp_path / "backup" / "database" / "dibao.pgdump"
    content = bytearray(dump.read_bytes())
    content[len(content) // 2] ^= 0xFF
    dump.write_bytes(bytes(content))
    target = _in_database(database_url, scratch_database)
    Place(tmp_path / "elsewhere", target).use(monkeypatch)
    refused = CliRunner().invoke(main, ["restore", str(tmp_path / "backup")])
    assert refused.exit_code != 0
    assert "database/dibao.pgdump" in refused.output
    assert _tables(target) == []
    assert not (tmp_path / "elsewhere").exists()
