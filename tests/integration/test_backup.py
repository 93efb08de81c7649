"""`dibao backup` and `dibao restore` on SQLite (docs/backup.md): a real 低保 case is backed up part way,
restored into a completely fresh place, verified, and carried to its end there; a backup that does not
match its manifest is refused with nothing written."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from freezegun import freeze_time
from sqlalchemy import select

from engine.persistence import Attachment
from engine.persistence.migrate import alembic_config
from engine.records import audit, blobs
from engine.services import attachments
from engine.services import backup_database as database
from engine.settings import PROJECT_ROOT
from tests.integration.backup_support import (
    PDF,
    START,
    Place,
    backup,
    case_part_way,
    context,
    finish_case,
    origin,
)
from tests.integration.cli_support import ok
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.scenarios.issued import issued
from web.cli import main


def _sqlite(root: Path) -> Place:
    return Place(root, f"sqlite:///{root / 'dibao.sqlite3'}")


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Place, Path, str, int]:
    """A system with a case part way, and its backup in tmp_path/backup."""
    place = origin(tmp_path / "origin", f"sqlite:///{tmp_path / 'origin' / 'dibao.sqlite3'}", monkeypatch)
    ctx = context()
    try:
        number, attachment_id = case_part_way(ctx)
        assert issued(ctx, number), "the case should have issued a document before its 公示"
        with freeze_time(START):
            out = backup(tmp_path / "backup")
    finally:
        ctx.close()
    assert "备份完成" in out
    return place, tmp_path / "backup", number, attachment_id


def test_a_restored_system_verifies_and_carries_the_case_to_its_end(
    source: tuple[Place, Path, str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin_place, directory, number, attachment_id = source
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    paths = {f["path"] for f in manifest["files"]}
    assert manifest["database"]["kind"] == "sqlite"
    assert manifest["database"]["alembic_revision"]
    assert manifest["audit"]["key"] == "included"
    assert manifest["audit"]["head_seq"] > 0
    sha = next(f["sha256"] for f in manifest["files"] if f["path"].startswith("attachments/"))
    assert f"attachments/{sha[:2]}/{sha}" in paths  # content-addressed, as the store itself
    assert any(p.startswith("documents/") for p in paths)
    assert "keys/audit-chain.key" in paths
    assert any(p.startswith("processes/") for p in paths)
    assert any(p.startswith("forms/") for p in paths)

    fresh = _sqlite(tmp_path / "elsewhere")
    fresh.use(monkeypatch)
    out = ok(CliRunner().invoke(main, ["restore", str(directory)]))
    assert "恢复完成" in out
    assert "审计链完整" in out
    assert stat.S_IMODE(os.stat(fresh.key_file).st_mode) == 0o600
    assert fresh.key_file.read_bytes() == origin_place.key_file.read_bytes()
    assert "审计链完整" in _dibao_in_a_process("audit", "verify")

    ctx = context()
    try:
        assert ctx.settings.attachments_dir == fresh.root / "attachments"
        assert attachments.open_for_download(ctx, "clerk1", attachment_id).content == PDF
        finish_case(ctx, number)
        assert audit.verify(ctx.db).ok
        actions = [e.action for e in audit.case_history(ctx.db, 1)]
        assert [a for a in actions if a not in ("document_issued", "document_rendered")][-1] == "process_completed"
        assert "case_decided" in actions
    finally:
        ctx.close()
    assert sorted(p.name for p in fresh.root.iterdir()) == [
        "attachments",
        "audit-chain.key",
        "dibao.sqlite3",
        "documents",
        "forms",
        "processes",
    ]


def _dibao_in_a_process(*args: str) -> str:
    """`dibao …` as its own process, on this worktree's code, with the environment the test set."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", "from web.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _tamper_byte(directory: Path) -> str:
    blob = next(p for p in (directory / "attachments").rglob("*") if p.is_file())
    data = bytearray(blob.read_bytes())
    data[-1] ^= 0x01
    blob.write_bytes(bytes(data))
    return blob.name


def _remove_file(directory: Path) -> str:
    document = next(p for p in (directory / "documents").rglob("*") if p.is_file())
    document.unlink()
    return document.name


def _extra_file(directory: Path) -> str:
    (directory / "processes" / "default" / "extra.bpmn").write_text("<definitions/>", encoding="utf-8")
    return "processes/default/extra.bpmn"


def _tamper_manifest(directory: Path) -> str:
    path = directory / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = next(f for f in data["files"] if f["path"].startswith("forms/"))
    entry["sha256"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    return entry["path"]


def _garble_manifest(directory: Path) -> str:
    path = directory / "manifest.json"
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    return "manifest.json"


def _unknown_version(directory: Path) -> str:
    path = directory / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["format_version"] = 99
    path.write_text(json.dumps(data), encoding="utf-8")
    return "99"


@pytest.mark.parametrize(
    "damage", [_tamper_byte, _remove_file, _extra_file, _tamper_manifest, _garble_manifest, _unknown_version]
)
def test_a_backup_that_does_not_match_its_manifest_is_refused_with_nothing_written(
    source: tuple[Place, Path, str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    _, directory, _, _ = source
    named = damage(directory)  # type: ignore[operator]
    fresh = _sqlite(tmp_path / "elsewhere")
    fresh.root.mkdir()
    fresh.use(monkeypatch)
    result = CliRunner().invoke(main, ["restore", str(directory)])
    assert result.exit_code != 0
    assert named in result.output
    assert "未做任何更改" in result.output
    assert "Traceback" not in result.output
    assert fresh.written() == []


def test_a_target_in_use_is_refused_unless_forced(
    source: tuple[Place, Path, str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin_place, directory, number, _ = source
    # The origin itself is not fresh: its database has our tables and its stores have files.
    refused = CliRunner().invoke(main, ["restore", str(directory)])
    assert refused.exit_code != 0
    assert "--force" in refused.output
    assert "dibao.sqlite3" in refused.output
    ctx = context()
    try:
        finish_case(ctx, number)  # the system moves on after the backup …
    finally:
        ctx.close()
    forced = ok(CliRunner().invoke(main, ["restore", "--force", str(directory)]))
    assert "已替换：SQLite 数据库文件" in forced
    assert "已替换：文书目录" in forced
    ctx = context()
    try:
        finish_case(ctx, number)  # … and is put back to the moment of the backup, where the case is still open
    finally:
        ctx.close()
    assert origin_place.key_file.exists()


def test_a_key_that_does_not_fit_the_chain_is_refused(
    source: tuple[Place, Path, str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, directory, _, _ = source
    fresh = _sqlite(tmp_path / "elsewhere")
    fresh.root.mkdir()
    fresh.use(monkeypatch)
    monkeypatch.setenv("DIBAO_AUDIT_KEY", "ab" * 32)
    result = CliRunner().invoke(main, ["restore", str(directory)])
    assert result.exit_code != 0
    assert "DIBAO_AUDIT_KEY" in result.output
    assert fresh.written() == []


@pytest.mark.parametrize(("kept_by", "state"), [("--without-keys", "omitted"), ("DIBAO_AUDIT_KEY", "not_included_env")])
def test_a_key_kept_apart_is_not_in_the_backup_and_restore_needs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept_by: str, state: str
) -> None:
    place = origin(tmp_path / "origin", f"sqlite:///{tmp_path / 'origin' / 'db.sqlite3'}", monkeypatch)
    key = place.key_file.read_text(encoding="ascii").strip()
    if kept_by == "DIBAO_AUDIT_KEY":
        monkeypatch.setenv("DIBAO_AUDIT_KEY", key)  # given directly, e.g. from a secret store
        out = backup(tmp_path / "backup")
        monkeypatch.delenv("DIBAO_AUDIT_KEY")
    else:
        out = backup(tmp_path / "backup", kept_by)
    assert "审计密钥" in out  # the note says the key is not in the backup
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["audit"]["key"] == state
    assert not (tmp_path / "backup" / "keys").exists()
    fresh = _sqlite(tmp_path / "elsewhere")
    fresh.root.mkdir()
    fresh.use(monkeypatch)
    refused = CliRunner().invoke(main, ["restore", str(tmp_path / "backup")])
    assert refused.exit_code != 0
    assert "审计密钥" in refused.output
    monkeypatch.setenv("DIBAO_AUDIT_KEY", "cd" * 32)  # a key, but not this chain's
    wrong = CliRunner().invoke(main, ["restore", str(tmp_path / "backup")])
    assert wrong.exit_code != 0
    assert "封印" in wrong.output
    assert fresh.written() == []
    monkeypatch.setenv("DIBAO_AUDIT_KEY", key)
    assert "恢复完成" in ok(CliRunner().invoke(main, ["restore", str(tmp_path / "backup")]))
    assert not fresh.key_file.exists()
    assert "审计链完整" in ok(CliRunner().invoke(main, ["audit", "verify"]))


def test_a_backup_never_overwrites_and_never_leaves_half_a_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    place = origin(tmp_path / "origin", f"sqlite:///{tmp_path / 'origin' / 'db.sqlite3'}", monkeypatch)
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "old.txt").write_text("x", encoding="utf-8")
    refused = CliRunner().invoke(main, ["backup", str(tmp_path / "used")])
    assert refused.exit_code != 0
    assert "不为空" in refused.output
    # A row whose file is gone: the backup is refused, naming the file, and no folder is left behind.
    ctx = context()
    try:
        case_part_way(ctx)
    finally:
        ctx.close()
    blob = next(p for p in (place.root / "attachments").rglob("*") if p.is_file())
    blob.unlink()
    failed = CliRunner().invoke(main, ["backup", str(tmp_path / "new")])
    assert failed.exit_code != 0
    assert blob.name in failed.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["origin", "used"]


def test_a_backup_from_an_older_version_is_brought_to_head_on_restore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin(tmp_path / "origin", f"sqlite:///{tmp_path / 'origin' / 'db.sqlite3'}", monkeypatch)
    ctx = context()
    try:
        head = database.head_revision(ctx.db.engine)
        with ctx.db.engine.begin() as connection:  # the database as the previous release of the code left it
            config = alembic_config(ctx.db.engine)
            config.attributes["connection"] = connection
            command.downgrade(config, "-1")
        older = database.current_revision(ctx.db.engine)
    finally:
        ctx.close()
    assert older is not None
    assert older != head
    backup(tmp_path / "backup")
    _sqlite(tmp_path / "elsewhere").use(monkeypatch)
    out = ok(CliRunner().invoke(main, ["restore", str(tmp_path / "backup")]))
    assert f"数据库结构已从 {older} 升级到最新" in out
    ctx = context()
    try:
        assert database.current_revision(ctx.db.engine) == head
    finally:
        ctx.close()
    assert "审计链完整" in ok(CliRunner().invoke(main, ["audit", "verify"]))


def test_a_backup_from_a_newer_version_is_refused(
    source: tuple[Place, Path, str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, directory, _, _ = source
    path = directory / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["database"]["alembic_revision"] = "ffffffffffff"
    path.write_text(json.dumps(data), encoding="utf-8")
    fresh = _sqlite(tmp_path / "elsewhere")
    fresh.root.mkdir()
    fresh.use(monkeypatch)
    result = CliRunner().invoke(main, ["restore", str(directory)])
    assert result.exit_code != 0
    assert "ffffffffffff" in result.output
    assert fresh.written() == []


def test_a_backup_taken_while_uploads_go_on_is_consistent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    origin(tmp_path / "origin", f"sqlite:///{tmp_path / 'origin' / 'db.sqlite3'}", monkeypatch)
    ctx = context()
    with freeze_time(START):
        app = Application(ctx, household(member("赵六", "self", ("wage", "600.00")))).start()
        task_id = app.task("intake_review").id
    stop, started, uploaded = threading.Event(), threading.Event(), []

    def upload_until_stopped() -> None:
        while not stop.is_set():
            n = len(uploaded)
            attachments.upload(ctx, "clerk1", task_id, f"材料{n}.pdf", PDF + str(n).encode())
            uploaded.append(n)
            if n == 2:
                started.set()

    writer = threading.Thread(target=upload_until_stopped)
    writer.start()
    try:
        assert started.wait(timeout=60)
        backup(tmp_path / "backup")  # the server keeps writing: SQLite's online backup
    finally:
        stop.set()
        writer.join(timeout=60)
        ctx.close()
    _sqlite(tmp_path / "elsewhere").use(monkeypatch)
    ok(CliRunner().invoke(main, ["restore", str(tmp_path / "backup")]))  # verifies the chain and its head
    ctx = context()
    try:
        with ctx.db.read() as session:
            rows = session.scalars(select(Attachment)).all()
            assert 3 <= len(rows) <= len(uploaded)
            for row in rows:  # every row of the snapshot came with its file
                assert blobs.file_sha256(blobs.blob_path(ctx.settings.attachments_dir, row.sha256)) == row.sha256
    finally:
        ctx.close()
