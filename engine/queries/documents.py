"""Issued official documents as the case page, the task page, the dossier, the API and the public verify
page read them (docs/documents-verify-and-download.md). Issuing: engine.records.documents; the audited
download of a PDF: engine.services.documents.

Staff see the documents of a case they may see (policy.check_may_see_case, the rule of every case page).
The public sees, for one verification code, only what is printed for citizens anyway: the title, the
issuing unit, the date, the masked applicant and the sha256 (`applicant_masked`, never `context`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from engine.clock import to_china
from engine.context import Context
from engine.domain.document_codes import normalise_code
from engine.errors import NotFound
from engine.lookups import get_case, get_user
from engine.persistence import AuditEvent, Case, HumanTask, IssuedDocument, OrgUnit, User
from engine.policy import check_may_see_case, may_correct_document
from engine.records.document_rendering import MAX_ATTEMPTS, render_now
from engine.results import format_size

ISSUED_ACTION = "document_issued"
DOWNLOADED_ACTION = "document_downloaded"
RENDER_FAILED_LABEL = "PDF 生成失败，请联系系统管理员"
PENDING_LABEL = "生成中"  # where a list shows the PDF's size or sha256 before the worker printed it
UNKNOWN_CODE = "没有查到核验码为 {code} 的文书。请核对文书上印制的核验码（12 位，不区分大小写）后重新输入。"


def status_label(current: bool, replaced_by_code: str | None) -> str:
    """有效, or 已更正（被 <code> 替代）: the same words on the case page, the API and the public page."""
    if current:
        return "有效"
    by = f"（被 {replaced_by_code} 替代）" if replaced_by_code else ""
    return f"已更正{by}"


@dataclass(frozen=True)
class DocumentView:
    """One issued document as staff see it in a list (no `context`: that stays in the database)."""

    id: int
    case_number: str
    task_id: int | None
    task_title: str | None
    template: str
    title: str
    version: int
    code: str
    sha256: str | None  # None while the PDF is still to be printed (engine.records.document_rendering)
    size: int | None
    template_hash: str
    data_hash: str
    issued_at: datetime  # naive UTC
    issued_by_name: str | None
    unit_name: str | None
    superseded_at: datetime | None
    replaced_by_code: str | None  # the correction that replaced this one
    replaces_code: str | None  # the one this corrects
    correction_reason: str | None
    issued_event_seq: int | None  # the `document_issued` audit event
    may_correct: bool = False  # the reader may 更正 it (current, and policy.may_correct_document)
    render_failed: bool = False  # its PDF failed to print MAX_ATTEMPTS times: the worker left it

    @property
    def sha256_text(self) -> str:
        """The PDF's sha256, or why there is none yet (the dossier's line)."""
        if self.sha256 is not None:
            return self.sha256
        return RENDER_FAILED_LABEL if self.render_failed else PENDING_LABEL

    @property
    def current(self) -> bool:
        return self.superseded_at is None

    @property
    def status_label(self) -> str:
        return status_label(self.current, self.replaced_by_code)

    @property
    def size_text(self) -> str:
        return format_size(self.size) if self.size is not None else self.sha256_text

    @property
    def filename(self) -> str:
        """The download's name: the title and the code, so two printings of a notice are told apart."""
        return f"{self.title}-{self.code}.pdf"

    @property
    def ascii_filename(self) -> str:
        return f"document-{self.code}.pdf"


@dataclass(frozen=True)
class PublicDocument:
    """What the public verify page and API show for a code: nothing a citizen may not see."""

    code: str
    title: str
    unit_name: str | None
    issued_on: date  # Beijing date
    applicant_masked: str | None
    sha256: str | None  # None only when the PDF could not be printed yet
    version: int
    current: bool
    replaced_by_code: str | None
    replaces_code: str | None

    @property
    def status_label(self) -> str:
        return status_label(self.current, self.replaced_by_code)


@dataclass(frozen=True)
class FileCheck:
    """An uploaded PDF compared with the stored sha256 of the document the code names (nothing is kept)."""

    document: PublicDocument
    sha256: str
    matches: bool

    @property
    def verdict(self) -> str:
        return "一致" if self.matches else "不一致（可能被篡改）"


def document_views(session: Session, condition: ColumnElement[bool]) -> list[DocumentView]:
    """Documents matching `condition`, issue order, with their case, task, issuer, replacement and audit
    event, in one query and one look-up of the events."""
    replacement = aliased(IssuedDocument)
    replaced = aliased(IssuedDocument)
    query = (
        select(IssuedDocument, Case.number, HumanTask.title, User.display_name, replacement.code, replaced.code)
        .join(Case, Case.id == IssuedDocument.case_id)
        .outerjoin(HumanTask, HumanTask.id == IssuedDocument.task_id)
        .outerjoin(User, User.id == IssuedDocument.issued_by_id)
        .outerjoin(replacement, replacement.replaces_id == IssuedDocument.id)
        .outerjoin(replaced, replaced.id == IssuedDocument.replaces_id)
        .where(condition)
        .order_by(IssuedDocument.issued_at, IssuedDocument.id)
    )
    rows = session.execute(query).all()
    events = _issued_events(session, {doc.case_id for doc, *_ in rows})
    return [
        DocumentView(
            d.id,
            number,
            d.task_id,
            task_title,
            d.template,
            d.title,
            d.version,
            d.code,
            d.sha256,
            d.size,
            d.template_hash,
            d.data_hash,
            d.issued_at,
            issuer,
            d.unit_name,
            d.superseded_at,
            by_code,
            replaces_code,
            d.correction_reason,
            events.get(d.id),
            render_failed=d.sha256 is None and d.render_attempts >= MAX_ATTEMPTS,
        )
        for d, number, task_title, issuer, by_code, replaces_code in rows
    ]


def _issued_events(session: Session, case_ids: set[int]) -> dict[int, int]:
    """document id → seq of its `document_issued` event."""
    if not case_ids:
        return {}
    query = select(AuditEvent.seq, AuditEvent.details).where(
        AuditEvent.case_id.in_(case_ids), AuditEvent.action == ISSUED_ACTION
    )
    found: dict[int, int] = {}
    for seq, details in session.execute(query):
        document_id = details.get("document_id") if isinstance(details, dict) else None
        if isinstance(document_id, int):
            found.setdefault(document_id, seq)
    return found


def list_for_case(ctx: Context, username: str, case_number: str) -> list[DocumentView]:
    """The case's documents in issue order, for whoever may see the case."""
    with ctx.db.read() as session:
        case = get_case(session, case_number)
        user = get_user(session, username)
        check_may_see_case(user, case)
        return _correctable(session, user, case, document_views(session, IssuedDocument.case_id == case.id))


def list_for_task(ctx: Context, username: str, task_id: int) -> list[DocumentView]:
    """The documents the task issued when it completed, for whoever may see its case."""
    with ctx.db.read() as session:
        task = session.get(HumanTask, task_id)
        if task is None:
            raise NotFound(f"任务 {task_id} 不存在")
        user = get_user(session, username)
        check_may_see_case(user, task.case)
        return _correctable(session, user, task.case, document_views(session, IssuedDocument.task_id == task.id))


def _correctable(session: Session, user: User, case: Case, views: list[DocumentView]) -> list[DocumentView]:
    """The views, marked where the reader may 更正 them (the same rule the 更正 command checks)."""
    query = select(IssuedDocument.id, IssuedDocument.issuing_unit_id).where(IssuedDocument.case_id == case.id)
    # Not dict(result): a Result has keys(), so dict() would take it for a mapping.
    units = {row.id: row.issuing_unit_id for row in session.execute(query)}
    marked: list[DocumentView] = []
    for view in views:
        unit_id = units.get(view.id)
        unit = session.get(OrgUnit, unit_id) if unit_id else None
        marked.append(replace(view, may_correct=view.current and may_correct_document(user, case, unit)))
    return marked


def find_by_code(ctx: Context, typed: str) -> PublicDocument:
    """The public view of the document with this code, typed as a citizen types it; NotFound otherwise."""
    code = normalise_code(typed)
    shown = (typed or "").strip()[:40]
    if code is None:
        raise NotFound(UNKNOWN_CODE.format(code=shown))
    # The page shows the PDF's sha256 and compares a citizen's file with it: print a pending one first.
    with ctx.db.read() as session:
        pending = session.scalar(
            select(IssuedDocument.id).where(IssuedDocument.code == code, IssuedDocument.sha256.is_(None))
        )
    if pending is not None:
        render_now(ctx, pending)
    with ctx.db.read() as session:
        row = session.scalars(select(IssuedDocument).where(IssuedDocument.code == code)).first()
        if row is None:
            raise NotFound(UNKNOWN_CODE.format(code=code))
        by_code = session.scalar(select(IssuedDocument.code).where(IssuedDocument.replaces_id == row.id))
        replaces_code = (
            session.scalar(select(IssuedDocument.code).where(IssuedDocument.id == row.replaces_id))
            if row.replaces_id
            else None
        )
        return PublicDocument(
            row.code,
            row.title,
            row.unit_name,
            to_china(row.issued_at).date(),
            row.applicant_masked,
            row.sha256,
            row.version,
            row.superseded_at is None,
            by_code,
            replaces_code,
        )


def check_file(ctx: Context, typed: str, content: bytes) -> FileCheck:
    """Compare a PDF a citizen holds with the one the code names; the content is hashed, never stored."""
    document = find_by_code(ctx, typed)
    found = hashlib.sha256(content).hexdigest()
    return FileCheck(document, found, found == document.sha256)
