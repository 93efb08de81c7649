"""Printing issued documents to PDF after the step that issued them (docs/documents.md#issuing).

A step stores a document's HTML (engine.records.documents); WeasyPrint prints it here, off the request
path: 120–250 ms of CPU per document, against ~8 ms for the rest of a step. The worker's job
(`render_pending`) claims pending rows for a lease (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, the
write lock on SQLite) and prints them outside any transaction, so neither a database lock nor SQLite's
single writer is held while WeasyPrint runs. Whoever needs the PDF first — a download, the verify page,
batch printing — prints it right then (`render_now`). Either way the row is marked rendered by one
conditional update (`WHERE sha256 IS NULL`): exactly one `document_rendered` audit event per document,
whoever prints it, and the same bytes for every reader after. A failure is logged and counted; after
MAX_ATTEMPTS the worker leaves the document alone (failed, shown on its case's list) and only a reader's
request tries it again.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.context import Context
from engine.documents.pdf import fill_qr, html_to_pdf
from engine.errors import WorkflowFailed
from engine.persistence import IssuedDocument
from engine.records import audit, blobs

log = logging.getLogger("dibao.documents")

RENDERED_ACTION = "document_rendered"
MAX_ATTEMPTS = 3
# Far longer than a batch takes to print (a document is well under a second): a lease that lapses means
# the worker died, and another one takes the documents over.
LEASE = timedelta(minutes=5)
BATCH = 10


@dataclass(frozen=True)
class Pending:
    """A document whose PDF is still to be printed: what the printer needs, nothing else."""

    id: int
    title: str
    html: str


def print_pdf(pending: Pending) -> bytes:
    """The PDF of the stored HTML, the verification QR code drawn in (engine.documents.pdf.fill_qr)."""
    return html_to_pdf(fill_qr(pending.html), pending.title)


def claim(ctx: Context, limit: int) -> list[Pending]:
    """Up to `limit` pending documents, leased to this worker and committed, so no other worker prints them."""
    now = utcnow()
    with ctx.db.write() as session:
        query = (
            select(IssuedDocument.id, IssuedDocument.title, IssuedDocument.html)
            .where(
                IssuedDocument.sha256.is_(None),
                IssuedDocument.html.is_not(None),
                IssuedDocument.render_attempts < MAX_ATTEMPTS,
                or_(IssuedDocument.render_claimed_until.is_(None), IssuedDocument.render_claimed_until < now),
            )
            .order_by(IssuedDocument.id)
            .limit(limit)
        )
        if ctx.db.is_postgres:
            query = query.with_for_update(skip_locked=True)  # another worker's rows are skipped, never waited for
        found = [Pending(row.id, row.title, row.html) for row in session.execute(query)]
        if found:
            lease = update(IssuedDocument).where(IssuedDocument.id.in_([p.id for p in found]))
            session.execute(
                lease.values(render_claimed_until=now + LEASE), execution_options={"synchronize_session": False}
            )
        return found


def record_rendered(ctx: Context, session: Session, document_id: int, pdf: bytes) -> IssuedDocument:
    """Store the PDF and mark the row rendered, unless another printer did first; the row as it now is."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    blobs.store_blob(ctx.settings.documents_dir, pdf, sha256, "documents")  # before the row names it
    mark = (
        update(IssuedDocument)
        .where(IssuedDocument.id == document_id, IssuedDocument.sha256.is_(None))
        .values(sha256=sha256, size=len(pdf), render_claimed_until=None, render_error=None)
        .returning(IssuedDocument.id)
    )
    won = session.execute(mark, execution_options={"synchronize_session": False}).scalar() is not None
    fresh = select(IssuedDocument).where(IssuedDocument.id == document_id).execution_options(populate_existing=True)
    row = session.scalars(fresh).one()
    if won:
        details = {"document_id": row.id, "code": row.code, "title": row.title, "sha256": sha256, "size": len(pdf)}
        audit.record(
            session,
            RENDERED_ACTION,
            case_id=row.case_id,
            instance_id=row.instance_id,
            task_id=row.task_id,
            details=details,
        )
    return row


def record_failure(ctx: Context, pending: Pending, error: str) -> None:
    """Count a failed print; the worker tries again next round, up to MAX_ATTEMPTS. The case is not touched."""
    with ctx.db.write() as session:
        failed = (
            update(IssuedDocument)
            .where(IssuedDocument.id == pending.id, IssuedDocument.sha256.is_(None))
            .values(
                render_attempts=IssuedDocument.render_attempts + 1,
                render_error=error[:500],
                render_claimed_until=None,
            )
            .returning(IssuedDocument.render_attempts)
        )
        attempts = session.execute(failed, execution_options={"synchronize_session": False}).scalar()
    if attempts is not None and attempts >= MAX_ATTEMPTS:
        log.error("文书 %s“%s”的 PDF 已 %d 次未能生成，不再自动重试：%s", pending.id, pending.title, attempts, error)


def _print(ctx: Context, pending: Pending) -> bytes | None:
    try:
        return print_pdf(pending)
    except WorkflowFailed as exc:
        error = exc.message
    except Exception as exc:  # WeasyPrint's own failures: logged with their trace, counted, retried
        log.exception("文书 %s“%s”生成 PDF 时出错", pending.id, pending.title)
        error = f"未能生成 PDF（{type(exc).__name__}）"
    log.warning("文书 %s“%s”未能生成 PDF：%s", pending.id, pending.title, error)
    record_failure(ctx, pending, error)
    return None


def render_pending(ctx: Context, limit: int = 50) -> int:
    """The worker's job: print up to `limit` pending documents; how many were printed."""
    done = 0
    while done < limit:
        claimed = claim(ctx, min(BATCH, limit - done))
        printed = 0
        for pending in claimed:
            pdf = _print(ctx, pending)
            if pdf is not None:
                with ctx.db.write() as session:
                    record_rendered(ctx, session, pending.id, pdf)
                printed += 1
        done += printed
        if len(claimed) < BATCH or printed == 0:
            break
    return done


def render_now(ctx: Context, document_id: int) -> None:
    """Print the document now if it is still pending (for a reader who needs the PDF): in short
    transactions of its own, WeasyPrint outside them. A failure is counted and logged; the caller finds
    the row still without its sha256."""
    with ctx.db.read() as session:
        query = select(IssuedDocument.title, IssuedDocument.html).where(
            IssuedDocument.id == document_id, IssuedDocument.sha256.is_(None), IssuedDocument.html.is_not(None)
        )
        found = session.execute(query).first()
    if found is None:
        return
    pending = Pending(document_id, found.title, found.html)
    pdf = _print(ctx, pending)
    if pdf is not None:
        with ctx.db.write() as session:
            record_rendered(ctx, session, document_id, pdf)


def render_in(ctx: Context, session: Session, row: IssuedDocument) -> bool:
    """Print a pending row inside the caller's transaction (batch printing); False if it cannot be."""
    if row.sha256 is not None:
        return True
    if row.html is None:
        return False
    try:
        pdf = print_pdf(Pending(row.id, row.title, row.html))
    except Exception:
        log.exception("文书 %s“%s”生成 PDF 时出错", row.id, row.title)
        return False
    return record_rendered(ctx, session, row.id, pdf).sha256 is not None
