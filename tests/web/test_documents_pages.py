"""文书 on the pages (docs/documents-verify-and-download.md), with a real approved 低保 case whose 确认通知书
was issued at its "批准" end event: the case page's list, download (attachment, Chinese RFC 5987 name) and
print (inline), both audited; the task page of the step that issued a document; the auditor's dossier
with the hashes and the `document_issued` event; scope (another township: 403, nothing recorded); a
damaged file refused and recorded."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select, update

from engine.context import Context
from engine.persistence import AuditEvent, HumanTask, IssuedDocument
from engine.records import blobs
from tests.scenarios.approved import approved_application, issued
from tests.scenarios.flow import Application


@pytest.fixture
def approved(ctx: Context) -> Application:
    return approved_application(ctx)


def _html(response: Any) -> str:
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


def _events(ctx: Context, action: str) -> list[AuditEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_the_case_page_lists_the_document_with_download_and_print(
    ctx: Context, approved: Application, make_browser: Any
) -> None:
    doc = issued(ctx, approved.number)
    page = _html(make_browser("clerk1").get(f"/cases/{approved.number}"))
    assert 'id="documents"' in page
    assert "最低生活保障确认通知书" in page
    assert doc.code in page
    assert "状态：有效" in page
    assert f'href="/documents/{doc.id}"' in page
    assert f'href="/documents/{doc.id}/print" target="_blank"' in page
    # The timeline says it in Chinese, not as an action code.
    assert f"出具文书“最低生活保障确认通知书”，核验码 {doc.code}" in page
    assert "其他事件（document_issued）" not in page


def test_download_is_the_stored_pdf_as_an_attachment_and_is_audited(
    ctx: Context, approved: Application, make_browser: Any
) -> None:
    doc = issued(ctx, approved.number)
    reply = make_browser("clerk1").get(f"/documents/{doc.id}")
    assert reply.status_code == 200
    assert reply.mimetype == "application/pdf"
    assert reply.data == blobs.read_blob(ctx.settings.documents_dir, doc.sha256)
    assert reply.data.startswith(b"%PDF-")
    disposition = reply.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="document-{doc.code}.pdf"')
    assert f"filename*=UTF-8''{quote('最低生活保障确认通知书-' + doc.code + '.pdf', safe='')}" in disposition
    assert reply.headers["Cache-Control"] == "private, no-store"
    (event,) = _events(ctx, "document_downloaded")
    assert (event.actor_name, event.details["code"], event.details["purpose"]) == ("clerk1", doc.code, "download")


def test_print_opens_the_same_pdf_inline_and_is_audited_as_a_print(
    ctx: Context, approved: Application, make_browser: Any
) -> None:
    doc = issued(ctx, approved.number)
    browser = make_browser("clerk1")
    reply = browser.get(f"/documents/{doc.id}/print")
    assert reply.status_code == 200
    assert reply.headers["Content-Disposition"].startswith("inline; ")
    assert reply.data == blobs.read_blob(ctx.settings.documents_dir, doc.sha256)
    (event,) = _events(ctx, "document_downloaded")
    assert event.details["purpose"] == "print"
    assert f"打印文书“最低生活保障确认通知书”（核验码 {doc.code}）" in _html(browser.get(f"/cases/{approved.number}"))


def test_staff_of_another_township_get_403_and_nothing_is_recorded(
    ctx: Context, approved: Application, make_browser: Any
) -> None:
    doc = issued(ctx, approved.number)
    other = make_browser("clerk2")  # 河西乡: not the case's township
    assert other.get(f"/cases/{approved.number}").status_code == 403
    for url in (f"/documents/{doc.id}", f"/documents/{doc.id}/print"):
        reply = other.get(url)
        assert reply.status_code == 403
        assert b"%PDF" not in reply.data
    assert make_browser("designer1").get(f"/documents/{doc.id}").status_code == 403
    assert _events(ctx, "document_downloaded") == []
    assert make_browser("clerk1").get("/documents/999999").status_code == 404
    anonymous = make_browser().get(f"/documents/{doc.id}")
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]


def test_a_damaged_file_is_refused_and_recorded(ctx: Context, approved: Application, make_browser: Any) -> None:
    doc = issued(ctx, approved.number)
    path = blobs.blob_path(ctx.settings.documents_dir, doc.sha256)
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% changed"))
    reply = make_browser("clerk1").get(f"/documents/{doc.id}")
    assert reply.status_code == 500
    assert "文书校验未通过" in _html(reply)
    assert "可能已被篡改或损坏" in _html(reply)
    assert b"%PDF" not in reply.data
    (event,) = _events(ctx, "document_integrity_failed")
    assert event.details["code"] == doc.code
    assert _events(ctx, "document_downloaded") == []
    path.unlink()
    assert "已丢失" in _html(make_browser("clerk1").get(f"/documents/{doc.id}/print"))


def test_the_task_page_lists_the_documents_that_step_issued(
    ctx: Context, approved: Application, make_browser: Any
) -> None:
    doc = issued(ctx, approved.number)
    (confirmation,) = approved.history("county_confirmation")
    (review,) = approved.history("first_review")
    # The 确认通知书 comes from the end event; say it came from 审核确认, as a document declared on that
    # user task does (approval_form), so the task page has one to show.
    with ctx.db.write() as session:
        session.execute(update(IssuedDocument).where(IssuedDocument.id == doc.id).values(task_id=confirmation.id))
        assert session.get(HumanTask, confirmation.id) is not None
    browser = make_browser("approver1")
    page = _html(browser.get(f"/tasks/{confirmation.id}"))
    assert "文书（本环节生成）" in page
    assert doc.code in page
    assert f'href="/documents/{doc.id}/print"' in page
    other = _html(make_browser("head1").get(f"/tasks/{review.id}"))
    assert "文书（本环节生成）" in other
    assert doc.code not in other
    assert "暂无文书" in other


def test_the_dossier_shows_the_hashes_and_the_issuing_event(
    ctx: Context, approved: Application, make_browser: Any
) -> None:
    doc = issued(ctx, approved.number)
    (event,) = [e for e in _events(ctx, "document_issued") if e.details["document_id"] == doc.id]
    auditor = make_browser("auditor1")
    page = _html(auditor.get(f"/audit/cases/{approved.number}"))
    with ctx.db.read() as session:
        count = len(list(session.scalars(select(IssuedDocument.id).where(IssuedDocument.case_id == doc.case_id))))
    assert count > 1  # the procedure issues several: 授权书, 调查记录, 公示, 审批表, 通知书
    assert f"文书（{count}）" in page
    for value in (doc.sha256, doc.template_hash, doc.data_hash, doc.code):
        assert value in page
    assert f'<a href="#event-{event.seq}">第 {event.seq} 条</a>（出具文书）' in page
    assert event.details["html_sha256"] == doc.html_sha256
    (rendered,) = [e for e in _events(ctx, "document_rendered") if e.details["document_id"] == doc.id]
    assert rendered.details["sha256"] == doc.sha256
    printed = _html(auditor.get(f"/audit/cases/{approved.number}/print"))
    assert doc.sha256 in printed
    assert f'href="/documents/{doc.id}"' not in printed
    assert auditor.get(f"/documents/{doc.id}").status_code == 200
