"""更正 (docs/documents-corrections-and-printing.md): a corrected document is version 2 naming version 1, which
becomes superseded; the new PDF prints the correction note; refusals (reason, scope, superseded) write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.errors import Conflict, InvalidData, PermissionDenied
from engine.records import audit, blobs
from engine.services import document_corrections
from tests.web.documents_flow import NOTICE_OVER, approved, documents, pdf_text

LATER = "2026-12-02 02:00:00"


def _stored(ctx: Context, sha256: str) -> bytes:
    content = blobs.read_blob(ctx.settings.documents_dir, sha256)
    assert content is not None
    return content


def test_a_correction_is_version_2_naming_version_1_which_is_superseded(ctx: Context) -> None:
    application = approved(ctx)
    (first,) = documents(ctx, application.number, "confirmation_notice")
    with freeze_time(LATER):
        view = document_corrections.correct(ctx, "approver1", first.id, "  申请人姓名录入有误  ")
    old, new = documents(ctx, application.number, "confirmation_notice")
    assert (old.id, new.id) == (first.id, view.id)
    assert old.superseded_at is not None
    assert new.superseded_at is None
    assert (new.version, new.replaces_id, new.correction_reason) == (2, old.id, "申请人姓名录入有误")
    assert (view.version, view.replaces_code, view.superseded) == (2, old.code, False)
    assert new.issuing_unit_id == old.issuing_unit_id
    text = pdf_text(_stored(ctx, new.sha256))
    assert "更正版" in text
    assert old.code in text
    assert "申请人姓名录入有误" in text
    assert "更正版" not in pdf_text(_stored(ctx, old.sha256))
    events = [
        e for e in audit.case_history(ctx.db, new.case_id) if e.action in ("document_issued", "document_corrected")
    ]
    assert [e.action for e in events][-2:] == ["document_issued", "document_corrected"]
    assert events[-1].details["replaces"] == old.id
    assert events[-2].details["replaces"] == old.id
    assert audit.verify(ctx.db).ok


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("approver1", "ok"),  # the issuing unit (the county confirmed)
        ("county1", "ok"),  # the county's clerk
        ("clerk1", "forbidden"),  # the township: not the issuing unit
        ("auditor1", "forbidden"),
        ("designer1", "forbidden"),
        ("admin1", "forbidden"),
        ("clerk2", "forbidden"),
    ],
)
def test_who_may_correct(ctx: Context, username: str, expected: str) -> None:
    application = approved(ctx)
    (first,) = documents(ctx, application.number, "confirmation_notice")
    try:
        document_corrections.correct(ctx, username, first.id, "金额有误")
        outcome = "ok"
    except PermissionDenied:
        outcome = "forbidden"
    assert outcome == expected


def test_refusals_name_the_reason_and_the_newer_code_and_write_nothing(ctx: Context) -> None:
    application = approved(ctx)
    (first,) = documents(ctx, application.number, "confirmation_notice")
    for reason, message in (("  ", "更正原因：必填"), ("错" * 501, "更正原因：不能超过 500 个字")):
        with pytest.raises(InvalidData) as refused:
            document_corrections.correct(ctx, "approver1", first.id, reason)
        assert refused.value.fields == {"reason": [message]}
    assert len(documents(ctx, application.number, "confirmation_notice")) == 1
    with freeze_time(NOTICE_OVER):
        second = document_corrections.correct(ctx, "approver1", first.id, "金额有误")
    with pytest.raises(Conflict) as stale:
        document_corrections.correct(ctx, "approver1", first.id, "再次更正")
    assert second.code in stale.value.message
    third = document_corrections.correct(ctx, "approver1", second.id, "再次更正")
    assert (third.version, third.replaces_code) == (3, second.code)


def test_the_correction_page_asks_for_the_reason_and_redirects_to_the_case(ctx: Context, make_browser: Any) -> None:
    application = approved(ctx)
    (first,) = documents(ctx, application.number, "confirmation_notice")
    url = f"/documents/{first.id}/correct"
    assert make_browser("clerk1").get(url).status_code == 403
    assert make_browser("auditor1").post(url, {"reason": "x"}).status_code == 403
    assert make_browser(None).get(url).status_code == 302  # to the sign-in page
    approver = make_browser("approver1")
    page = approver.get(url).get_data(as_text=True)
    assert first.code in page
    assert "更正原因" in page
    assert first.title in page
    assert approver.post(url, {"reason": "x"}, csrf=False).status_code == 400
    refused = approver.post(url, {"reason": "   "})
    assert refused.status_code == 422
    assert "更正原因：必填" in refused.get_data(as_text=True)
    done = approver.post(url, {"reason": "保障金额录入有误"})
    assert (done.status_code, done.headers["Location"]) == (302, f"/cases/{application.number}")
    _, new = documents(ctx, application.number, "confirmation_notice")
    case_page = approver.get(done.headers["Location"]).get_data(as_text=True)
    assert f"核验码 {new.code}" in case_page  # the flash
    assert f"替代核验码为 {first.code} 的文书，更正原因：保障金额录入有误" in case_page  # the timeline
    again = approver.post(url, {"reason": "再次"})
    assert again.status_code == 409
    assert new.code in again.get_data(as_text=True)
    assert approver.get(url).status_code == 409
    assert approver.get("/documents/999999/correct").status_code == 404
