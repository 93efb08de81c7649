"""Downloading and printing an issued document (docs/documents-verify-and-download.md).

Documents carry names, household facts and amounts, so every download or print by staff is an audit
event (`document_downloaded`, with what it was for). The bytes sent are the bytes checked: the stored
PDF is re-hashed and a file that is missing or no longer matches the sha256 recorded at issue is refused
and recorded (`document_integrity_failed`, committed although the download fails), as for attachments.
A document whose PDF the worker has not printed yet is printed first (engine.records.document_rendering),
so the reader only notices the wait.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine.context import Context
from engine.errors import DibaoError, NotFound
from engine.lookups import get_user
from engine.persistence import IssuedDocument, User
from engine.policy import check_may_see_case
from engine.queries.documents import DOWNLOADED_ACTION, DocumentView, document_views
from engine.records import audit, blobs
from engine.records.document_rendering import render_now

INTEGRITY_FAILED = "document_integrity_failed"
PURPOSES = {"download": "下载", "print": "打印"}
_CHANGED = "与生成时的校验值不一致，可能已被篡改或损坏"


class DocumentDamaged(DibaoError):
    """The stored PDF is missing or no longer has the sha256 recorded when it was issued."""

    code = "document_damaged"


@dataclass(frozen=True)
class DocumentDownload:
    document: DocumentView
    content: bytes  # the verified bytes themselves


def _acting_role(user: User) -> str | None:
    return min(user.roles) if user.roles else None


def open_for_download(ctx: Context, username: str, document_id: int, purpose: str = "download") -> DocumentDownload:
    """The PDF's verified bytes for whoever may see the case, recorded as `document_downloaded`
    (`purpose`: download or print). NotFound for an unknown id, PermissionDenied outside the user's
    scope, DocumentDamaged (recorded) for a missing or changed file."""
    if purpose not in PURPOSES:
        purpose = "download"
    render_now(ctx, document_id)  # in its own transactions, before this one: nothing when already printed
    with ctx.db.write() as session:
        user = get_user(session, username)
        row = session.get(IssuedDocument, document_id)
        if row is None:
            raise NotFound(f"文书 {document_id} 不存在")
        check_may_see_case(user, row.case)
        actor = audit.Actor.of(user, _acting_role(user))
        if row.sha256 is None:
            raise DocumentDamaged(
                f"文书“{row.title}”（核验码 {row.code}）的 PDF 暂时未能生成，请稍后重试；如仍失败请联系系统管理员。"
            )
        content = blobs.read_blob(ctx.settings.documents_dir, row.sha256)
        found = hashlib.sha256(content).hexdigest() if content is not None else None
        details = {"document_id": row.id, "code": row.code, "title": row.title, "sha256": row.sha256}
        if found == row.sha256 and content is not None:
            _record(session, DOWNLOADED_ACTION, actor, row, {**details, "purpose": purpose})
            return DocumentDownload(document_views(session, IssuedDocument.id == row.id)[0], content)
        _record(session, INTEGRITY_FAILED, actor, row, {**details, "found": found or "missing"})
        code, title = row.code, row.title
    raise DocumentDamaged(
        f"文书“{title}”（核验码 {code}）的文件{'已丢失' if found is None else _CHANGED}，"
        "已拒绝下载并记入审计日志。请联系系统管理员。"
    )


def _record(session: Session, action: str, actor: audit.Actor, row: IssuedDocument, details: dict[str, Any]) -> None:
    audit.record(
        session, action, actor, case_id=row.case_id, instance_id=row.instance_id, task_id=row.task_id, details=details
    )
