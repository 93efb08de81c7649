"""Content-addressed files on disk: attachments and issued documents (docs/attachments.md, docs/documents.md).

A file lives at <root>/<first two hex digits>/<sha256>, so identical content is stored once and a changed
file is detectable. Written before the row that names it, so a committed row always has its file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from engine.errors import StorageUnavailable

STORE_NAMES = {"attachments": "附件", "documents": "文书"}


def blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def file_sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as blob:
            return hashlib.file_digest(blob, "sha256").hexdigest()
    except FileNotFoundError:
        return None


def store_blob(root: Path, content: bytes, sha256: str, store: str = "attachments") -> None:
    """Write the blob unless an intact copy exists; temp file + fsync + os.replace, so a reader sees the
    whole file or none (a damaged copy is replaced by the good content). A store that cannot be written
    (full disk, lost mount, a path that is not a directory) raises StorageUnavailable: the caller writes
    it before its row, inside the transaction, so the row is rolled back with it."""
    try:
        _write(blob_path(root, sha256), content, sha256)
    except OSError as failure:
        # The path and errno belong in the server's log (the web's handler logs the cause), not on the page.
        name = STORE_NAMES.get(store, "附件")
        raise StorageUnavailable(
            f"{name}存储暂不可写，本次操作未保存。请稍后重试，并请系统管理员检查存储空间与挂载。"
        ) from failure


def _write(path: Path, content: bytes, sha256: str) -> None:
    if file_sha256(path) == sha256:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_blob(root: Path, sha256: str) -> bytes | None:
    try:
        return blob_path(root, sha256).read_bytes()
    except FileNotFoundError:
        return None
