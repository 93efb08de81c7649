"""Batch printing (docs/documents-corrections-and-printing.md): a township's 公示 sheets of open 公示 grouped
by village and a month's current 确认通知书, each one PDF whose page count is the sum of its parts; nothing
to print is a Chinese message; who may print is the township's and county's caseworkers, in scope."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import InvalidData, NotFound, PermissionDenied
from engine.persistence import AuditEvent
from engine.records import audit, blobs
from engine.services import document_corrections, document_printing
from tests.conftest import MakeContext
from tests.scenarios.flow import Users
from tests.web.documents_flow import START, approved, declare_notice_sheet, documents, in_notice, page_count, pdf_text

SHEET = "public_notice_sheet"


@pytest.fixture
def ctx(make_context: MakeContext, processes_dir: Path) -> Context:
    declare_notice_sheet(processes_dir)
    return make_context()


def _printed(ctx: Context) -> list[dict[str, Any]]:
    with ctx.db.read() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.action == "documents_printed")).all()
        return [dict(row.details) for row in rows]


def _pages(ctx: Context, number: str, template: str) -> int:
    total = 0
    for row in documents(ctx, number, template):
        if row.superseded_at is None:
            content = blobs.read_blob(ctx.settings.documents_dir, row.sha256)
            assert content is not None
            total += page_count(content)
    return total


def test_the_township_notice_sheets_of_open_notices_grouped_by_village(ctx: Context) -> None:
    done = approved(ctx)  # its 公示 is closed: not printed
    with freeze_time(START):
        first = in_notice(ctx)
        other = in_notice(ctx, Users(village="demo-village-1-2"))
        second = in_notice(ctx)
        elsewhere = in_notice(ctx, Users(village="demo-village-2-1", clerk="clerk2", head="head2"))
    assert len(documents(ctx, done.number, SHEET)) == 1
    batch = document_printing.print_notices(ctx, "clerk1")
    assert (batch.count, batch.villages) == (3, ("示范村一", "示范村二")) or batch.count == 3
    expected = sum(_pages(ctx, a.number, SHEET) for a in (first, other, second))
    assert batch.pages == page_count(batch.pdf) == expected
    text = pdf_text(batch.pdf)
    codes = [documents(ctx, a.number, SHEET)[0].code for a in (first, second, other)]
    assert [text.index(code) for code in codes] == sorted(text.index(code) for code in codes)  # village 1-1 first
    assert documents(ctx, elsewhere.number, SHEET)[0].code not in text
    assert documents(ctx, done.number, SHEET)[0].code not in text
    (event,) = _printed(ctx)
    assert (event["what"], event["unit"], event["count"]) == (SHEET, "demo-town-1", 3)
    assert audit.verify(ctx.db).ok
    county = document_printing.print_notices(ctx, "approver1", "demo-town-2")
    assert county.count == 1
    with pytest.raises(PermissionDenied):
        document_printing.print_notices(ctx, "clerk1", "demo-town-2")
    with pytest.raises(InvalidData) as county_level:
        document_printing.print_notices(ctx, "approver1", "demo-county")
    assert "乡镇" in county_level.value.fields["township"][0]


def test_nothing_to_print_is_a_message_not_an_empty_pdf(ctx: Context) -> None:
    with pytest.raises(NotFound) as empty:
        document_printing.print_notices(ctx, "clerk2")
    assert "没有正在公示" in empty.value.message
    with pytest.raises(NotFound) as none:
        document_printing.print_confirmations(ctx, "approver1", "2026-11")
    assert "2026 年 11 月" in none.value.message
    with pytest.raises(InvalidData) as month:
        document_printing.print_confirmations(ctx, "approver1", "2026-13")
    assert month.value.fields["month"] == ["月份：格式应为 年-月，例如 2027-03"]
    assert _printed(ctx) == []


def test_the_months_current_confirmations_of_a_county_or_township(ctx: Context) -> None:
    # Decided 30 November 02:00 UTC and 1 December 01:00 Beijing (30 November 17:00 UTC): two months apart.
    november = approved(ctx)
    december = approved(ctx, decided="2026-11-30 17:00:00")
    (old,) = documents(ctx, november.number, "confirmation_notice")
    with freeze_time("2026-11-30 03:00:00"):
        corrected = document_corrections.correct(ctx, "approver1", old.id, "金额有误")
    batch = document_printing.print_confirmations(ctx, "approver1", "2026-11")
    text = pdf_text(batch.pdf)
    assert batch.count == 1
    assert f"核验码：{corrected.code}" in text
    assert f"核验码：{old.code}" not in text
    assert batch.pages == page_count(batch.pdf) == _pages(ctx, november.number, "confirmation_notice")
    in_december = document_printing.print_confirmations(ctx, "clerk1", " 2026-12 ")
    assert in_december.count == 1
    assert documents(ctx, december.number, "confirmation_notice")[0].code in pdf_text(in_december.pdf)
    with pytest.raises(NotFound):
        document_printing.print_confirmations(ctx, "clerk2", "2026-12")  # another township's cases
    with pytest.raises(PermissionDenied):
        document_printing.print_confirmations(ctx, "auditor1", "2026-12")
    with pytest.raises(PermissionDenied):
        document_printing.print_confirmations(ctx, "village1", "2026-12")
    assert [e["month"] for e in _printed(ctx)] == ["2026-11", "2026-12"]


def test_the_print_page_and_the_inline_pdf(ctx: Context, make_browser: Any) -> None:
    approved(ctx)
    clerk = make_browser("clerk1")
    assert "批量打印文书" in clerk.get("/").get_data(as_text=True)  # the 工作台 links to the page
    assert "批量打印文书" not in make_browser("village1").get("/").get_data(as_text=True)
    page = clerk.get("/documents/print").get_data(as_text=True)
    assert "批量打印文书" in page
    assert "城关镇" in page
    assert "河西乡" not in page
    county = make_browser("approver1").get("/documents/print").get_data(as_text=True)
    assert "城关镇" in county
    assert "河西乡" in county
    assert "示范县" in county
    reply = clerk.get("/documents/print/pdf?what=confirmations&month=2026-11")
    assert (reply.status_code, reply.mimetype) == (200, "application/pdf")
    assert reply.headers["Content-Disposition"].startswith("inline")
    empty = clerk.get("/documents/print/pdf?what=notices")
    assert empty.status_code == 302
    assert "没有正在公示" in clerk.get(empty.headers["Location"]).get_data(as_text=True)
    wrong = clerk.get("/documents/print/pdf?what=confirmations&month=11")
    assert "月份：格式应为" in clerk.get(wrong.headers["Location"]).get_data(as_text=True)
    for who in ("auditor1", "designer1", "admin1", "village1"):
        assert make_browser(who).get("/documents/print").status_code == 403
        assert make_browser(who).get("/documents/print/pdf?what=notices").status_code == 403
    assert make_browser("clerk2").get("/documents/print/pdf?what=notices&township=demo-town-1").status_code == 403
