"""The reconciliation of a 发放名册 with the enrollment records (docs/payments.md#generate-check-approve):
the roster's lines against what the records give now, per township and category and line by line. A
locked month's differences say where a later roster already settled them (a 补发 or an adjustment for
the same enrollment and month).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.domain import payroll as rules
from engine.lookups import get_user
from engine.persistence import PayrollLine, PayrollRoster
from engine.queries.payroll import RosterHeader, county_for, find_roster, header_of, unit_names
from engine.records.payroll_lines import compute_lines, line_key

MISMATCH_LIMIT = 200


@dataclass(frozen=True)
class MismatchRow:
    case_number: str
    payee_name: str
    kind: str
    for_month: str
    recorded: str | None
    expected: str | None
    settled_in: str | None  # the later roster's month (label) whose 补发 or adjustment covers it


@dataclass(frozen=True)
class ReconcileRow:
    township: str
    category: str
    recorded: str
    expected: str
    matches: bool


@dataclass(frozen=True)
class Reconciliation:
    header: RosterHeader
    rows: list[ReconcileRow]
    recorded_total: str
    expected_total: str
    mismatch_count: int
    mismatches: list[MismatchRow]

    @property
    def ok(self) -> bool:
        return self.mismatch_count == 0


def reconciliation(ctx: Context, username: str, county_code: str, month_text: str) -> Reconciliation:
    """The roster's lines against what the records give now (amounts in force, 补发, adjustments): per
    township and category, and every line that differs. A locked roster that no longer matches tells the
    clerk which adjustments the next month needs."""
    month = rules.parse_month(month_text)
    with ctx.db.read() as session:
        user = get_user(session, username)
        county = county_for(session, user, county_code, "read")
        roster = find_roster(session, county, month)
        stored = session.execute(
            select(
                PayrollLine.enrollment_id,
                PayrollLine.kind,
                PayrollLine.for_month,
                PayrollLine.adjustment_id,
                PayrollLine.amount,
                PayrollLine.township_id,
                PayrollLine.category,
                PayrollLine.case_number,
                PayrollLine.payee_name,
            ).where(PayrollLine.roster_id == roster.id)
        ).all()
        recorded = {(s.enrollment_id, s.kind, s.for_month, s.adjustment_id): Decimal(s.amount) for s in stored}
        expected_lines = compute_lines(session, county.id, month)
        expected = {line_key(line): line["amount"] for line in expected_lines}
        groups: dict[tuple[int | None, str], list[Decimal]] = {}
        for s in stored:
            groups.setdefault((s.township_id, s.category), [Decimal(0), Decimal(0)])[0] += Decimal(s.amount)
        for line in expected_lines:
            groups.setdefault((line["township_id"], line["category"]), [Decimal(0), Decimal(0)])[1] += line["amount"]
        names = unit_names(session, {k[0] for k in groups})
        rows = [
            ReconcileRow(names.get(t, ""), rules.CATEGORIES.get(c, c), rules.money(r), rules.money(e), r == e)
            for (t, c), (r, e) in sorted(groups.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1]))
        ]
        mismatches = rules.reconcile(recorded, expected)
        people = {s.enrollment_id: (s.case_number, s.payee_name) for s in stored} | {
            line["enrollment_id"]: (line["case_number"], line["payee_name"]) for line in expected_lines
        }
        settled = _settled_later(session, roster, [m.key[0] for m in mismatches[:MISMATCH_LIMIT]])
        shown = [
            MismatchRow(
                people.get(m.key[0], ("", ""))[0],
                people.get(m.key[0], ("", ""))[1],
                rules.LINE_KINDS.get(m.key[1], m.key[1]),
                rules.month_text(m.key[2]),
                rules.money(m.recorded) if m.recorded is not None else None,
                rules.money(m.expected) if m.expected is not None else None,
                settled.get((m.key[0], m.key[2])),
            )
            for m in mismatches[:MISMATCH_LIMIT]
        ]
        return Reconciliation(
            header_of(session, county, roster),
            rows,
            rules.money(sum(recorded.values(), Decimal(0))),
            rules.money(sum(expected.values(), Decimal(0))),
            len(mismatches),
            shown,
        )


def _settled_later(session: Session, roster: PayrollRoster, enrollment_ids: list[int]) -> dict[tuple[int, date], str]:
    """(enrollment, month) → the month label of another roster of the county whose 补发 or adjustment pays
    for this roster's month: a locked month's difference that is already taken care of."""
    if not enrollment_ids:
        return {}
    rows = session.execute(
        select(PayrollLine.enrollment_id, PayrollLine.for_month, PayrollRoster.month)
        .join(PayrollRoster, PayrollRoster.id == PayrollLine.roster_id)
        .where(
            PayrollRoster.county_id == roster.county_id,
            PayrollRoster.id != roster.id,
            PayrollLine.for_month == roster.month,
            PayrollLine.kind.in_(("topup", "adjustment")),
            PayrollLine.enrollment_id.in_(sorted(set(enrollment_ids))),
        )
        .order_by(PayrollRoster.month)
    )
    found: dict[tuple[int, date], str] = {}
    for enrollment_id, for_month, month in rows:
        found.setdefault((enrollment_id, for_month), rules.month_label(month))
    return found
