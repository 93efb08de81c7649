"""What batch printing prints (engine.services.document_printing): current documents only, never a
superseded version, in the order a clerk files them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import china_today
from engine.context import Context
from engine.domain.roles import Level
from engine.lookups import get_user
from engine.persistence import Case, IssuedDocument, Notice, OrgUnit

PUBLIC_NOTICE_SHEET = "public_notice_sheet"
CONFIRMATION_NOTICE = "confirmation_notice"


def villages_of(session: Session, township: OrgUnit) -> list[OrgUnit]:
    return list(session.scalars(select(OrgUnit).where(OrgUnit.parent_id == township.id).order_by(OrgUnit.code)))


def open_notice_sheets(session: Session, township: OrgUnit) -> list[tuple[OrgUnit, IssuedDocument]]:
    """The current 公示 sheets of cases whose 公示 is open now, village by village (by code), oldest first."""
    found: list[tuple[OrgUnit, IssuedDocument]] = []
    for village in villages_of(session, township):
        open_cases = select(Notice.case_id).where(Notice.village_id == village.id, Notice.status == "open")
        rows = session.scalars(
            select(IssuedDocument)
            .where(
                IssuedDocument.template == PUBLIC_NOTICE_SHEET,
                IssuedDocument.superseded_at.is_(None),
                IssuedDocument.case_id.in_(open_cases),
            )
            .order_by(IssuedDocument.issued_at, IssuedDocument.id)
        )
        found.extend((village, row) for row in rows)
    return found


def confirmations_issued(session: Session, unit: OrgUnit, start: datetime, end: datetime) -> list[IssuedDocument]:
    """The current 确认通知书 issued in [start, end) (naive UTC) for cases of the unit's villages."""
    in_unit = Case.county_id == unit.id if unit.level == "county" else Case.township_id == unit.id
    return list(
        session.scalars(
            select(IssuedDocument)
            .join(Case, Case.id == IssuedDocument.case_id)
            .where(
                IssuedDocument.template == CONFIRMATION_NOTICE,
                IssuedDocument.superseded_at.is_(None),
                IssuedDocument.issued_at >= start,
                IssuedDocument.issued_at < end,
                in_unit,
            )
            .order_by(IssuedDocument.issued_at, IssuedDocument.id)
        )
    )


@dataclass(frozen=True)
class PrintChoices:
    """What the print page offers a user: the townships for 公示 sheets, the units for 确认通知书."""

    townships: tuple[tuple[str, str], ...]  # (code, name)
    units: tuple[tuple[str, str], ...]
    this_month: str


def print_choices(ctx: Context, username: str) -> PrintChoices:
    """403 for whoever may not print; a township's staff get their township, a county's the county and
    its townships."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        own = user.org_unit
        policy.check_may_print_documents(user, own)
        if own.level == Level.TOWNSHIP.value:
            townships = [own]
        else:
            townships = list(
                session.scalars(
                    select(OrgUnit)
                    .where(OrgUnit.parent_id == own.id, OrgUnit.level == Level.TOWNSHIP.value)
                    .order_by(OrgUnit.code)
                )
            )
        pairs = tuple((unit.code, unit.name) for unit in townships)
        units = pairs if own.level == Level.TOWNSHIP.value else ((own.code, own.name), *pairs)
        return PrintChoices(pairs, units, china_today().strftime("%Y-%m"))
