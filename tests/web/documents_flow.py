"""Cases with issued documents for the correction and batch-printing tests: an approved 低保 case (its
确认通知书) and, with a minimal `public_notice_sheet` declared on public_notice `open_notice` in the test's
own processes copy, cases in their 公示 with a sheet each. The real templates come with the processes."""

from __future__ import annotations

import io
from pathlib import Path

from freezegun import freeze_time
from pypdf import PdfReader
from sqlalchemy import select

from engine.context import Context
from engine.persistence import IssuedDocument
from engine.records.document_rendering import render_pending
from tests.api.conftest import eligible_household
from tests.scenarios.flow import Application, Users

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
NOTICE_OVER = "2026-11-30 02:00:00"  # the 7-day 公示 timer is due; decided on 30 November

SHEET = """{% extends "_layout.html" %}
{% block title %}公示{% endblock %}
{% block body %}
<p class="flush">公示对象：{{ case.applicant_masked }}，保障人数 {{ case.persons }} 人。</p>
{% endblock %}
"""
_DECLARED = """<bpmn:scriptTask id="open_notice" name="发布公示">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="documents" value="public_notice_sheet" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>"""


def declare_notice_sheet(processes_dir: Path) -> None:
    """Before the context deploys: the sheet template and its declaration on `open_notice`."""
    default = processes_dir / "default"
    (default / "documents" / "public_notice_sheet.html").write_text(SHEET, encoding="utf-8")
    bpmn = default / "public_notice.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    if "public_notice_sheet" not in text:
        bpmn.write_text(text.replace('<bpmn:scriptTask id="open_notice" name="发布公示">', _DECLARED), encoding="utf-8")


def in_notice(ctx: Context, users: Users | None = None) -> Application:
    """A 低保 application worked up to its open 公示 (call under a frozen clock)."""
    return Application(ctx, eligible_household(), users or Users()).start().accept().investigate().first_review()


def approved(ctx: Context, start: str = START, decided: str = NOTICE_OVER) -> Application:
    """A 低保 application approved at `decided` (its 确认通知书 issued then)."""
    with freeze_time(start):
        application = in_notice(ctx)
    with freeze_time(decided):
        application.end_notice()
        application.confirm()
    return application


def documents(ctx: Context, number: str, template: str) -> list[IssuedDocument]:
    render_pending(ctx, 100_000)  # the PDFs printed, as a running worker would have
    with ctx.db.read() as session:
        rows = session.scalars(
            select(IssuedDocument)
            .join(IssuedDocument.case)
            .where(IssuedDocument.template == template)
            .order_by(IssuedDocument.id)
        ).all()
        found = [row for row in rows if row.case.number == number]
        session.expunge_all()
        return found


def pdf_text(content: bytes) -> str:
    """The PDF's text without the line breaks and spaces of its layout (Chinese wraps anywhere)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return "".join(text.split())


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)
