"""The manifest of a backup directory (docs/backup.md): what was backed up, from which system, and every file
with its size and sha256, so a restore can prove the copy whole before it writes anything.

Pure: reading and writing the JSON text and comparing it with what a directory holds; the files themselves
are read by engine.services.backup.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any

MANIFEST_NAME = "manifest.json"
FORMAT = "dibao-backup"
FORMAT_VERSION = 1
KINDS = ("sqlite", "postgresql")
# How the audit chain key stands in the backup: a file under keys/, given directly (DIBAO_AUDIT_KEY, so it
# cannot be in a file copy), or left out on purpose (--without-keys).
KEY_INCLUDED, KEY_FROM_ENV, KEY_OMITTED = "included", "not_included_env", "omitted"
KEY_STATES = (KEY_INCLUDED, KEY_FROM_ENV, KEY_OMITTED)

DATABASE_SQLITE = "database/dibao.sqlite3"
DATABASE_PGDUMP = "database/dibao.pgdump"
KEY_FILE = "keys/audit-chain.key"
# Top folders of the backup and the setting each is restored to.
ATTACHMENTS, DOCUMENTS, PROCESSES, FORMS = "attachments", "documents", "processes", "forms"


class ManifestError(ValueError):
    """The manifest cannot be used; the message is Chinese and names what is wrong."""


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative, '/'-separated, inside the backup directory
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    created_at: str  # ISO 8601, UTC
    database_kind: str
    database_schema: str | None  # PostgreSQL: the schema dumped (search_path of the URL), None: the database's
    alembic_revision: str | None
    audit_head_seq: int
    audit_head_hash: str
    audit_head_seal: str | None  # lets a restore check the target's key against the chain before writing
    audit_key: str
    files: tuple[FileEntry, ...] = field(default=())
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "format": FORMAT,
            "format_version": self.format_version,
            "created_at": self.created_at,
            "database": {
                "kind": self.database_kind,
                "schema": self.database_schema,
                "alembic_revision": self.alembic_revision,
            },
            "audit": {
                "head_seq": self.audit_head_seq,
                "head_hash": self.audit_head_hash,
                "head_seal": self.audit_head_seal,
                "key": self.audit_key,
            },
            "files": [asdict(f) for f in sorted(self.files, key=lambda f: f.path)],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def database_file(self) -> str:
        return DATABASE_SQLITE if self.database_kind == "sqlite" else DATABASE_PGDUMP

    def under(self, top: str) -> list[FileEntry]:
        return [f for f in self.files if f.path.startswith(top + "/")]


def parse(text: str) -> Manifest:
    """The manifest in `text`; ManifestError naming the first thing wrong (never a KeyError or TypeError)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{MANIFEST_NAME} 不是合法的 JSON：第 {exc.lineno} 行 {exc.msg}") from None
    try:
        return _manifest(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(f"{MANIFEST_NAME} 缺少或写错了字段（{exc}）") from None


def _manifest(data: dict[str, Any]) -> Manifest:
    if data.get("format") != FORMAT:
        raise ManifestError(f"{MANIFEST_NAME} 不是低保系统的备份清单（format 应为 {FORMAT}）")
    version = data["format_version"]
    if version != FORMAT_VERSION:
        raise ManifestError(f"备份格式版本 {version!r} 未知：本程序只认 {FORMAT_VERSION}（备份可能来自更新的版本）")
    database, audit = data["database"], data["audit"]
    if database["kind"] not in KINDS:
        raise ManifestError(f"{MANIFEST_NAME}：未知的数据库类型 {database['kind']!r}")
    if audit["key"] not in KEY_STATES:
        raise ManifestError(f"{MANIFEST_NAME}：审计密钥状态 {audit['key']!r} 未知")
    files = tuple(_entry(item) for item in data["files"])
    paths = [f.path for f in files]
    if len(set(paths)) != len(paths):
        raise ManifestError(f"{MANIFEST_NAME}：文件清单中有重复的路径")
    manifest = Manifest(
        created_at=str(data["created_at"]),
        database_kind=database["kind"],
        database_schema=database["schema"],
        alembic_revision=database["alembic_revision"],
        audit_head_seq=int(audit["head_seq"]),
        audit_head_hash=str(audit["head_hash"]),
        audit_head_seal=audit["head_seal"],
        audit_key=audit["key"],
        files=files,
        format_version=version,
    )
    if manifest.database_file() not in paths:
        raise ManifestError(f"{MANIFEST_NAME}：文件清单中没有数据库文件 {manifest.database_file()}")
    return manifest


def _entry(item: dict[str, Any]) -> FileEntry:
    path, size, sha256 = item["path"], item["size"], item["sha256"]
    if not isinstance(path, str) or not is_safe_path(path):
        raise ManifestError(f"{MANIFEST_NAME}：路径 {path!r} 不安全（须为备份目录内的相对路径）")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ManifestError(f"{MANIFEST_NAME}：{path} 的大小 {size!r} 无效")
    if not isinstance(sha256, str) or len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ManifestError(f"{MANIFEST_NAME}：{path} 的 sha256 {sha256!r} 无效")
    return FileEntry(path, size, sha256)


def is_safe_path(path: str) -> bool:
    """A relative path that stays inside the backup: a manifest must never make restore write elsewhere."""
    pure = PurePosixPath(path)
    if not path or pure.is_absolute() or "\\" in path:
        return False
    return all(part not in ("", ".", "..") for part in pure.parts)


def differences(manifest: Manifest, found: dict[str, tuple[int, str]]) -> list[str]:
    """What does not match between the manifest and `found` (relative path → size, sha256 of every file in the
    backup directory but the manifest), one Chinese line per file; empty when the backup is whole."""
    problems: list[str] = []
    for entry in manifest.files:
        actual = found.get(entry.path)
        if actual is None:
            problems.append(f"缺少文件：{entry.path}")
        elif actual[0] != entry.size:
            problems.append(f"大小不符：{entry.path}（清单 {entry.size} 字节，实际 {actual[0]} 字节）")
        elif actual[1] != entry.sha256:
            problems.append(f"内容被改动（sha256 不符）：{entry.path}")
    listed = {entry.path for entry in manifest.files}
    problems.extend(f"清单外的多余文件：{path}" for path in sorted(found) if path not in listed)
    return problems
