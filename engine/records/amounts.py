"""Writing and reading the month-by-month amount of enrollments (engine.persistence.amounts).

Every writer of an amount goes through `record_amount`, so the history the 发放名册 reads is complete;
`amounts_for_month` is the one reading of "what is payable in month M".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.benefit import first_of_next_month
from engine.domain.months import month_start
from engine.persistence import Enrollment, EnrollmentAmount

SOURCES = {"approval": "审批确认", "review": "复核调整", "recalculation": "年度调标"}


@dataclass(frozen=True)
class MonthAmount:
    """What an enrollment pays in a month, and the change it comes from."""

    monthly_amount: Decimal
    persons: int
    source: str
    reference: str | None
    effective_from: date


def record_amount(
    session: Session,
    enrollment: Enrollment,
    effective_from: date,
    amount: Decimal,
    source: str,
    reference: str | None,
) -> EnrollmentAmount:
    """Add a change of amount from the month of `effective_from` (rounded down to its first day)."""
    if source not in SOURCES:
        raise ValueError(f"unknown amount source {source!r}")
    row = EnrollmentAmount(
        enrollment_id=enrollment.id,
        effective_from=month_start(effective_from),
        monthly_amount=amount,
        persons=enrollment.persons,
        source=source,
        reference=reference,
    )
    session.add(row)
    return row


def change_takes_effect(decided_on: date) -> date:
    """A re-check's new amount is paid from the month after its decision, as an approval's is."""
    return first_of_next_month(decided_on)


def amounts_for_month(
    session: Session, month: date, enrollment_ids: Iterable[int] | None = None
) -> dict[int, MonthAmount]:
    """The amount in force in `month` for each enrollment that has one (of `enrollment_ids`, or all): the
    latest row dated on or before the month's first day; of two rows with the same date the later recorded.

    One ordered scan of the lookup index, kept in Python: a roster reads every enrollment of a county, and
    a greatest-per-group subquery costs more than reading the few rows each enrollment has."""
    first = month_start(month)
    query = (
        select(
            EnrollmentAmount.enrollment_id,
            EnrollmentAmount.monthly_amount,
            EnrollmentAmount.persons,
            EnrollmentAmount.source,
            EnrollmentAmount.reference,
            EnrollmentAmount.effective_from,
        )
        .where(EnrollmentAmount.effective_from <= first)
        .order_by(EnrollmentAmount.enrollment_id, EnrollmentAmount.effective_from, EnrollmentAmount.id)
    )
    result: dict[int, MonthAmount] = {}
    chunks = [None] if enrollment_ids is None else list(_chunks(list(enrollment_ids), _CHUNK))
    for chunk in chunks:
        chunked = query if chunk is None else query.where(EnrollmentAmount.enrollment_id.in_(chunk))
        for enrollment_id, amount, persons, source, reference, effective_from in session.execute(chunked):
            result[enrollment_id] = MonthAmount(amount, persons, source, reference, effective_from)
    return result


_CHUNK = 5000  # ids per IN list: far below SQLite's and PostgreSQL's parameter limits


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
