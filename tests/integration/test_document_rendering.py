"""Documents printed off the request path (engine/records/document_rendering.py, docs/documents.md#issuing):
a step stores the HTML and no PDF; the worker's job prints each pending document exactly once (two workers
at once on PostgreSQL and SQLite); a reader who needs a pending PDF gets it printed on demand, the same bytes
the worker would have stored; a print that fails is counted and retried and never touches the case."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import AuditEvent, IssuedDocument, ProcessInstance
from engine.queries.documents import RENDER_FAILED_LABEL, list_for_case
from engine.records import audit, blobs, document_rendering
from engine.records.document_rendering import MAX_ATTEMPTS, Pending, claim, print_pdf, render_pending
from engine.services import documents, rewinding, worker
from tests.conftest import MakeContext
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.web.documents_flow import pdf_text

START = "2026-11-23 01:00:00"


def _accepted(ctx: Context, name: str = "张三") -> Application:
    """A case past 受理, which issues the 核对授权书 (verification_consent)."""
    return Application(ctx, household(member(name, "self", ("wage", "500.00")))).start().accept()


def _rows(ctx: Context) -> list[IssuedDocument]:
    with ctx.db.read() as session:
        rows = list(session.scalars(select(IssuedDocument).order_by(IssuedDocument.id)))
        for row in rows:
            _ = row.html  # deferred: loaded before the session closes
        session.expunge_all()
        return rows


def _events(ctx: Context, action: str) -> list[AuditEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _stored_files(ctx: Context) -> list[Path]:
    root = ctx.settings.documents_dir
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@freeze_time(START)
def test_a_step_records_the_html_and_its_hash_and_prints_no_pdf(ctx: Context) -> None:
    app = _accepted(ctx)
    (row,) = _rows(ctx)
    assert row.template == "verification_consent"
    assert (row.sha256, row.size, row.render_attempts) == (None, None, 0)
    assert row.html is not None
    assert row.code in row.html
    assert row.html_sha256 == hashlib.sha256(row.html.encode()).hexdigest()
    assert "data:image/svg+xml;dibao-qr," in row.html  # the QR code is drawn at print time
    assert _stored_files(ctx) == []
    (event,) = _events(ctx, "document_issued")
    assert event.details["html_sha256"] == row.html_sha256
    assert "sha256" not in event.details
    assert (event.details["template_hash"], event.details["data_hash"]) == (row.template_hash, row.data_hash)
    assert _events(ctx, "document_rendered") == []
    (view,) = list_for_case(ctx, "clerk1", app.number)
    assert (view.sha256, view.sha256_text, view.size_text) == (None, "生成中", "生成中")


@freeze_time(START)
def test_the_worker_prints_each_pending_document_once(ctx: Context) -> None:
    _accepted(ctx, "张三")
    _accepted(ctx, "李四")
    assert worker.run_once(ctx) >= 2  # the job is in the worker's round
    assert render_pending(ctx) == 0  # nothing left
    rows = _rows(ctx)
    assert len(rows) == 2
    for row in rows:
        assert row.sha256 is not None
        content = blobs.read_blob(ctx.settings.documents_dir, row.sha256)
        assert content is not None
        assert hashlib.sha256(content).hexdigest() == row.sha256
        assert len(content) == row.size
        assert row.code in pdf_text(content)
    rendered = _events(ctx, "document_rendered")
    assert sorted(e.details["document_id"] for e in rendered) == [row.id for row in rows]
    assert {e.details["document_id"]: e.details["sha256"] for e in rendered} == {r.id: r.sha256 for r in rows}
    assert audit.verify(ctx.db).ok


@freeze_time(START)
def test_a_download_of_a_pending_document_prints_it_then_and_there(ctx: Context) -> None:
    _accepted(ctx)
    (pending,) = _rows(ctx)
    assert pending.html is not None
    got = documents.open_for_download(ctx, "clerk1", pending.id)
    (row,) = _rows(ctx)
    assert row.sha256 == hashlib.sha256(got.content).hexdigest() == got.document.sha256
    assert got.content == print_pdf(Pending(row.id, row.title, pending.html))  # what the worker would print
    assert render_pending(ctx) == 0
    assert len(_events(ctx, "document_rendered")) == 1
    again = documents.open_for_download(ctx, "clerk1", pending.id)
    assert again.content == got.content
    assert len(_events(ctx, "document_rendered")) == 1


def _broken(*args: Any, **kwargs: Any) -> bytes:
    raise RuntimeError("pango fell over")


@freeze_time(START)
def test_a_print_that_fails_is_counted_retried_and_leaves_the_case_alone(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _accepted(ctx)
    tasks_before = app.open_task_names()
    monkeypatch.setattr(document_rendering, "html_to_pdf", _broken)
    assert render_pending(ctx) == 0
    (row,) = _rows(ctx)
    assert (row.sha256, row.render_attempts, row.render_claimed_until) == (None, 1, None)
    assert row.render_error is not None
    assert "RuntimeError" in row.render_error
    for _ in range(MAX_ATTEMPTS):
        render_pending(ctx)
    (row,) = _rows(ctx)
    assert row.render_attempts == MAX_ATTEMPTS  # then the worker leaves it alone, and the lists say so
    (view,) = list_for_case(ctx, "clerk1", app.number)
    assert (view.sha256_text, view.size_text) == (RENDER_FAILED_LABEL, RENDER_FAILED_LABEL)
    with pytest.raises(documents.DocumentDamaged, match="PDF 暂时未能生成"):
        documents.open_for_download(ctx, "clerk1", row.id)
    assert app.open_task_names() == tasks_before
    with ctx.db.read() as session:
        assert list(session.scalars(select(ProcessInstance.status))) == ["running"]
    assert _events(ctx, "document_rendered") == []

    monkeypatch.undo()
    assert render_pending(ctx) == 0  # failed for good as far as the worker goes …
    got = documents.open_for_download(ctx, "clerk1", row.id)  # … a reader's request still tries it
    (row,) = _rows(ctx)
    assert (row.sha256, row.render_error) == (hashlib.sha256(got.content).hexdigest(), None)
    assert audit.verify(ctx.db).ok


def _two_workers_at_once(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("张三", "李四", "王五", "赵六"):
        _accepted(ctx, name)
    ids = [row.id for row in _rows(ctx)]
    printed: Counter[int] = Counter()
    real = document_rendering.print_pdf

    def counting(pending: Pending) -> bytes:
        printed[pending.id] += 1
        return real(pending)

    monkeypatch.setattr(document_rendering, "print_pdf", counting)
    # Both claim at the same moment: their claims never overlap and together take every document.
    start, claims = threading.Barrier(2), {}

    def claimer(n: int) -> None:
        start.wait()
        claims[n] = [p.id for p in claim(ctx, 2)]

    threads = [threading.Thread(target=claimer, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(claims[1]) & set(claims[2])
    with ctx.db.write() as session:  # the leases lapse: both workers may take any document now
        for row in session.scalars(select(IssuedDocument)):
            row.render_claimed_until = None
    done: dict[int, int] = {}

    def render(n: int) -> None:
        start.wait()
        done[n] = render_pending(ctx)

    threads = [threading.Thread(target=render, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert done[1] + done[2] == len(ids)
    assert printed == Counter(dict.fromkeys(ids, 1))
    assert sorted(e.details["document_id"] for e in _events(ctx, "document_rendered")) == ids
    assert all(row.sha256 is not None for row in _rows(ctx))
    assert audit.verify(ctx.db).ok


@freeze_time(START)
def test_two_workers_never_print_the_same_document(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    _two_workers_at_once(ctx, monkeypatch)


@pytest.mark.postgres
@freeze_time(START)
def test_two_workers_never_print_the_same_document_on_postgres(
    make_context: MakeContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_workers_at_once(make_context(), monkeypatch)


@freeze_time(START)
def test_printing_a_steps_document_does_not_stop_the_step_being_withdrawn(ctx: Context) -> None:
    # The worker's `document_rendered` comes after the completion; like the issue itself it moves nothing on.
    app = Application(ctx, household(member("张三", "self", ("wage", "500.00")))).start()
    intake = app.task("intake_review").id
    app.accept()
    assert render_pending(ctx) == 1
    rewinding.withdraw(ctx, intake, "clerk1", "误点了受理")
    assert app.open_task_names() == ["intake_review"]
