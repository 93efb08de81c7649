"""更正: a corrected document is a new version that names the one it replaces
(docs/documents-corrections-and-printing.md).

The old document is never changed except for `superseded_at`; it stays verifiable as superseded. The new
one is rendered from the case as it is now, with the templates of the case's own process version (as every
issue is), in the name of the unit that issued the old one, and prints a correction note. One transaction:
a refusal or a render failure writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.context import Context
from engine.domain.roles import CASEWORK_ROLES
from engine.errors import Conflict, InvalidData, NotFound
from engine.lookups import get_user
from engine.persistence import HumanTask, IssuedDocument, ProcessInstance
from engine.records import audit
from engine.records.documents import issue

MAX_REASON = 500


@dataclass(frozen=True)
class DocumentView:
    """An issued document as the correction page and the API show it."""

    id: int
    code: str
    title: str
    template: str
    version: int
    case_number: str
    unit_name: str | None
    issued_at: datetime
    superseded: bool
    replaces_id: int | None
    replaces_code: str | None
    correction_reason: str | None


def document_view(session: Session, row: IssuedDocument) -> DocumentView:
    replaced = session.get(IssuedDocument, row.replaces_id) if row.replaces_id else None
    return DocumentView(
        row.id,
        row.code,
        row.title,
        row.template,
        row.version,
        row.case.number,
        row.unit_name,
        row.issued_at,
        row.superseded_at is not None,
        row.replaces_id,
        replaced.code if replaced else None,
        row.correction_reason,
    )


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidData("更正信息有误", {"reason": ["更正原因：必填"]})
    if len(text) > MAX_REASON:
        raise InvalidData("更正信息有误", {"reason": [f"更正原因：不能超过 {MAX_REASON} 个字"]})
    return text


def _document(session: Session, document_id: int, for_update: bool = False) -> IssuedDocument:
    row = session.get(IssuedDocument, document_id, with_for_update=for_update)
    if row is None:
        raise NotFound(f"文书 {document_id} 不存在")
    return row


def _check_current(session: Session, row: IssuedDocument) -> None:
    if row.superseded_at is None:
        return
    newer = session.scalars(select(IssuedDocument).where(IssuedDocument.replaces_id == row.id)).first()
    named = f"（已由核验码 {newer.code} 的第 {newer.version} 版替代）" if newer else ""
    raise Conflict(f"文书 {row.code} 已被更正{named}，请更正最新版本")


def _instance(session: Session, row: IssuedDocument) -> ProcessInstance:
    """The instance that issued it; a case action's document (终止) may have none: the case's latest."""
    instance = session.get(ProcessInstance, row.instance_id) if row.instance_id else None
    if instance is None:
        instance = session.scalars(
            select(ProcessInstance).where(ProcessInstance.case_id == row.case_id).order_by(ProcessInstance.id.desc())
        ).first()
    if instance is None:
        raise NotFound(f"文书 {row.code} 所属案件没有流程实例")
    return instance


def check_may_correct(ctx: Context, username: str, document_id: int) -> DocumentView:
    """The document, for the correction page; 403 for whoever may not correct it."""
    with ctx.db.read() as session:
        user, row = get_user(session, username), _document(session, document_id)
        policy.check_may_correct_document(user, row.case, row.issuing_unit, row.code)
        return document_view(session, row)


def correct(ctx: Context, username: str, document_id: int, reason: str) -> DocumentView:
    """Issue the corrected version of a current document; the old one becomes superseded."""
    with ctx.db.write() as session:
        user, old = get_user(session, username), _document(session, document_id, for_update=True)
        policy.check_may_correct_document(user, old.case, old.issuing_unit, old.code)  # first: 403 tells nothing
        text = _reason(reason)
        _check_current(session, old)
        instance = _instance(session, old)
        task = session.get(HumanTask, old.task_id) if old.task_id else None
        actor = audit.Actor.of(user, min(user.roles & CASEWORK_ROLES))
        process = ctx.process(instance.definition)
        new = issue(
            ctx, session, old.case, instance, process, old.template, actor,
            task=task, element=old.element_id, replaces=old, reason=text,
        )  # fmt: skip
        audit.record(
            session,
            "document_corrected",
            actor,
            case_id=old.case_id,
            instance_id=new.instance_id,
            details={
                "document_id": new.id,
                "code": new.code,
                "version": new.version,
                "replaces": old.id,
                "replaces_code": old.code,
                "reason": text,
            },
        )
        return document_view(session, new)
