"""文书核验 (/public/verify, no login) with a real approved 低保 case: what a citizen sees is masked only (the
applicant's full name, the household's other names and every 身份证号 never appear), a code typed from paper
resolves, the held PDF is checked against the stored sha256 (一致 / 不一致), an unknown code is a Chinese
404, and the upload needs the page's CSRF token and is size-limited. Nothing is stored or recorded."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.context import Context
from engine.persistence import AuditEvent, IssuedDocument
from engine.records import blobs
from tests.scenarios.approved import APPLICANT, applicant_id_number, approved_application, issued
from tests.scenarios.flow import Application
from tests.web.conftest import Browser
from web.public import verify


@pytest.fixture
def approved(ctx: Context) -> Application:
    return approved_application(ctx)


def _html(response: Any) -> str:
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


def _events(ctx: Context) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _assert_masked(page: str, app: Application) -> None:
    for member in app.household["members"]:
        assert member["name"] not in page
        assert member["id_number"] not in page
    assert APPLICANT not in page
    assert applicant_id_number(app) not in page


def _upload(browser: Browser, code: str, content: bytes, name: str = "通知书.pdf") -> Any:
    return browser.post(
        f"/public/verify/{code}", {"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def _typed_badly(code: str) -> str:
    """As a citizen may type it: lowercase, spaces for dashes, O for 0 and l for 1."""
    return code.lower().replace("-", " ").replace("0", "O").replace("1", "l")


def test_the_page_of_a_code_shows_only_what_a_citizen_may_see(
    ctx: Context, approved: Application, make_browser: Any
) -> None:
    doc = issued(ctx, approved.number)
    before = _events(ctx)
    reply = make_browser().get(f"/public/verify/{doc.code}")
    assert reply.status_code == 200
    page = _html(reply)
    for shown in ("最低生活保障确认通知书", doc.code, doc.sha256, "张*", "有效", doc.unit_name or "?"):
        assert shown in page
    assert "2026年11月30日" in page  # decided on 30 November (Beijing)
    _assert_masked(page, approved)
    assert _events(ctx) == before  # a look-up writes nothing


def test_a_code_typed_from_paper_still_resolves(ctx: Context, approved: Application, make_browser: Any) -> None:
    doc = issued(ctx, approved.number)
    anyone = make_browser()
    reply = anyone.get("/public/verify", query_string={"code": _typed_badly(doc.code)})
    assert reply.status_code == 303
    assert reply.headers["Location"].endswith(f"/public/verify/{doc.code}")
    assert doc.sha256 in _html(anyone.get(f"/public/verify/{_typed_badly(doc.code)}"))
    form = _html(anyone.get("/public/verify"))
    assert 'name="code"' in form
    assert "核验码" in form


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ", "not-a-code", "12"])
def test_an_unknown_code_is_a_chinese_404(ctx: Context, approved: Application, make_browser: Any, code: str) -> None:
    for reply in (make_browser().get(f"/public/verify/{code}"), make_browser().get(f"/public/verify?code={code}")):
        assert reply.status_code == 404
        assert "未查到该文书" in _html(reply)
        assert "没有查到核验码为" in _html(reply)
        assert "Traceback" not in _html(reply)


def test_the_downloaded_pdf_is_consistent_and_a_changed_one_is_not(
    ctx: Context, approved: Application, make_browser: Any
) -> None:
    doc = issued(ctx, approved.number)
    original = blobs.read_blob(ctx.settings.documents_dir, doc.sha256)
    assert original is not None
    citizen = make_browser()
    citizen.get(f"/public/verify/{doc.code}")  # the session cookie that carries the CSRF token
    same = _upload(citizen, doc.code, original)
    assert same.status_code == 200
    assert "核对结果：<strong>一致</strong>" in _html(same)
    tampered = original.replace(b"900.00", b"990.00") + b"\n"
    changed = _upload(citizen, doc.code, tampered)
    assert changed.status_code == 200
    assert "核对结果：<strong>不一致（可能被篡改）</strong>" in _html(changed)
    _assert_masked(_html(changed), approved)
    stored = {p for p in ctx.settings.documents_dir.rglob("*") if p.is_file()}
    with ctx.db.read() as session:
        issued_files = {
            blobs.blob_path(ctx.settings.documents_dir, sha) for sha in session.scalars(select(IssuedDocument.sha256))
        }
    assert stored == issued_files  # nothing uploaded was kept


def test_the_upload_needs_a_file_a_token_and_a_sane_size(
    ctx: Context, approved: Application, make_browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = issued(ctx, approved.number)
    citizen = make_browser()
    empty = citizen.post(f"/public/verify/{doc.code}", {}, content_type="multipart/form-data")
    assert empty.status_code == 422
    assert "PDF 文件：请选择要核对的文件" in _html(empty)
    forged = citizen.post(f"/public/verify/{doc.code}", {"file": (io.BytesIO(b"%PDF-"), "a.pdf")}, csrf=False)
    assert forged.status_code == 400
    assert "请求未通过安全校验" in _html(forged)
    monkeypatch.setattr(verify, "MAX_UPLOAD", 1024)
    large = _upload(citizen, doc.code, b"%PDF-" + b"0" * 2048)
    assert large.status_code == 413
    assert "PDF 文件：不能超过 1 KB" in _html(large)
    unknown = _upload(citizen, "ZZZZ-ZZZZ-ZZZZ", b"%PDF-")
    assert unknown.status_code == 404


def _corrected(ctx: Context, old_id: int) -> str:
    """A correction as the corrections feature records one (engine.records.documents.issue with `replaces`):
    a new row, version 2, naming the old one, which gets superseded_at. Made by hand here: only the reads are
    under test. Returns the new code."""
    with ctx.db.write() as session:
        old = session.get(IssuedDocument, old_id)
        assert old is not None
        new = IssuedDocument(
            **{c: getattr(old, c) for c in _COPIED},
            version=2,
            replaces_id=old.id,
            correction_reason="金额有误",
            code="7K3M-9QXP-2D4F",
            issued_at=datetime(2026, 12, 1, 2, 0),
            context=old.context,
        )
        old.superseded_at = new.issued_at
        session.add(new)
        return new.code


_COPIED = (
    "case_id", "instance_id", "task_id", "definition_id", "process_id", "element_id", "template", "title", "sha256",
    "size", "template_hash", "data_hash", "issuing_unit_id", "issued_by_id", "applicant_masked", "unit_name",
)  # fmt: skip


def test_a_corrected_document_says_so_and_names_its_replacement(
    ctx: Context, approved: Application, make_browser: Any
) -> None:
    doc = issued(ctx, approved.number)
    new_code = _corrected(ctx, doc.id)
    anyone = make_browser()
    old_page = _html(anyone.get(f"/public/verify/{doc.code}"))
    assert f"已更正（被 {new_code} 替代）" in old_page
    assert f'href="/public/verify/{new_code}"' in old_page
    assert "该文书已被更正，请以更正后的文书为准。" in old_page
    new_page = _html(anyone.get(f"/public/verify/{new_code}"))
    assert "本系统出具的有效文书。" in new_page
    assert f'更正了 <a href="/public/verify/{doc.code}">{doc.code}</a>' in new_page
    case_page = _html(make_browser("clerk1").get(f"/cases/{approved.number}"))
    assert f"状态：已更正（被 {new_code} 替代）" in case_page
    assert "（第 2 版）" in case_page
    assert "状态：有效" in case_page
