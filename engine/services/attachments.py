"""附件 (docs/contracts.md#data-model): files uploaded on a task, stored content-addressed, listed and downloaded by
whoever may see the case.

Who uploads: whoever may work the task right now (the rule 签收 and 提交 use: the task's role in the
task's org unit, the task open or claimed by them). What: PDF, OFD, JPEG, PNG or TIFF, recognised by the
file's own first bytes; the client's content type and file name decide nothing. Where: the blob at
`<attachments_dir>/<sha[:2]>/<sha>`, written atomically before the row that names it is committed, so a
row never points at a half-written file; identical content is stored once. A download re-hashes the blob
and refuses one that no longer matches its row (tampering or disk damage), with an audit event.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from uuid import uuid4

from engine.clock import to_china, utcnow
from engine.context import Context
from engine.errors import DibaoError, InvalidData, NotFound
from engine.lookups import get_user
from engine.persistence import Attachment, HumanTask, User
from engine.policy import check_may_see_case, is_active_delegate
from engine.queries.attachments import attachment_views
from engine.records import audit, blobs
from engine.results import AttachmentView, format_size
from engine.services.tasks import check_may_act  # the very rule of 签收/提交

MAX_DESCRIPTION = 200
MAX_FILENAME = 120
_CHUNK = 64 * 1024
_UNSAFE_IN_NAMES = frozenset('<>:"/\\|?*')


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first one is appended to a name that lacks a fitting one


PDF = FileType("PDF", "application/pdf", (".pdf",))
OFD = FileType("OFD", "application/ofd", (".ofd",))
JPEG = FileType("JPG", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileType("PNG", "image/png", (".png",))
TIFF = FileType("TIFF", "image/tiff", (".tif", ".tiff"))
ALLOWED_TYPES = (PDF, OFD, JPEG, PNG, TIFF)
ALLOWED_LABELS = "、".join(t.label for t in ALLOWED_TYPES)
ACCEPT = ",".join(ext for t in ALLOWED_TYPES for ext in t.extensions)  # for <input type=file accept=…>


class AttachmentDamaged(DibaoError):
    """The stored file is missing or no longer has the sha256 recorded at upload."""

    code = "attachment_damaged"


@dataclass(frozen=True)
class Download:
    attachment: AttachmentView
    content: bytes  # the verified bytes themselves: what was checked is what is sent


def sniff(head: bytes) -> FileType | None:
    """The file's type from its own bytes (magic numbers); None for anything not on the allow-list."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"PK\x03\x04") and _is_ofd(head):
        return OFD
    return None


def _is_ofd(content: bytes) -> bool:
    """OFD (GB/T 33190) is a ZIP package with OFD.xml at its root; only the directory is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return "OFD.xml" in package.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def sanitise_filename(raw: str, kind: FileType) -> str:
    """The original name without any path, control or reserved characters, at most MAX_FILENAME
    characters, ending in an extension that fits the sniffed type (so the download opens correctly)."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    # Control and format characters go: a right-to-left override can make a name seem to end otherwise.
    visible = (ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = "".join("_" if ch in _UNSAFE_IN_NAMES else ch for ch in visible).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot or f".{ext.lower()}" not in kind.extensions:
        stem, ext = name, kind.extensions[0][1:]
    stem = stem.strip(" .")[: MAX_FILENAME - len(ext) - 1] or "附件"
    return f"{stem}.{ext}"


def _read_limited(source: bytes | IO[bytes], limit: int) -> bytes:
    """At most limit + 1 bytes: enough to tell "too large" without reading a huge upload to its end."""
    if isinstance(source, bytes):
        return source[: limit + 1]
    chunks, total = [], 0
    while total <= limit:
        chunk = source.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _check_content(content: bytes, filename: str, limit: int) -> FileType:
    def refuse(message: str) -> InvalidData:
        return InvalidData("附件未能上传", {"file": [message]})

    if not content:
        raise refuse("附件：请选择要上传的文件" if not filename.strip() else "附件：文件是空的（0 字节）")
    if len(content) > limit:
        raise refuse(f"附件不能超过 {format_size(limit)}")
    kind = sniff(content)
    if kind is None:
        raise refuse(f"附件：只能上传 {ALLOWED_LABELS} 文件（按文件内容识别，改扩展名无效）")
    return kind


def _clean_description(description: str | None) -> str | None:
    text = (description or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise InvalidData("附件未能上传", {"description": [f"说明：不能超过 {MAX_DESCRIPTION} 字"]})
    return text or None


def blob_path(ctx: Context, sha256: str) -> Path:
    return blobs.blob_path(ctx.settings.attachments_dir, sha256)


def _store_blob(ctx: Context, content: bytes, sha256: str) -> None:
    blobs.store_blob(ctx.settings.attachments_dir, content, sha256)


def _acting_role(user: User) -> str | None:
    return min(user.roles) if user.roles else None


def upload(
    ctx: Context,
    username: str,
    task_id: int,
    filename: str,
    content: bytes | IO[bytes],
    description: str | None = None,
) -> AttachmentView:
    """Store a file on a task the user may work now. InvalidData (field `file` or `description`) for an
    empty, too large or disallowed file; PermissionDenied / Conflict as for 签收; nothing is written then."""
    limit = ctx.settings.attachment_max_bytes
    data = _read_limited(content, limit)
    with ctx.db.write() as session:
        user = get_user(session, username)
        task = session.get(HumanTask, task_id)
        if task is None:
            raise NotFound(f"任务 {task_id} 不存在")
        if not is_active_delegate(user, task):  # 委派: the delegate fills the form in, uploads included
            check_may_act(user, task)  # first: someone who may not upload learns nothing about the file
        kind = _check_content(data, filename, limit)
        text = _clean_description(description)
        sha256 = hashlib.sha256(data).hexdigest()
        _store_blob(ctx, data, sha256)  # before the row: a committed row always has its blob
        now = utcnow()
        row = Attachment(
            case_id=task.case_id,
            task_id=task.id,
            number=f"p-{uuid4().hex[:28]}",  # the real number needs the id; unique meanwhile
            filename=sanitise_filename(filename, kind),
            content_type=kind.content_type,
            size=len(data),
            sha256=sha256,
            uploaded_by_id=user.id,
            uploaded_at=now,
            description=text,
        )
        session.add(row)
        session.flush()
        row.number = f"FJ-{to_china(now):%Y}-{row.id:06d}"
        audit.record_task(
            session,
            "attachment.uploaded",
            audit.Actor.of(user, task.role),
            task,
            at=now,
            number=row.number,
            filename=row.filename,
            content_type=row.content_type,
            size=row.size,
            sha256=sha256,
        )
        session.flush()
        return attachment_views(session, Attachment.id == row.id)[0]


def open_for_download(ctx: Context, username: str, attachment_id: int) -> Download:
    """The file's verified bytes for whoever may see the case, recorded as `attachment.downloaded`.
    A blob that is missing or whose sha256 changed is refused (AttachmentDamaged) and recorded as
    `attachment.integrity_failed`; that event is committed although the download fails."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        row = session.get(Attachment, attachment_id)
        if row is None:
            raise NotFound(f"附件 {attachment_id} 不存在")
        check_may_see_case(user, row.case)
        actor = audit.Actor.of(user, _acting_role(user))
        content = _read_blob(ctx, row.sha256)
        found = hashlib.sha256(content).hexdigest() if content is not None else None
        details = {"number": row.number, "filename": row.filename, "sha256": row.sha256}
        if found == row.sha256 and content is not None:
            audit.record(
                session, "attachment.downloaded", actor, case_id=row.case_id, task_id=row.task_id, details=details
            )
            return Download(attachment_views(session, Attachment.id == row.id)[0], content)
        audit.record(
            session,
            "attachment.integrity_failed",
            actor,
            case_id=row.case_id,
            task_id=row.task_id,
            details={**details, "found": found or "missing"},
        )
        number = row.number
    raise AttachmentDamaged(
        f"附件 {number} 的文件{'已丢失' if found is None else '内容与上传时的校验值不一致，可能已被篡改或损坏'}，"
        "已拒绝下载并记入审计日志。请联系系统管理员。"
    )


def _read_blob(ctx: Context, sha256: str) -> bytes | None:
    return blobs.read_blob(ctx.settings.attachments_dir, sha256)
