"""The lines a county's 发放名册 of a month has, computed from the records (docs/payments.md): the month's
regular amounts (engine.records.amounts), 补发 of months a locked roster closed before the approval, and the
adjustments paid in the month. Generating a draft stores them; the approval and the reconciliation compute
them again and compare.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain import payroll as rules
from engine.persistence import Case, Enrollment, PayrollAdjustment, PayrollLine, PayrollRoster
from engine.persistence.payroll import ROSTER_LOCKED
from engine.records.amounts import amounts_for_month

LineKey = tuple[int, str, date, int | None]  # enrollment, kind, month paid for, adjustment


@dataclass(frozen=True)
class Payee:
    """An enrollment of the county as a roster line needs it."""

    enrollment_id: int
    case_number: str
    township_id: int | None
    village_id: int
    category: str
    payee_name: str
    id_number: str | None
    starts_on: date
    ends_on: date | None
    status: str


def county_payees(session: Session, county_id: int) -> dict[int, Payee]:
    """Every enrollment of the county's cases, paid or not: a stopped one may still be owed a 补发 or an
    adjustment."""
    rows = session.execute(
        select(
            Enrollment.id,
            Case.number,
            Case.township_id,
            Enrollment.village_id,
            Enrollment.household,
            Enrollment.covered_members,
            Enrollment.applicant_name,
            Enrollment.starts_on,
            Enrollment.ends_on,
            Enrollment.status,
        )
        .join(Case, Case.id == Enrollment.case_id)
        .where(Case.county_id == county_id)
        .order_by(Enrollment.id)
    )
    found: dict[int, Payee] = {}
    for eid, number, township, village, household, covered, name, starts, ends, status in rows:
        found[eid] = Payee(
            eid,
            number,
            township,
            village,
            rules.category_of(household, covered),
            name,
            rules.applicant_id_number(household),
            starts,
            ends,
            status,
        )
    return found


def compute_lines(session: Session, county_id: int, month: date) -> list[dict[str, Any]]:
    """The lines of the county's roster for `month` as column values (no roster id), in a stable order:
    regular lines by enrollment, then 补发, then adjustments."""
    payees = county_payees(session, county_id)
    paying = [p for p in payees.values() if rules.pays_in(p.starts_on, p.ends_on, p.status, month)]
    amounts = amounts_for_month(session, month, [p.enrollment_id for p in paying])
    lines: list[dict[str, Any]] = []
    for payee in paying:
        found = amounts.get(payee.enrollment_id)
        if found is not None and found.monthly_amount > 0:
            lines.append(
                _line(payee, "regular", month, found.monthly_amount, found.persons, found.source, found.reference)
            )
    lines.extend(_topups(session, county_id, month, payees))
    for adjustment in session.scalars(
        select(PayrollAdjustment)
        .where(PayrollAdjustment.county_id == county_id, PayrollAdjustment.paid_in == month)
        .order_by(PayrollAdjustment.id)
    ):
        line = _line(
            payees[adjustment.enrollment_id], "adjustment", adjustment.corrects_month, adjustment.amount, 0, None, None
        )
        line["adjustment_id"] = adjustment.id
        lines.append(line)
    return lines


def _line(
    payee: Payee, kind: str, for_month: date, amount: Decimal, persons: int, source: str | None, reference: str | None
) -> dict[str, Any]:
    return {
        "enrollment_id": payee.enrollment_id,
        "kind": kind,
        "for_month": for_month,
        "amount": Decimal(amount).quantize(Decimal("0.01")),
        "persons": persons,
        "township_id": payee.township_id,
        "village_id": payee.village_id,
        "category": payee.category,
        "case_number": payee.case_number,
        "payee_name": payee.payee_name,
        "id_number": payee.id_number,
        "source": source,
        "reference": reference,
        "adjustment_id": None,
    }


def _topups(session: Session, county_id: int, month: date, payees: dict[int, Payee]) -> list[dict[str, Any]]:
    """补发: for each enrollment, the months of the look-back window that a locked roster closed without it."""
    window = rules.add_months(month, -rules.TOPUP_LOOKBACK_MONTHS)
    locked = list(
        session.scalars(
            select(PayrollRoster.month).where(
                PayrollRoster.county_id == county_id,
                PayrollRoster.status == ROSTER_LOCKED,
                PayrollRoster.month >= window,
                PayrollRoster.month < month,
            )
        )
    )
    if not locked:
        return []
    settled: dict[int, set[date]] = defaultdict(set)
    for eid, for_month in session.execute(
        select(PayrollLine.enrollment_id, PayrollLine.for_month)
        .join(PayrollRoster, PayrollRoster.id == PayrollLine.roster_id)
        .where(
            PayrollRoster.county_id == county_id,
            PayrollRoster.status == ROSTER_LOCKED,
            PayrollRoster.month < month,
            PayrollLine.for_month >= window,
        )
    ):
        settled[eid].add(for_month)
    for eid, corrected in session.execute(
        select(PayrollAdjustment.enrollment_id, PayrollAdjustment.corrects_month).where(
            PayrollAdjustment.county_id == county_id, PayrollAdjustment.paid_in <= month
        )
    ):
        settled[eid].add(corrected)
    missing: dict[date, list[Payee]] = defaultdict(list)
    for payee in payees.values():
        if rules.month_start(payee.starts_on) >= month:
            continue
        for missed in rules.topup_months(
            payee.starts_on, payee.ends_on, payee.status, month, locked, settled.get(payee.enrollment_id, set())
        ):
            missing[missed].append(payee)
    lines: list[dict[str, Any]] = []
    for missed in sorted(missing):
        amounts = amounts_for_month(session, missed, [p.enrollment_id for p in missing[missed]])
        for payee in missing[missed]:
            found = amounts.get(payee.enrollment_id)
            if found is not None and found.monthly_amount > 0:
                lines.append(
                    _line(payee, "topup", missed, found.monthly_amount, found.persons, found.source, found.reference)
                )
    return lines


def line_key(line: dict[str, Any]) -> LineKey:
    return (line["enrollment_id"], line["kind"], line["for_month"], line["adjustment_id"])


_FINGERPRINTED = (
    "enrollment_id",
    "kind",
    "for_month",
    "amount",
    "persons",
    "township_id",
    "village_id",
    "category",
    "case_number",
    "payee_name",
    "id_number",
    "adjustment_id",
)


def fingerprint(lines: Iterable[dict[str, Any]]) -> str:
    """sha256 of the lines' paying columns in key order: equal exactly when a regeneration would store the
    same roster."""
    digest = hashlib.sha256()
    for line in sorted(
        lines, key=lambda ln: (ln["enrollment_id"], ln["kind"], ln["for_month"], ln["adjustment_id"] or 0)
    ):
        digest.update("|".join(str(line[c]) for c in _FINGERPRINTED).encode())
        digest.update(b"\n")
    return digest.hexdigest()
