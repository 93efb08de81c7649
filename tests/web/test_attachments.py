"""附件 through the real app: upload on a task page (type by content, size, empty, who may), the lists
on the task and case pages, the download (bytes, headers, scope), content-addressed storage with one
blob per content, tampering detected, and the audit events of each."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from engine.context import Context
from engine.errors import Conflict, PermissionDenied
from engine.persistence import Attachment, AuditEvent
from engine.queries import attachments as attachment_lists
from engine.queries import task_page
from engine.services import attachments, tasks
from tests.conftest import add_second_clerk
from tests.scenarios.flow import INVESTIGATORS, Application
from tests.scenarios.households import household, member
from tests.web.conftest import REGISTER, Browser, make_app, open_task

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def _upload(browser: Browser, task_id: int, content: bytes, name: str, description: str = "") -> Any:
    return browser.post(
        f"/tasks/{task_id}/attachments",
        {"file": (io.BytesIO(content), name), "description": description},
        content_type="multipart/form-data",
    )


def _html(response: Any) -> str:
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


def _rows(ctx: Context) -> list[Attachment]:
    with ctx.db.read() as session:
        return list(session.scalars(select(Attachment).order_by(Attachment.id)))


def _events(ctx: Context, action: str) -> list[AuditEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def _blobs(ctx: Context) -> list[Path]:
    root = ctx.settings.attachments_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@freeze_time(START)
def test_a_clerk_uploads_a_pdf_and_everyone_who_sees_the_case_finds_it(ctx: Context, make_browser: Any) -> None:
    task_id = open_task(ctx)
    clerk = make_browser("clerk1")
    response = _upload(clerk, task_id, PDF, "入户调查表.pdf", "调查人员与申请人签字")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/tasks/{task_id}#attachments"

    (row,) = _rows(ctx)
    sha = hashlib.sha256(PDF).hexdigest()
    assert (row.number, row.filename, row.content_type, row.size, row.sha256) == (
        "FJ-2026-000001",
        "入户调查表.pdf",
        "application/pdf",
        len(PDF),
        sha,
    )
    assert row.task_id == task_id
    assert row.description == "调查人员与申请人签字"
    blob = ctx.settings.attachments_dir / sha[:2] / sha
    assert blob.read_bytes() == PDF
    assert _blobs(ctx) == [blob]  # no temp file left behind

    page = _html(clerk.get(f"/tasks/{task_id}"))
    assert "已上传附件 FJ-2026-000001（入户调查表.pdf" in page
    assert "FJ-2026-000001" in page
    assert "调查人员与申请人签字" in page
    assert f'href="/attachments/{row.id}"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    assert '<option value="FJ-2026-000001">' in page  # the datalist for "…附件编号" fields

    case_number = task_page.show_task(ctx, task_id).summary.case_number
    for who in ("clerk1", "head1", "approver1", "auditor1"):
        case_page = _html(make_browser(who).get(f"/cases/{case_number}"))
        assert "材料/附件" in case_page
        assert "入户调查表.pdf" in case_page
        assert "FJ-2026-000001" in case_page
        assert "/attachments/" in case_page
        assert 'type="file"' not in case_page

    (event,) = _events(ctx, "attachment.uploaded")
    assert event.actor_name == "clerk1"
    assert event.task_id == task_id
    assert event.case_id == row.case_id
    assert event.details["number"] == "FJ-2026-000001"
    assert event.details["filename"] == "入户调查表.pdf"
    assert (event.details["size"], event.details["sha256"]) == (len(PDF), sha)


@freeze_time(START)
def test_the_download_is_the_uploaded_bytes_with_safe_headers_and_is_audited(ctx: Context, make_browser: Any) -> None:
    task_id = open_task(ctx)
    assert _upload(make_browser("clerk1"), task_id, PNG, "现场照片.png").status_code == 303
    (row,) = _rows(ctx)
    assert row.content_type == "image/png"

    auditor = make_browser("auditor1")  # reads everything in the county, changes nothing
    response = auditor.get(f"/attachments/{row.id}")
    assert response.status_code == 200
    assert response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"FJ-2026-000001.png\"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.png"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"

    (event,) = _events(ctx, "attachment.downloaded")
    assert (event.actor_name, event.case_id, event.details["number"]) == ("auditor1", row.case_id, "FJ-2026-000001")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (EXE, "入户调查表.pdf", "只能上传 PDF、OFD、JPG、PNG、TIFF 文件"),  # an .exe renamed: the bytes decide
        (b"<svg onload=alert(1)>", "签字.png", "只能上传 PDF"),
        (b"", "空文件.pdf", "文件是空的"),
        (b"", "", "请选择要上传的文件"),  # the form sent without choosing a file
    ],
)
def test_files_that_are_not_allowed_are_refused_with_a_message_and_nothing_stored(
    ctx: Context, browser: Browser, content: bytes, name: str, message: str
) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    response = _upload(browser, task_id, content, name)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/tasks/{task_id}#attachments"
    page = _html(browser.get(f"/tasks/{task_id}"))
    assert "附件未能上传" in page
    assert message in page
    assert _rows(ctx) == []
    assert _blobs(ctx) == []
    assert _events(ctx, "attachment.uploaded") == []


def test_a_description_over_200_characters_is_refused(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    _upload(browser, task_id, PDF, "a.pdf", "说" * 201)
    assert "说明：不能超过 200 字" in _html(browser.get(f"/tasks/{task_id}"))
    assert _rows(ctx) == []
    assert _blobs(ctx) == []


def test_files_over_the_limit_are_refused_and_huge_requests_get_a_chinese_413(ctx: Context) -> None:
    small = Context(replace(ctx.settings, attachment_max_bytes=1024), ctx.db)
    app = make_app(small)
    browser = Browser(app.test_client())
    browser.login("clerk1")
    task_id = open_task(small)
    assert "每个不超过 1 KB" in _html(browser.get(f"/tasks/{task_id}"))

    _upload(browser, task_id, PDF + b"0" * 1024, "大文件.pdf")
    assert "附件不能超过 1 KB" in _html(browser.get(f"/tasks/{task_id}"))
    assert _upload(browser, task_id, PDF, "刚好.pdf").status_code == 303  # under the limit: fine
    assert [r.filename for r in _rows(small)] == ["刚好.pdf"]

    # Past MAX_CONTENT_LENGTH (the limit plus room for the form) the request is refused unread.
    # (A raw body: the test client would spool a built multipart body of this size to a temp file that
    # nobody closes when the app refuses to read it.)
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = browser.client.post(
        f"/tasks/{task_id}/attachments",
        data=b"0" * (limit + 1),
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert "提交的内容过大" in _html(response)
    assert "附件请压缩或拆分" in _html(response)
    assert len(_rows(small)) == 1


def test_identical_content_is_stored_once(ctx: Context, browser: Browser) -> None:
    first, second = open_task(ctx), open_task(ctx)
    browser.login("clerk1")
    for task_id, name in ((first, "调查表.pdf"), (second, "调查表副本.pdf"), (second, "调查表.pdf")):
        assert _upload(browser, task_id, PDF, name).status_code == 303
    assert _upload(browser, first, PNG, "照片.png").status_code == 303
    rows = _rows(ctx)
    assert [r.number[-6:] for r in rows] == ["000001", "000002", "000003", "000004"]
    assert len({r.sha256 for r in rows}) == 2
    assert len(_blobs(ctx)) == 2
    for row in rows:  # each row still downloads its own name
        response = browser.get(f"/attachments/{row.id}")
        assert response.status_code == 200
        assert row.number in response.headers["Content-Disposition"]


@pytest.mark.parametrize("damage", ["tampered", "missing"])
def test_a_changed_or_lost_blob_is_refused_and_recorded(ctx: Context, browser: Browser, damage: str) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    _upload(browser, task_id, PDF, "评议记录.pdf")
    (row,) = _rows(ctx)
    blob = attachments.blob_path(ctx, row.sha256)
    if damage == "tampered":
        blob.write_bytes(PDF.replace(b"Catalog", b"Catalug"))
    else:
        blob.unlink()
    response = browser.get(f"/attachments/{row.id}")
    assert response.status_code == 500
    page = _html(response)
    assert "附件校验未通过" in page
    assert "FJ-" in page
    assert "已拒绝下载并记入审计日志" in page
    assert ("已丢失" in page) == (damage == "missing")
    assert "%PDF" not in page
    (event,) = _events(ctx, "attachment.integrity_failed")
    assert event.details["number"] == row.number
    assert event.details["sha256"] == row.sha256
    assert event.details["found"] != row.sha256
    assert _events(ctx, "attachment.downloaded") == []

    # Uploading the same content again repairs the blob; the earlier row downloads again.
    _upload(browser, task_id, PDF, "评议记录.pdf")
    assert browser.get(f"/attachments/{row.id}").data == PDF


@pytest.mark.parametrize(
    ("who", "upload", "download"), [("clerk2", 403, 403), ("auditor1", 403, 200), (None, 302, 302)]
)
def test_who_may_upload_and_download(
    ctx: Context, make_browser: Any, who: str | None, upload: int, download: int
) -> None:
    """clerk2 works in another township; auditor1 reads the county's cases but works no task; an
    anonymous visitor is sent to the login page."""
    task_id = open_task(ctx)
    _upload(make_browser("clerk1"), task_id, PDF, "a.pdf")
    (row,) = _rows(ctx)
    browser = make_browser(who)
    response = _upload(browser, task_id, PNG, "b.png")
    assert response.status_code == upload
    if who is None:
        assert response.headers["Location"].startswith("/login")
    assert browser.get(f"/attachments/{row.id}").status_code == download
    assert len(_rows(ctx)) == 1
    assert len(_blobs(ctx)) == 1
    assert browser.get("/attachments/99999").status_code == (404 if who else 302)


def test_uploads_need_the_page_token(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    response = browser.post(
        f"/tasks/{task_id}/attachments",
        {"file": (io.BytesIO(PDF), "a.pdf")},
        csrf=False,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert _rows(ctx) == []
    assert _blobs(ctx) == []


def test_only_the_assignee_uploads_on_a_claimed_task_and_nobody_on_a_completed_one(
    ctx: Context, browser: Browser
) -> None:
    add_second_clerk(ctx)
    task_id = open_task(ctx)
    tasks.claim(ctx, task_id, "clerk1b")
    with pytest.raises(Conflict):
        attachments.upload(ctx, "clerk1", task_id, "a.pdf", PDF)
    assert attachments.upload(ctx, "clerk1b", task_id, "a.pdf", PDF).number.startswith("FJ-")
    tasks.complete(ctx, task_id, "clerk1b", {"applicant_name": "张三", "household_size": 3, "requested_amount": "5000"})
    with pytest.raises(Conflict):
        attachments.upload(ctx, "clerk1b", task_id, "b.pdf", PNG)
    browser.login("clerk1b", "pw-12345678")
    page = _html(browser.get(f"/tasks/{task_id}"))
    assert "a.pdf" in page
    assert 'type="file"' not in page
    assert len(_rows(ctx)) == 1
    # The lists check the case's scope like the case page does.
    assert [a.filename for a in attachment_lists.list_for_task(ctx, "auditor1", task_id)] == ["a.pdf"]
    with pytest.raises(PermissionDenied):
        attachment_lists.list_for_task(ctx, "clerk2", task_id)


@freeze_time(START)
def test_the_home_visit_form_suggests_the_case_attachment_numbers(ctx: Context, browser: Browser) -> None:
    family = household(member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"))
    application = Application(ctx, family).start().accept()
    application.complete(
        "start_investigation",
        "clerk1",
        {"investigators": INVESTIGATORS, "planned_visit_date": "2026-11-25", "verification_requested": True},
    )
    visit = application.task("home_visit")
    browser.login("clerk1")
    empty = _html(browser.get(f"/tasks/{visit.id}"))
    assert '<option value="FJ-' not in empty  # nothing to suggest yet (an upload in the page brings the options)
    _upload(browser, visit.id, PDF, "入户调查表.pdf")
    page = _html(browser.get(f"/tasks/{visit.id}"))
    assert 'name="f.signed_record"' in page
    assert 'list="attachment-numbers"' in page
    assert '<datalist id="attachment-numbers">' in page
    assert '<option value="FJ-2026-000001">' in page


def test_the_register_form_still_completes_with_attachments_on_the_page(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    _upload(browser, task_id, PDF, "申请书.pdf")
    assert browser.post(f"/tasks/{task_id}/complete", REGISTER).status_code == 302
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1
    assert task_page.show_task(ctx, task_id).summary.state == "completed"


def test_the_case_timeline_tells_uploads_and_downloads_in_words(ctx: Context, make_browser: Any) -> None:
    task_id = open_task(ctx)
    clerk = make_browser("clerk1")
    _upload(clerk, task_id, PDF, "入户调查表.pdf")
    (row,) = _rows(ctx)
    assert clerk.get(f"/attachments/{row.id}").status_code == 200
    page = _html(clerk.get("/cases/2026-0000001"))
    assert f"上传附件 {row.number}（入户调查表.pdf）" in page
    assert f"下载附件 {row.number}（入户调查表.pdf）" in page
    assert "其他事件" not in page
