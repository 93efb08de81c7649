"""Commands on a county's 发放名册 (docs/payments.md), one transaction each, every one audited: generate
(or regenerate) the draft of a month, approve it (which locks the month), record an adjustment of a locked
month, and export the bank file (full 身份证号, so every download is recorded).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.clock import china_today, utcnow
from engine.context import Context
from engine.domain import payroll as rules
from engine.domain.payroll_files import FileLine, FileRoster, csv_bytes, file_name, xlsx_bytes
from engine.errors import Conflict, InvalidData, NotFound
from engine.lookups import get_case, get_user
from engine.persistence import Enrollment, OrgUnit, PayrollAdjustment, PayrollLine, PayrollRoster, User
from engine.persistence.payroll import ROSTER_DRAFT, ROSTER_LOCKED
from engine.queries.payroll import county_for, find_roster, missing_roster
from engine.records import audit
from engine.records.payroll_lines import compute_lines, fingerprint
from engine.records.roster_locks import check_month_open

MAX_REASON = 500
# A draft may be prepared for a month up to this many months ahead of the current one (banks are sent the
# file before the month begins); further ahead nothing is known yet.
MONTHS_AHEAD = 1
FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class RosterResult:
    county_code: str
    month: str
    status: str
    line_count: int
    persons: int
    total: str


@dataclass(frozen=True)
class ExportFile:
    file_name: str
    mimetype: str
    content: bytes
    sha256: str


def _result(county: OrgUnit, roster: PayrollRoster) -> RosterResult:
    return RosterResult(
        county.code,
        rules.month_text(roster.month),
        roster.status,
        roster.line_count,
        roster.persons,
        rules.money(roster.total_amount),
    )


def generate(ctx: Context, username: str, county_code: str, month_text: str) -> RosterResult:
    """Compute the month's lines from the records and store them as the county's draft, replacing any
    earlier draft of the month. Refused (409) when the month is locked."""
    month = rules.parse_month(month_text)
    with ctx.db.write() as session:
        user = get_user(session, username)
        county = county_for(session, user, county_code, "prepare")
        role = sorted(user.roles & {"county_clerk"})[0]
        latest = rules.add_months(rules.month_start(china_today()), MONTHS_AHEAD)
        if month > latest:
            raise InvalidData("月份过晚", {"month": [f"月份：最晚只能编制 {rules.month_label(latest)} 的发放名册"]})
        roster = _roster_for_update(session, county, month)
        check_month_open(session, county.id, month, county.name)
        if roster is None:
            roster = PayrollRoster(county_id=county.id, month=month, status=ROSTER_DRAFT, created_by_id=user.id)
            session.add(roster)
            try:
                session.flush()
            except IntegrityError as exc:  # another clerk created the month's roster at the same moment
                raise Conflict("该月名册正由他人生成，请稍后刷新再试") from exc
        else:
            session.execute(delete(PayrollLine).where(PayrollLine.roster_id == roster.id))
        lines = compute_lines(session, county.id, month)
        if lines:
            session.execute(insert(PayrollLine), [{**line, "roster_id": roster.id} for line in lines])
        _stamp(roster, user, lines)
        audit.record(
            session,
            "payroll_generated",
            audit.Actor.of(user, role),
            details={
                "county": county.code,
                "month": rules.month_text(month),
                "lines": roster.line_count,
                "persons": roster.persons,
                "total": rules.money(roster.total_amount),
                "content_sha256": roster.content_sha256,
            },
        )
        return _result(county, roster)


def _roster_for_update(session: Session, county: OrgUnit, month: date) -> PayrollRoster | None:
    """The month's roster, its row locked on PostgreSQL (FOR UPDATE) so that a generation and an approval
    of the same month run one after the other; SQLite's writers are serialised already (BEGIN IMMEDIATE)."""
    return session.scalars(
        select(PayrollRoster)
        .where(PayrollRoster.county_id == county.id, PayrollRoster.month == month)
        .with_for_update()
    ).first()


def _stamp(roster: PayrollRoster, user: User, lines: list[dict[str, object]]) -> None:
    roster.generated_at = utcnow()
    roster.generated_by_id = user.id
    roster.line_count = len(lines)
    roster.persons = sum(int(str(ln["persons"])) for ln in lines if ln["kind"] == "regular")
    roster.total_amount = sum((Decimal(str(ln["amount"])) for ln in lines), Decimal("0.00"))
    roster.content_sha256 = fingerprint(lines)


def approve(ctx: Context, username: str, county_code: str, month_text: str) -> RosterResult:
    """Lock the month: its lines never change again, and its bank file's hash is kept. Refused when locked
    already, and when the records changed since the draft was generated (an approval, a re-check, an
    adjustment): the approver must approve what the roster would be now, so the draft is generated again."""
    month = rules.parse_month(month_text)
    with ctx.db.write() as session:
        user = get_user(session, username)
        county = county_for(session, user, county_code, "approve")
        roster = _roster_for_update(session, county, month)
        if roster is None:
            raise missing_roster(county, month)
        check_month_open(session, county.id, month, county.name)
        if fingerprint(compute_lines(session, county.id, month)) != roster.content_sha256:
            raise Conflict("发放名册生成后，保障对象或调整记录有变化：请经办人重新生成名册后再审批")
        roster.status = ROSTER_LOCKED
        roster.locked_at = utcnow()
        roster.locked_by_id = user.id
        bank_file = csv_bytes(_file_roster(session, county, roster))
        roster.bank_file_sha256 = hashlib.sha256(bank_file).hexdigest()
        audit.record(
            session,
            "payroll_approved",
            audit.Actor.of(user, "county_approver"),
            details={
                "county": county.code,
                "month": rules.month_text(month),
                "lines": roster.line_count,
                "total": rules.money(roster.total_amount),
                "bank_file_sha256": roster.bank_file_sha256,
            },
        )
        return _result(county, roster)


def add_adjustment(
    ctx: Context,
    username: str,
    county_code: str,
    case_number: str,
    corrects_month: str,
    paid_in: str,
    amount: str,
    reason: str,
) -> int:
    """Record a correction of a locked month (`amount` may be negative: an overpayment recovered), paid in
    the roster of `paid_in`, a later month that is still open. Its id; the draft of `paid_in`, if any,
    must be generated again to include it (the approval insists)."""
    corrected = rules.parse_month(corrects_month, "corrects_month")
    paying = rules.parse_month(paid_in, "paid_in")
    value = _amount(amount)
    text = reason.strip()
    if not text or len(text) > MAX_REASON:
        raise InvalidData("调整须说明理由", {"reason": [f"调整理由：必填，不超过 {MAX_REASON} 字"]})
    with ctx.db.write() as session:
        user = get_user(session, username)
        county = county_for(session, user, county_code, "prepare")
        case = get_case(session, case_number)
        enrollment = session.scalars(select(Enrollment).where(Enrollment.case_id == case.id)).first()
        if enrollment is None or case.county_id != county.id:
            raise NotFound(f"{county.name} 没有案件 {case_number} 的保障记录")
        if find_roster(session, county, corrected).status != ROSTER_LOCKED:
            raise InvalidData(
                "只能调整已审批锁定的月份", {"corrects_month": ["被更正月份：该月名册尚未锁定，请直接重新生成"]}
            )
        check_month_open(session, county.id, paying, county.name)
        if paying <= corrected:
            raise InvalidData("调整计入的月份有误", {"paid_in": ["计入月份：须晚于被更正的月份"]})
        adjustment = PayrollAdjustment(
            county_id=county.id,
            enrollment_id=enrollment.id,
            paid_in=paying,
            corrects_month=corrected,
            amount=value,
            reason=text,
            created_by_id=user.id,
        )
        session.add(adjustment)
        session.flush()
        audit.record(
            session,
            "payroll_adjustment_added",
            audit.Actor.of(user, "county_clerk"),
            case_id=case.id,
            details={
                "county": county.code,
                "case_number": case.number,
                "corrects_month": rules.month_text(corrected),
                "paid_in": rules.month_text(paying),
                "amount": rules.money(value),
                "reason": text,
            },
        )
        return adjustment.id


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value == 0 or value != value.quantize(Decimal("0.01")) or abs(value) >= 10**8:
        raise InvalidData("调整金额有误", {"amount": ["调整金额：非零金额，最多两位小数，可为负数（扣回多发）"]})
    return value.quantize(Decimal("0.01"))


def export(ctx: Context, username: str, county_code: str, month_text: str, file_format: str) -> ExportFile:
    """The roster as the bank file (CSV or XLSX) with full 身份证号; the download is recorded as
    `payroll_exported` with the file's hash, like any view of full ID numbers."""
    if file_format not in FORMATS:
        raise InvalidData("文件格式有误", {"format": ["格式：csv 或 xlsx"]})
    month = rules.parse_month(month_text)
    with ctx.db.write() as session:
        user = get_user(session, username)
        county = county_for(session, user, county_code, "read")
        roster = find_roster(session, county, month)
        data = _file_roster(session, county, roster)
        content = csv_bytes(data) if file_format == "csv" else xlsx_bytes(data)
        digest = hashlib.sha256(content).hexdigest()
        audit.record(
            session,
            "payroll_exported",
            audit.Actor.of(user, sorted(user.roles & {"county_clerk", "county_approver", "auditor", "admin"})[0]),
            details={
                "county": county.code,
                "month": rules.month_text(month),
                "format": file_format,
                "status": roster.status,
                "lines": roster.line_count,
                "fields": ["id_number"],
                "sha256": digest,
            },
        )
        return ExportFile(file_name(data, file_format), FORMATS[file_format], content, digest)


def _file_roster(session: Session, county: OrgUnit, roster: PayrollRoster) -> FileRoster:
    wanted = select(OrgUnit.id, OrgUnit.name).where(
        (OrgUnit.parent_id == county.id) | OrgUnit.id.in_(_villages(session, roster.id))
    )
    names: dict[int, str] = dict(session.execute(wanted).tuples().all())
    # Plain rows, not ORM objects: a county's roster may have 100,000 lines.
    rows = session.execute(
        select(
            PayrollLine.township_id,
            PayrollLine.village_id,
            PayrollLine.payee_name,
            PayrollLine.id_number,
            PayrollLine.category,
            PayrollLine.kind,
            PayrollLine.for_month,
            PayrollLine.persons,
            PayrollLine.amount,
            PayrollLine.case_number,
        )
        .where(PayrollLine.roster_id == roster.id)
        .order_by(PayrollLine.id)
    )
    lines = [
        FileLine(
            names.get(town or 0, ""),
            names.get(village, ""),
            payee,
            id_number or "",
            category,
            kind,
            rules.month_text(for_month),
            persons,
            Decimal(amount),
            case_number,
        )
        for town, village, payee, id_number, category, kind, for_month, persons, amount, case_number in rows
    ]
    return FileRoster(
        county.name, county.code, rules.month_text(roster.month), rules.STATUS_LABELS[roster.status], lines
    )


def _villages(session: Session, roster_id: int) -> list[int]:
    return list(session.scalars(select(PayrollLine.village_id).where(PayrollLine.roster_id == roster_id).distinct()))
