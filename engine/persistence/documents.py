from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.base import Base
from engine.persistence.cases import Case
from engine.persistence.org import OrgUnit, User


class IssuedDocument(Base):
    """An official document as issued (docs/documents.md): the PDF lives on disk under its sha256, like an
    attachment; the row holds what it was made from. Issued once and never changed: a correction is a new
    row (version + 1) naming the one it replaces, which gets `superseded_at`. `context` is the data the
    template was rendered with (its sha256 is `data_hash`), `template_hash` the sha256 of the template
    files, so the audit chain can say exactly what the paper said and how it was made.

    The step that issues it stores the rendered HTML (`html`, its sha256 `html_sha256`: what the paper
    says is fixed there); the PDF is printed afterwards, off the request path, by the worker or by the
    first reader that needs it (engine.records.document_rendering). Until then `sha256` and `size` are
    None (pending); `render_attempts`/`render_error` count the failures, `render_claimed_until` is a
    worker's lease. Rows issued before that change have a PDF and no `html`."""

    __tablename__ = "issued_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"), index=True)
    definition_id: Mapped[int | None] = mapped_column(ForeignKey("process_definition.id"))
    process_id: Mapped[str | None] = mapped_column(String(64))
    element_id: Mapped[str | None] = mapped_column(String(100))  # the BPMN element that issued it
    template: Mapped[str] = mapped_column(String(100))  # the template's name: "confirmation_notice"
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("issued_document.id"))
    correction_reason: Mapped[str | None] = mapped_column(Text)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # the verification code printed on it
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)  # the PDF's; None until rendered
    size: Mapped[int | None] = mapped_column(Integer)
    html: Mapped[str | None] = mapped_column(Text, deferred=True)
    html_sha256: Mapped[str | None] = mapped_column(String(64))
    render_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    render_error: Mapped[str | None] = mapped_column(Text)
    render_claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    template_hash: Mapped[str] = mapped_column(String(64))
    data_hash: Mapped[str] = mapped_column(String(64))
    context: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    issuing_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # For the verify page and batch printing without reading `context`: what a citizen may see.
    applicant_masked: Mapped[str | None] = mapped_column(String(100))
    unit_name: Mapped[str | None] = mapped_column(String(200))

    case: Mapped[Case] = relationship()
    issuing_unit: Mapped[OrgUnit | None] = relationship()
    issued_by: Mapped[User | None] = relationship()


Index("ix_issued_document_case", IssuedDocument.case_id, IssuedDocument.issued_at)
# Batch printing: a template's current documents over a period.
Index("ix_issued_document_template", IssuedDocument.template, IssuedDocument.issued_at)
