"""Reading a county's 发放名册 (docs/payments.md): the months, one roster's totals by township and category
and its lines page by page (身份证号 masked), and the reconciliation of its lines with the enrollment records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.clock import china_today
from engine.context import Context
from engine.domain import payroll as rules
from engine.domain.id_numbers import mask_id_number
from engine.domain.roles import Level
from engine.errors import InvalidData, NotFound
from engine.lookups import get_org_unit, get_user
from engine.persistence import OrgUnit, PayrollLine, PayrollRoster, User
from engine.persistence.payroll import ROSTER_LOCKED
from engine.policy import payroll as policy

PAGE_SIZE = 50


@dataclass(frozen=True)
class RosterHeader:
    county_code: str
    county_name: str
    month: str  # 'YYYY-MM'
    month_label: str
    status: str
    status_label: str
    locked: bool
    line_count: int
    persons: int
    total: str
    generated_at: datetime | None
    generated_by: str | None
    locked_at: datetime | None
    locked_by: str | None
    bank_file_sha256: str | None


@dataclass(frozen=True)
class GroupRow:
    township: str
    category: str
    lines: int
    persons: int
    amount: str


@dataclass(frozen=True)
class LineRow:
    township: str
    village: str
    payee_name: str
    id_number: str  # masked
    category: str
    kind: str
    for_month: str
    persons: int
    amount: str
    case_number: str


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class RosterPage:
    header: RosterHeader
    groups: list[GroupRow]
    lines: list[LineRow]
    page: int
    pages: int
    matching: int
    townships: list[Choice]
    categories: list[Choice]
    kinds: list[Choice]
    may_prepare: bool
    may_approve: bool


@dataclass(frozen=True)
class MonthRow:
    month: str
    month_label: str
    status_label: str
    locked: bool
    line_count: int
    total: str


@dataclass(frozen=True)
class CountyPayroll:
    county_code: str
    county_name: str
    months: list[MonthRow]
    suggested_month: str
    may_prepare: bool


def county_for(session: Session, user: User, code: str | None, action: str) -> OrgUnit:
    """The county named by `code` (the user's own when None), checked for `action`."""
    county = get_org_unit(session, code) if code else user.org_unit
    policy.check_payroll(user, county, action)
    return county


def find_roster(session: Session, county: OrgUnit, month: date) -> PayrollRoster:
    roster = session.scalars(
        select(PayrollRoster).where(PayrollRoster.county_id == county.id, PayrollRoster.month == month)
    ).first()
    if roster is None:
        raise missing_roster(county, month)
    return roster


def missing_roster(county: OrgUnit, month: date) -> NotFound:
    return NotFound(f"{county.name} {rules.month_label(month)} 尚未生成发放名册")


def header_of(session: Session, county: OrgUnit, roster: PayrollRoster) -> RosterHeader:
    def name(user_id: int | None) -> str | None:
        found = session.get(User, user_id) if user_id is not None else None
        return found.display_name if found is not None else None

    return RosterHeader(
        county.code,
        county.name,
        rules.month_text(roster.month),
        rules.month_label(roster.month),
        roster.status,
        rules.STATUS_LABELS.get(roster.status, roster.status),
        roster.status == ROSTER_LOCKED,
        roster.line_count,
        roster.persons,
        rules.money(roster.total_amount),
        roster.generated_at,
        name(roster.generated_by_id),
        roster.locked_at,
        name(roster.locked_by_id),
        roster.bank_file_sha256,
    )


def county_months(ctx: Context, username: str, county_code: str | None = None) -> CountyPayroll:
    """The county's rosters, newest month first, and the month a new draft would most likely be for."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        county = county_for(session, user, county_code, "read")
        rosters = session.scalars(
            select(PayrollRoster).where(PayrollRoster.county_id == county.id).order_by(PayrollRoster.month.desc())
        ).all()
        months = [
            MonthRow(
                rules.month_text(r.month),
                rules.month_label(r.month),
                rules.STATUS_LABELS.get(r.status, r.status),
                r.status == ROSTER_LOCKED,
                r.line_count,
                rules.money(r.total_amount),
            )
            for r in rosters
        ]
        suggested = rules.add_months(rosters[0].month, 1) if rosters else rules.add_months(_today_month(), 1)
        return CountyPayroll(county.code, county.name, months, rules.month_text(suggested), policy.may(user, "prepare"))


def _today_month() -> date:
    return rules.month_start(china_today())


def unit_names(session: Session, ids: set[int | None]) -> dict[int | None, str]:
    wanted = [i for i in ids if i is not None]
    names: dict[int | None, str] = {None: "（未知乡镇）"}
    if wanted:
        names.update(
            dict(session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(wanted))).tuples().all())
        )
    return names


def group_rows(session: Session, roster_id: int) -> list[GroupRow]:
    """Totals by township and category, summed by the database (a roster may have 100,000 lines)."""
    regular_persons = func.sum(case((PayrollLine.kind == "regular", PayrollLine.persons), else_=0))
    rows = session.execute(
        select(
            PayrollLine.township_id, PayrollLine.category, func.count(), regular_persons, func.sum(PayrollLine.amount)
        )
        .where(PayrollLine.roster_id == roster_id)
        .group_by(PayrollLine.township_id, PayrollLine.category)
    ).all()
    figures = [rules.GroupTotal(t, c, n, int(p or 0), Decimal(a or 0)) for t, c, n, p, a in rows]
    ordered = rules.totals_order(figures)
    names = unit_names(session, {g.township_id for g in ordered})
    return [
        GroupRow(
            names.get(g.township_id, ""),
            rules.CATEGORIES.get(g.category, g.category),
            g.lines,
            g.persons,
            rules.money(g.amount),
        )
        for g in ordered
    ]


def roster_page(
    ctx: Context,
    username: str,
    county_code: str,
    month_text: str,
    page: int = 1,
    township: str | None = None,
    category: str | None = None,
    kind: str | None = None,
) -> RosterPage:
    """The roster's header and totals, then one page of its lines narrowed by township code, category, kind."""
    month = rules.parse_month(month_text)
    with ctx.db.read() as session:
        user = get_user(session, username)
        county = county_for(session, user, county_code, "read")
        roster = find_roster(session, county, month)
        towns = session.scalars(
            select(OrgUnit)
            .where(OrgUnit.parent_id == county.id, OrgUnit.level == Level.TOWNSHIP.value)
            .order_by(OrgUnit.code)
        ).all()
        conditions = [PayrollLine.roster_id == roster.id]
        if township:
            chosen = next((t for t in towns if t.code == township), None)
            if chosen is None:
                raise InvalidData("筛选条件有误", {"township": [f"乡镇：{township} 不属于 {county.name}"]})
            conditions.append(PayrollLine.township_id == chosen.id)
        if category:
            if category not in rules.CATEGORIES:
                raise InvalidData("筛选条件有误", {"category": ["保障类别：无此类别"]})
            conditions.append(PayrollLine.category == category)
        if kind:
            if kind not in rules.LINE_KINDS:
                raise InvalidData("筛选条件有误", {"kind": ["发放类型：无此类型"]})
            conditions.append(PayrollLine.kind == kind)
        matching = session.scalar(select(func.count()).select_from(PayrollLine).where(*conditions)) or 0
        pages = max((matching + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        page = min(max(page, 1), pages)
        rows = session.scalars(
            select(PayrollLine)
            .where(*conditions)
            .order_by(PayrollLine.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        ).all()
        names = unit_names(session, {r.township_id for r in rows} | {r.village_id for r in rows})
        return RosterPage(
            header_of(session, county, roster),
            group_rows(session, roster.id),
            [_line_row(r, names) for r in rows],
            page,
            pages,
            matching,
            [Choice(t.code, t.name) for t in towns],
            [Choice(k, v) for k, v in rules.CATEGORIES.items()],
            [Choice(k, v) for k, v in rules.LINE_KINDS.items()],
            policy.may(user, "prepare") and roster.status != ROSTER_LOCKED,
            policy.may(user, "approve") and roster.status != ROSTER_LOCKED,
        )


def _line_row(line: PayrollLine, names: dict[int | None, str]) -> LineRow:
    return LineRow(
        names.get(line.township_id, ""),
        names.get(line.village_id, ""),
        line.payee_name,
        mask_id_number(line.id_number) if line.id_number else "（未登记）",
        rules.CATEGORIES.get(line.category, line.category),
        rules.LINE_KINDS.get(line.kind, line.kind),
        rules.month_text(line.for_month),
        line.persons,
        rules.money(line.amount),
        line.case_number,
    )
