"""The public side of a village (no login): the long-term 公布 list and which villages have a 公示 open.

公布 (审确 Art. 24, docs/rules.md#public-notice) shows the recipient's name, the number of people covered and the
amount, for as long as the household is covered (active, or paid during its 渐退 period). Names are
masked as on the 公示 (张*, 王*明); a 单人户 shows the covered members, not the household's applicant,
and nothing else of the household (no ID, address, income, other members) ever leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from engine.clock import utcnow
from engine.context import Context
from engine.domain.privacy import mask_name
from engine.persistence import Enrollment, Notice, OrgUnit
from engine.results import OrgUnitRef

PUBLISHED_STATUSES = ("active", "gradual_exit")


@dataclass(frozen=True)
class PublishedEnrollment:
    masked_name: str
    persons: int
    monthly_amount: str


@dataclass(frozen=True)
class VillageNotices:
    village: OrgUnitRef
    open_notices: int


def _public_name(enrollment: Enrollment) -> str:
    # covered_members is set only for a 单人户 (benefit_proposal lists members only on that basis).
    covered = [name for name in (enrollment.covered_members or "").split("、") if name.strip()]
    return "、".join(mask_name(name) for name in covered) if covered else enrollment.masked_name


def published_enrollments(ctx: Context, village_code: str) -> list[PublishedEnrollment]:
    """The village's 公布 list in the order the households were enrolled; empty for an unknown code."""
    with ctx.db.read() as session:
        rows = session.scalars(
            select(Enrollment)
            .join(OrgUnit, OrgUnit.id == Enrollment.village_id)
            .where(OrgUnit.code == village_code, Enrollment.status.in_(PUBLISHED_STATUSES))
            .order_by(Enrollment.starts_on, Enrollment.id)
        )
        return [PublishedEnrollment(_public_name(e), e.persons, _public_amount(e)) for e in rows]


def _public_amount(enrollment: Enrollment) -> str:
    """The monthly amount the 公布 list shows: for 特困 the basic standard only, as its 公示 (the care part follows
    the care tier, which is the person's health; docs/tekun-exit.md)."""
    support = enrollment.support or {}
    if enrollment.programme == "tekun" and support.get("basic") is not None:
        return f"{Decimal(str(support['basic'])):.2f}"
    return f"{enrollment.monthly_amount:.2f}"


def villages_with_open_notices(ctx: Context) -> list[VillageNotices]:
    """Villages with at least one 公示 still running, by code (the index of the public boards)."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(OrgUnit.code, OrgUnit.name, func.count(Notice.id))
            .join(Notice, Notice.village_id == OrgUnit.id)
            .where(Notice.status == "open", Notice.ends_at > utcnow())
            .group_by(OrgUnit.code, OrgUnit.name)
            .order_by(OrgUnit.code)
        ).all()
        return [VillageNotices(OrgUnitRef(code, name), count) for code, name, count in rows]


def notice_village(ctx: Context, notice_id: int) -> str | None:
    """The code of the village whose board carries the notice (open or not), or None if there is no such notice."""
    with ctx.db.read() as session:
        code: str | None = session.scalars(
            select(OrgUnit.code).join(Notice, Notice.village_id == OrgUnit.id).where(Notice.id == notice_id)
        ).first()
        return code
