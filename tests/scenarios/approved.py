"""A 低保 case approved through the real dibao_application process, so its 确认通知书 (confirmation_notice,
issued at the "批准" end event) exists: the fixture of the document read tests (tests/web, tests/api, CLI)."""

from __future__ import annotations

from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import Case, IssuedDocument
from engine.records.document_rendering import render_pending
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
NOTICE_OVER = "2026-11-30 02:00:00"  # the 7-day 公示 is over

APPLICANT = "张三"


def approved_application(ctx: Context) -> Application:
    """Started, investigated, publicly noticed and confirmed: closed as approved with 900 元/月."""
    members = (
        member(APPLICANT, "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
    )
    with freeze_time(START):
        app = Application(ctx, household(*members)).start().accept().investigate().first_review()
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.confirm()
    return app


def applicant_id_number(app: Application) -> str:
    return str(app.household["members"][0]["id_number"])


def issued(ctx: Context, number: str, template: str = "confirmation_notice") -> IssuedDocument:
    """The case's current document made from `template` (detached: plain columns only), its PDF printed
    by the worker's job first, as a running worker would have."""
    render_pending(ctx, 100_000)
    with ctx.db.read() as session:
        row = session.scalars(
            select(IssuedDocument)
            .join(Case, Case.id == IssuedDocument.case_id)
            .where(Case.number == number, IssuedDocument.template == template, IssuedDocument.superseded_at.is_(None))
        ).first()
        assert row is not None, f"no {template} on {number}"
        session.expunge(row)
        return row
