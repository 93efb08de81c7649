"""`dibao backup DIR` (docs/backup.md): the database, the attachment and document stores, the chain key file and
the deployed process and form files, with a manifest of every file's size and sha256.

The database is copied first, then the files: blobs are written before the rows that name them
(engine.records.blobs), so every row of the snapshot has its blob on disk by the time the stores are copied;
that is checked, and a backup that lacks one is refused. The backup is built in a hidden sibling folder and
renamed into place at the end, so DIR is either a whole backup or not there.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from engine.context import Context
from engine.domain import backup_manifest as m
from engine.errors import BackupError
from engine.services import backup_database as database
from engine.services.backup_files import copy_file, copy_tree, hash_file


@dataclass(frozen=True)
class BackupResult:
    directory: Path
    manifest: m.Manifest
    bytes_total: int


def create(ctx: Context, target: Path, *, without_keys: bool = False) -> BackupResult:
    """Write a whole backup to `target`, which must be absent or an empty folder (a backup never overwrites)."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"备份目录 {target} 已存在且不为空：备份从不覆盖，请换一个新目录")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.parent / f".{target.name}.partial-{uuid.uuid4().hex[:8]}"
    work.mkdir(mode=0o700)  # personal data and the chain key: for the owner only
    try:
        manifest = _write(ctx, work, without_keys)
        os.sync()  # every file on disk before the backup takes its name
        if target.exists():
            target.rmdir()
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupResult(target, manifest, sum(f.size for f in manifest.files))


def _write(ctx: Context, work: Path, without_keys: bool) -> m.Manifest:
    created_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # the machine's time, not the demo clock
    settings, engine = ctx.settings, ctx.db.engine
    kind = "postgresql" if ctx.db.is_postgres else "sqlite"
    db_file = work / (m.DATABASE_PGDUMP if ctx.db.is_postgres else m.DATABASE_SQLITE)
    db_file.parent.mkdir(mode=0o700)
    if ctx.db.is_postgres:
        snapshot, schema = database.pg_snapshot(engine, db_file), database.pg_schema(engine)
    else:
        snapshot, schema = database.sqlite_snapshot(engine, db_file), None
    db_file.chmod(0o600)
    files = [_entry_of(db_file, work)]
    files += copy_tree(settings.attachments_dir, work, m.ATTACHMENTS)
    files += copy_tree(settings.documents_dir, work, m.DOCUMENTS)
    _check_blobs(files, snapshot)
    files += copy_tree(settings.processes_dir, work, m.PROCESSES)
    files += copy_tree(settings.forms_dir, work, m.FORMS)
    key_state = m.KEY_FROM_ENV if settings.audit_key else m.KEY_OMITTED if without_keys else m.KEY_INCLUDED
    if key_state == m.KEY_INCLUDED:
        if not settings.audit_key_file.is_file():
            raise BackupError(
                f"审计密钥文件 {settings.audit_key_file} 不存在：无法备份；或加 --without-keys 不备份密钥"
            )
        files.append(copy_file(settings.audit_key_file, work / m.KEY_FILE, m.KEY_FILE, mode=0o600))
    manifest = m.Manifest(
        created_at=created_at,
        database_kind=kind,
        database_schema=schema,
        alembic_revision=snapshot.alembic_revision,
        audit_head_seq=snapshot.head_seq,
        audit_head_hash=snapshot.head_hash,
        audit_head_seal=snapshot.head_seal,
        audit_key=key_state,
        files=tuple(files),
    )
    _write_manifest(work / m.MANIFEST_NAME, manifest.to_json())
    return manifest


def _entry_of(path: Path, root: Path) -> m.FileEntry:
    size, sha256 = hash_file(path)
    return m.FileEntry(path.relative_to(root).as_posix(), size, sha256)


def _check_blobs(files: list[m.FileEntry], snapshot: database.Snapshot) -> None:
    """Every attachment and document row of the snapshot has its file, intact (its name is its sha256)."""
    copied = {(f.path.split("/", 1)[0], f.sha256) for f in files if f.path.endswith("/" + f.sha256)}
    missing = [
        f"{folder}/{sha[:2]}/{sha}"
        for folder, shas in ((m.ATTACHMENTS, snapshot.attachments), (m.DOCUMENTS, snapshot.documents))
        for sha in sorted(shas)
        if (folder, sha) not in copied
    ]
    if missing:
        shown = "、".join(missing[:20]) + (f" 等共 {len(missing)} 个" if len(missing) > 20 else "")
        raise BackupError(
            f"数据库中登记的文件缺失或已损坏，未生成备份：{shown}。请先从较早的备份中找回这些文件"
            "（dibao restore 不会接受缺文件的备份）"
        )


def _write_manifest(path: Path, content: str) -> None:
    with path.open("x", encoding="utf-8") as out:
        out.write(content)
