"""Failing safely (issue 19, "Bad input"): the database down or full and the attachment store unwritable
answer every page and API request with a 503 in Chinese, Retry-After and the request id, no trace, and
nothing half written."""

from __future__ import annotations

import io
import shutil
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from freezegun import freeze_time
from sqlalchemy import event, func, select
from werkzeug.test import TestResponse

from engine.context import Context
from engine.persistence import Attachment, AuditEvent, Case, HumanTask, IssuedDocument
from engine.services import tokens
from engine.services.bootstrap import DEMO_PASSWORD
from engine.settings import Settings
from tests.conftest import MakeContext
from tests.web import documents_flow
from tests.web.conftest import REGISTER, Browser, make_app, open_task

DOWN = "数据库暂时不可用"
FULL = "数据库空间已满"
STORAGE = "附件存储暂不可写"
TASKS = 40


def _rows(ctx: Context) -> tuple[int, ...]:
    """What a refused request must leave as it was: cases, tasks (and their states), audit events, files."""
    with ctx.db.read() as session:
        counts = [
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Case, HumanTask, AuditEvent, Attachment, IssuedDocument)
        ]
        counts.append(session.scalar(select(func.count()).where(HumanTask.state == "completed")) or 0)
        return tuple(counts)


def _assert_unavailable(response: TestResponse, message: str) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code == 503, text[:2000]
    assert message in (response.get_json()["message"] if response.is_json else text)
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["X-Request-Id"]
    for leak in ("Traceback", "sqlalchemy", "sqlite", "psycopg"):
        assert leak.lower() not in text.lower()


def _assert_api_unavailable(response: TestResponse, code: str, message: str) -> None:
    _assert_unavailable(response, message)
    body = response.get_json()
    assert body["error"] == code
    assert body["request_id"] == response.headers["X-Request-Id"]
    assert body["retry_after"] == int(response.headers["Retry-After"])


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nobody listens there once the probe is closed


def test_a_postgresql_server_nobody_answers_gives_503_on_pages_and_the_api(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://dibao@127.0.0.1:{_closed_port()}/dibao?connect_timeout=3"
    ctx = Context.from_settings(Settings(database_url=url, demo=True, audit_key_file=tmp_path / "key"))
    try:
        app = make_app(ctx)
        browser = Browser(app.test_client())
        _assert_unavailable(browser.login("clerk1"), DOWN)
        token = app.test_client().post("/api/v1/auth/token", json={"username": "clerk1", "password": DEMO_PASSWORD})
        _assert_api_unavailable(token, "database_down", DOWN)
    finally:
        ctx.close()


def test_a_sqlite_file_gone_under_a_running_app_gives_503(ctx: Context, tmp_path: Path) -> None:
    app = make_app(ctx)
    browser = Browser(app.test_client())
    assert browser.login("clerk1").status_code == 302
    token = tokens.issue_token(ctx, "clerk1", DEMO_PASSWORD, "127.0.0.1").token
    assert browser.get("/").status_code == 200

    database = Path(ctx.db.engine.url.database or "")
    ctx.db.dispose()  # the pooled connections would go on reading the unlinked file
    for path in database.parent.glob(database.name + "*"):
        path.unlink()
    database.mkdir()  # where the file was, something SQLite cannot open

    _assert_unavailable(browser.get("/"), DOWN)
    listed = app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    _assert_api_unavailable(listed, "database_down", DOWN)


def _fill_up(ctx: Context) -> None:
    """From now on every new connection may not grow the database by one page: the next write that needs
    a page meets SQLite's real "database or disk is full"."""
    raw = ctx.db.engine.raw_connection()
    try:
        raw.cursor().execute("VACUUM")  # no free pages left inside the file to fill first
    finally:
        raw.close()

    @event.listens_for(ctx.db.engine, "connect")
    def no_more_pages(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    ctx.db.dispose()


def _complete_until_full(ctx: Context, complete: Callable[[int], TestResponse]) -> TestResponse:
    """Complete one open task after another until one meets the full database (the first few may still
    fit in the free room inside the last pages); that one must have changed nothing."""
    task_ids = [open_task(ctx) for _ in range(TASKS)]
    _fill_up(ctx)
    for task_id in task_ids:
        before = _rows(ctx)
        response = complete(task_id)
        if response.status_code != 200 and response.status_code != 302:
            assert _rows(ctx) == before
            return response
    raise AssertionError(f"{TASKS} completions fitted into a database that may not grow")


def test_a_full_database_refuses_a_completion_on_the_page_and_changes_nothing(ctx: Context) -> None:
    browser = Browser(make_app(ctx).test_client())
    assert browser.login("clerk1").status_code == 302
    refused = _complete_until_full(ctx, lambda task_id: browser.post(f"/tasks/{task_id}/complete", REGISTER))
    _assert_unavailable(refused, FULL)


def test_a_full_database_refuses_a_completion_through_the_api_and_changes_nothing(ctx: Context) -> None:
    client = make_app(ctx).test_client()
    token = tokens.issue_token(ctx, "clerk1", DEMO_PASSWORD, "127.0.0.1").token

    def complete(task_id: int) -> TestResponse:
        return client.post(
            f"/api/v1/tasks/{task_id}/complete",
            json={"data": {"applicant_name": "张三", "household_size": 3, "requested_amount": "5000.00"}},
            headers={"Authorization": f"Bearer {token}"},
        )

    _assert_api_unavailable(_complete_until_full(ctx, complete), "database_full", FULL)


def test_an_unwritable_attachment_store_refuses_the_upload_and_records_nothing(
    make_context: MakeContext, tmp_path: Path
) -> None:
    # Tests run as root, whom chmod does not stop: the store's path runs through a regular file instead.
    (tmp_path / "not-a-directory").write_bytes(b"")
    ctx = make_context(attachments_dir=tmp_path / "not-a-directory" / "attachments")
    browser = Browser(make_app(ctx).test_client())
    assert browser.login("clerk1").status_code == 302
    task_id = open_task(ctx)
    before = _rows(ctx)

    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    uploaded = browser.post(
        f"/tasks/{task_id}/attachments",
        {"file": (io.BytesIO(pdf), "低保申请书.pdf"), "description": ""},
        content_type="multipart/form-data",
    )
    _assert_unavailable(uploaded, STORAGE)
    assert _rows(ctx) == before


def test_an_unwritable_document_store_keeps_the_step_and_refuses_the_pdf_with_503(ctx: Context) -> None:
    """The step that issues a document writes no PDF (it is printed later: docs/documents.md), so a broken
    document store does not stop the casework; the reader who asks for the PDF gets a clear 503 and the
    document stays pending, to be printed once the store is back."""
    with freeze_time(documents_flow.START):
        application = documents_flow.in_notice(ctx)
    with freeze_time(documents_flow.NOTICE_OVER):
        application.end_notice()
        confirmation = application.task("county_confirmation").id
        token = tokens.issue_token(ctx, "approver1", DEMO_PASSWORD, "127.0.0.1").token
        documents = ctx.settings.documents_dir
        shutil.rmtree(documents, ignore_errors=True)
        documents.write_bytes(b"")  # the 确认通知书 cannot be stored: its store is a regular file now
        client = make_app(ctx).test_client()
        headers = {"Authorization": f"Bearer {token}"}
        done = client.post(
            f"/api/v1/tasks/{confirmation}/complete",
            json={"data": {"decision": "approve", "opinion": "经审核，符合保障条件，确认保障"}},
            headers=headers,
        )
        assert done.status_code == 200, done.get_json()
        with ctx.db.read() as session:
            notice = session.scalars(select(IssuedDocument).where(IssuedDocument.task_id == confirmation)).one()
        assert notice.sha256 is None  # issued, its PDF not yet printed
        before = _rows(ctx)
        download = client.get(f"/api/v1/documents/{notice.id}", headers=headers)
    _assert_api_unavailable(download, "storage_unavailable", "文书存储暂不可写")
    assert _rows(ctx) == before
    with ctx.db.read() as session:
        still = session.get(IssuedDocument, notice.id)
        assert still is not None
        assert still.sha256 is None  # still pending: printed once the store is back
