"""Reading the documents a case issued (docs/documents.md): the rows, the PDFs' text, the audit chain."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pypdf
from sqlalchemy import select

from engine import lookups
from engine.context import Context
from engine.domain.document_codes import normalise_code
from engine.persistence import AuditEvent, IssuedDocument
from engine.records import audit, blobs
from engine.records.document_rendering import render_pending

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Issued:
    id: int
    template: str
    title: str
    code: str
    sha256: str
    element: str | None
    text: str  # the PDF's text, whitespace removed (pypdf breaks lines anywhere in CJK text)


def issued(ctx: Context, number: str) -> list[Issued]:
    """Every document of the case, in the order issued, with its PDF's text read back from storage (printed
    first by the worker's job, as a running worker would have)."""
    render_pending(ctx, 100_000)
    with ctx.db.read() as session:
        case = lookups.get_case(session, number)
        rows = session.scalars(
            select(IssuedDocument).where(IssuedDocument.case_id == case.id).order_by(IssuedDocument.id)
        )
        found = []
        for row in rows:
            pdf = blobs.read_blob(ctx.settings.documents_dir, row.sha256)
            assert pdf is not None, f"{row.template}: PDF missing from storage"
            reader = pypdf.PdfReader(io.BytesIO(pdf))
            text = "".join(page.extract_text() for page in reader.pages)
            found.append(
                Issued(row.id, row.template, row.title, row.code, row.sha256, row.element_id, _SPACE.sub("", text))
            )
        return found


def one(documents: list[Issued], template: str) -> Issued:
    matches = [d for d in documents if d.template == template]
    assert len(matches) == 1, f"{template}: {len(matches)} issued; all: {[d.template for d in documents]}"
    return matches[0]


def check_verifiable(ctx: Context, document: Issued) -> None:
    """The printed code resolves to the row; the HTML's sha256 is in the `document_issued` event, the PDF's in
    the `document_rendered` one; the chain holds."""
    assert document.code in document.text or document.code.replace("-", "") in document.text
    typed = document.code.lower().replace("-", " ")
    with ctx.db.read() as session:
        code = normalise_code(typed)
        assert code is not None
        row = session.scalars(select(IssuedDocument).where(IssuedDocument.code == code)).one()
        assert row.id == document.id
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "document_issued")).all()
        (event,) = [e for e in events if (e.details or {}).get("document_id") == document.id]
        assert event.details["html_sha256"] == row.html_sha256
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "document_rendered")).all()
        (event,) = [e for e in events if (e.details or {}).get("document_id") == document.id]
        assert event.details["sha256"] == document.sha256 == row.sha256
    assert audit.verify(ctx.db).ok


def squeeze(text: str) -> str:
    return _SPACE.sub("", text)
