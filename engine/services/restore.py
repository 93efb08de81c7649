"""`dibao restore DIR` (docs/backup.md): put a backup back, at the places the settings name.

Everything that can be checked is checked before the first write: the manifest (readable, a known format,
every file present with its size and sha256, nothing unlisted), the migration it was made at, the chain key
against the chain's sealed head, and that the target is fresh (or `force`, and then what is replaced is said).
Then the database, the stores, the process and form files and the key file are written, the schema is
brought to head when the backup is older, the audit chain is verified, and `backup.restored` is recorded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from engine.context import Context
from engine.domain import backup_manifest as m
from engine.errors import AuditKeyError, BackupError
from engine.persistence.migrate import upgrade_to_head
from engine.records import audit
from engine.records.audit_chain import ChainSeal
from engine.records.audit_key import KEY_BYTES, read_key
from engine.services import backup_database as database
from engine.services.backup_files import clear_tree, copy_file, has_files, hash_file, hash_tree, tree_files

RESTORED = "backup.restored"


@dataclass(frozen=True)
class RestoreResult:
    manifest: m.Manifest
    replaced: list[str]
    upgraded_from: str | None
    events_checked: int
    key_file: Path | None  # where the backup's key was written; None: the target's own key was used


@dataclass
class _Plan:
    key: bytes
    write_key: bool
    replaced: list[str] = field(default_factory=list)
    trees: dict[str, Path] = field(default_factory=dict)  # top folder of the backup → where it goes
    clear: set[str] = field(default_factory=set)  # top folders whose target is emptied first (--force)


def read_backup(source: Path) -> m.Manifest:
    """The backup's manifest once every file has been proven against it; BackupError naming each file otherwise."""
    if not source.is_dir():
        raise BackupError(f"备份目录 {source} 不存在")
    try:
        manifest = m.parse((source / m.MANIFEST_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"备份目录 {source} 中没有 {m.MANIFEST_NAME}：不是完整的备份，未做任何更改") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupError(f"无法读取 {source / m.MANIFEST_NAME}：{exc}；未做任何更改") from None
    except m.ManifestError as exc:
        raise BackupError(f"{exc}；未做任何更改") from None
    problems = m.differences(manifest, hash_tree(source, m.MANIFEST_NAME))
    if problems:
        raise BackupError(
            f"备份与清单不符，拒绝恢复，未做任何更改（共 {len(problems)} 处）：\n  " + "\n  ".join(problems)
        )
    return manifest


def restore(ctx: Context, source: Path, *, force: bool = False) -> RestoreResult:
    manifest = read_backup(source)
    plan = _plan(ctx, manifest, source, force)
    ctx.db.dispose()  # no pooled connection may outlive the file or schema it was opened on
    _restore_database(ctx, manifest, source, replace=bool(plan.replaced) and force)
    for top, root in plan.trees.items():
        if top in plan.clear:
            clear_tree(root)
        for entry in manifest.under(top):
            copy_file(source / entry.path, root / entry.path.split("/", 1)[1], entry.path)
    key_file = None
    if plan.write_key:
        key_file = ctx.settings.audit_key_file
        copy_file(source / m.KEY_FILE, key_file, m.KEY_FILE, mode=0o600)
    os.sync()  # the files on disk before anything (the restore event) says the restore happened
    ctx.db.dispose()
    upgraded_from = _migrate(ctx)
    checked = _verify_chain(ctx, manifest)
    with ctx.db.write() as session:
        audit.record(
            session,
            RESTORED,
            details={
                "backup_created_at": manifest.created_at,
                "backup_head_seq": manifest.audit_head_seq,
                "alembic_revision": manifest.alembic_revision,
                "upgraded_from": upgraded_from,
                "replaced": plan.replaced,
            },
        )
    return RestoreResult(manifest, plan.replaced, upgraded_from, checked, key_file)


def _plan(ctx: Context, manifest: m.Manifest, source: Path, force: bool) -> _Plan:
    """Every check that needs no write; BackupError (nothing written) when the restore cannot go ahead."""
    kind = "postgresql" if ctx.db.is_postgres else "sqlite"
    if manifest.database_kind != kind:
        raise BackupError(
            f"备份的数据库是 {manifest.database_kind}，而 DIBAO_DATABASE_URL 指向 {kind}：未做任何更改"
            "（换库请用数据迁移，不用备份恢复）"
        )
    if not database.known_revision(ctx.db.engine, manifest.alembic_revision):
        raise BackupError(
            f"备份的数据库结构版本 {manifest.alembic_revision} 本程序不认识（备份来自更新的版本？）："
            "请用与备份相同或更新的程序恢复，未做任何更改"
        )
    key, write_key, replaced = _key_plan(ctx, manifest, source, force)
    plan = _Plan(key, write_key, replaced)
    plan.replaced += _database_in_use(ctx, manifest)
    settings = ctx.settings
    for top, root, label in (
        (m.ATTACHMENTS, settings.attachments_dir, "附件目录"),
        (m.DOCUMENTS, settings.documents_dir, "文书目录"),
        (m.PROCESSES, settings.processes_dir, "流程目录"),
        (m.FORMS, settings.forms_dir, "表单目录"),
    ):
        plan.trees[top] = root
        if has_files(root) and not _same_tree(root, manifest.under(top)):
            plan.replaced.append(f"{label} {root}（现有文件将被清空）")
            plan.clear.add(top)
        elif has_files(root):
            del plan.trees[top]  # already exactly the backup's files
    if plan.replaced and not force:
        raise BackupError("恢复目标不是空的，未做任何更改；确认要覆盖请加 --force：\n  " + "\n  ".join(plan.replaced))
    return plan


def _key_plan(ctx: Context, manifest: m.Manifest, source: Path, force: bool) -> tuple[bytes, bool, list[str]]:
    settings, replaced = ctx.settings, list[str]()
    if manifest.audit_key == m.KEY_INCLUDED:
        key = bytes.fromhex((source / m.KEY_FILE).read_text(encoding="ascii").strip())
        if len(key) != KEY_BYTES:
            raise BackupError(f"备份中的审计密钥 {m.KEY_FILE} 格式不对，未做任何更改")
        if settings.audit_key:
            if _target_key(ctx) != key:
                raise BackupError(
                    "DIBAO_AUDIT_KEY 与备份中的审计密钥不同：请去掉该设置或改为备份中的密钥，未做任何更改"
                )
            return key, False, replaced
        path = settings.audit_key_file
        if path.exists():
            if path.read_bytes().strip() == (source / m.KEY_FILE).read_bytes().strip():
                return key, False, replaced
            replaced.append(f"审计密钥文件 {path}")
        _check_seal(manifest, key)
        return key, True, replaced
    key = _target_key(ctx)
    _check_seal(manifest, key)
    return key, False, replaced


def _target_key(ctx: Context) -> bytes:
    try:
        return read_key(ctx.settings)
    except AuditKeyError as exc:
        raise BackupError(
            "备份不含审计密钥（备份时密钥由 DIBAO_AUDIT_KEY 直接给出，或用了 --without-keys），"
            f"恢复目标也没有可用的密钥：{exc.message}。请设置 DIBAO_AUDIT_KEY 或 DIBAO_AUDIT_KEY_FILE 指向原来的密钥，"
            "未做任何更改"
        ) from None


def _check_seal(manifest: m.Manifest, key: bytes) -> None:
    if manifest.audit_head_seq == 0 or manifest.audit_head_seal is None:
        return
    if ChainSeal(key).head_seal(manifest.audit_head_seq, manifest.audit_head_hash) != manifest.audit_head_seal:
        raise BackupError("审计密钥与备份的审计链不符（链尾的封印对不上）：请使用该数据库原来的密钥，未做任何更改")


def _database_in_use(ctx: Context, manifest: m.Manifest) -> list[str]:
    engine = ctx.db.engine
    if not ctx.db.is_postgres:
        path = database.sqlite_path(engine)
        tables = database.sqlite_tables(path)
        return [f"SQLite 数据库文件 {path}（已有 {len(tables)} 张本系统的表）"] if tables else []
    schema = database.pg_schema(engine)
    if manifest.database_schema != schema:
        raise BackupError(
            f"备份的是 PostgreSQL 模式 {manifest.database_schema or '（默认）'}，"
            f"而 DIBAO_DATABASE_URL 的 search_path 是 {schema or '（默认）'}：请恢复到同名模式（可在另一个数据库中），"
            "未做任何更改"
        )
    tables = database.pg_tables(engine)
    where = f"数据库 {engine.url.database}" + (f" 的模式 {schema}" if schema else "")
    return [f"PostgreSQL {where}（已有 {len(tables)} 张本系统的表）"] if tables else []


def _same_tree(root: Path, entries: list[m.FileEntry]) -> bool:
    expected = {e.path.split("/", 1)[1]: e.sha256 for e in entries}
    found = {rel: hash_file(path)[1] for path, rel in tree_files(root)}
    return found == expected


def _restore_database(ctx: Context, manifest: m.Manifest, source: Path, *, replace: bool) -> None:
    dump = source / manifest.database_file()
    if ctx.db.is_postgres:
        database.pg_restore(ctx.db.engine, dump, replace=replace)
    else:
        database.sqlite_restore(dump, database.sqlite_path(ctx.db.engine))


def _migrate(ctx: Context) -> str | None:
    """Bring a backup from an older version of the code to this version's schema; its old revision, or None."""
    current = database.current_revision(ctx.db.engine)
    if current is None or current == database.head_revision(ctx.db.engine):
        return None
    upgrade_to_head(ctx.db.engine)
    return current


def _verify_chain(ctx: Context, manifest: m.Manifest) -> int:
    result = audit.verify(ctx.db)
    if not result.ok:
        raise BackupError(
            f"已恢复，但审计链校验未通过：第 {result.first_broken} 号事件——{result.reason}。请勿投入使用，"
            "改用另一份备份"
        )
    if (result.head_seq, result.head_hash) != (manifest.audit_head_seq, manifest.audit_head_hash):
        raise BackupError(
            f"已恢复，但审计链链尾（第 {result.head_seq} 号）与备份清单记载的（第 {manifest.audit_head_seq} 号）不同："
            "请勿投入使用，改用另一份备份"
        )
    return result.events_checked
