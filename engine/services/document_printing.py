"""Batch printing (docs/documents-corrections-and-printing.md): the 公示 sheets of a township, village by
village, and a month's 确认通知书 of a county or township, each as one PDF of the stored documents (the
very bytes issued, appended one after another, so every page still carries its own verification code).

Audited (`documents_printed`, with what, where and the documents' ids). Nothing to print is a Chinese
message (NotFound), never an empty PDF.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pypdf import PdfReader, PdfWriter
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import CHINA, to_utc
from engine.context import Context
from engine.errors import InvalidData, NotFound
from engine.lookups import get_org_unit, get_user
from engine.persistence import IssuedDocument, OrgUnit, User
from engine.queries.document_printing import (
    CONFIRMATION_NOTICE,
    PUBLIC_NOTICE_SHEET,
    confirmations_issued,
    open_notice_sheets,
)
from engine.records import audit, blobs
from engine.records.document_rendering import render_in

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class PrintedBatch:
    """One PDF to print: `count` documents, `pages` pages, `villages` the villages in order (公示 sheets)."""

    pdf: bytes
    count: int
    pages: int
    title: str
    filename: str
    villages: tuple[str, ...] = ()


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """ "2027-03" → the month in Beijing time, as naive UTC [start, end)."""
    match = _MONTH.match((month or "").strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise InvalidData("打印信息有误", {"month": ["月份：格式应为 年-月，例如 2027-03"]})
    year, number = int(match.group(1)), int(match.group(2))
    start = datetime(year, number, 1, tzinfo=CHINA)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=CHINA)
    return to_utc(start), to_utc(end)


def _unit(session: Session, user: User, code: str | None, what: str) -> OrgUnit:
    unit = get_org_unit(session, code) if code else user.org_unit
    policy.check_may_print_documents(user, unit)
    if what == PUBLIC_NOTICE_SHEET and unit.level != "township":
        raise InvalidData("打印信息有误", {"township": [f"乡镇：{unit.name} 不是乡镇，公示材料按乡镇打印"]})
    return unit


def _merge(ctx: Context, session: Session, rows: Sequence[IssuedDocument]) -> tuple[bytes, int]:
    writer = PdfWriter()
    for row in rows:
        # One the worker has not printed yet is printed now (rare: printing follows issuing by days).
        content = (
            blobs.read_blob(ctx.settings.documents_dir, row.sha256)
            if render_in(ctx, session, row) and row.sha256
            else None
        )
        if content is None or hashlib.sha256(content).hexdigest() != row.sha256:
            raise NotFound(f"文书 {row.code}（{row.title}）的 PDF 文件缺失或已损坏，请联系系统管理员")
        writer.append(PdfReader(io.BytesIO(content)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def _record(
    session: Session, user: User, what: str, unit: OrgUnit, rows: Sequence[IssuedDocument], **more: str
) -> None:
    details = {"what": what, "unit": unit.code, "count": len(rows), "documents": [row.id for row in rows], **more}
    audit.record(
        session, "documents_printed", audit.Actor.of(user, min(user.roles & policy.PRINTING_ROLES)), details=details
    )


def print_notices(ctx: Context, username: str, township: str | None = None) -> PrintedBatch:
    """The current 公示 sheets of the township's open 公示, grouped by village."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        unit = _unit(session, user, township, PUBLIC_NOTICE_SHEET)
        found = open_notice_sheets(session, unit)
        if not found:
            raise NotFound(f"{unit.name}目前没有正在公示的案件的公示材料可打印")
        rows = [row for _, row in found]
        pdf, pages = _merge(ctx, session, rows)
        _record(session, user, PUBLIC_NOTICE_SHEET, unit, rows)
        villages = tuple(dict.fromkeys(village.name for village, _ in found))
        title = f"{unit.name}公示材料（{len(rows)} 份）"
        return PrintedBatch(pdf, len(rows), pages, title, f"public-notices-{unit.code}.pdf", villages)


def print_confirmations(ctx: Context, username: str, month: str, unit_code: str | None = None) -> PrintedBatch:
    """The current 确认通知书 issued in the month (Beijing time) for the county's or township's cases."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        unit = _unit(session, user, unit_code, CONFIRMATION_NOTICE)
        start, end = month_bounds(month)
        rows = confirmations_issued(session, unit, start, end)
        label = f"{month.strip()[:4]} 年 {int(month.strip()[5:])} 月"
        if not rows:
            raise NotFound(f"{unit.name}{label}没有出具最低生活保障确认通知书")
        pdf, pages = _merge(ctx, session, rows)
        _record(session, user, CONFIRMATION_NOTICE, unit, rows, month=month.strip())
        title = f"{unit.name}{label}确认通知书（{len(rows)} 份）"
        return PrintedBatch(pdf, len(rows), pages, title, f"confirmations-{unit.code}-{month.strip()}.pdf")
