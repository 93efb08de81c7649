"""The month-by-month amount of an enrollment (engine.persistence.amounts, docs/payments.md): an approval
pays from the month after it, a re-check that changes the amount from the month after its decision, and
the months before keep the amount that was payable then."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import Case, Enrollment, EnrollmentAmount
from engine.records.amounts import amounts_for_month
from tests.scenarios.flow import Application, Recheck, Users
from tests.scenarios.households import household, member

APPLIED = "2026-11-23 01:00:00"
NOTICE_OVER = "2026-11-30 02:00:00"


def _enrolment_id(ctx: Context, number: str) -> int:
    with ctx.db.read() as session:
        found = session.scalar(
            select(Enrollment.id).join(Case, Case.id == Enrollment.case_id).where(Case.number == number)
        )
        assert found is not None
        return found


def test_approval_then_a_raise_give_each_month_its_own_amount(ctx: Context) -> None:
    users = Users()
    first = household(member("张三", "self", ("wage", "1500.00")), member("李芳", "spouse"), member("张小", "child"))
    with freeze_time(APPLIED):
        app = Application(ctx, first, users).start().accept().investigate().first_review()
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.confirm()  # decided 30 November 2026: (800 − 1500 / 3) × 3 = 900 from December
    enrolment = _enrolment_id(ctx, app.number)
    review = Recheck(ctx, app.number, users)
    lower = household(member("张三", "self", ("wage", "900.00")), member("李芳", "spouse"), member("张小", "child"))
    with freeze_time("2027-06-01 02:00:00"):
        review.start(lower, "900.00")
        review.investigate(lower, "other", "2027-06-01")
        review.complete("township_opinion", "head1", {"decision": "approve", "opinion": "收入下降，拟增发"})
        review.complete("county_decision", "approver1", {"decision": "approve", "opinion": "同意增发"})
    # Raised on 1 June 2027 to (800 − 900 / 3) × 3 = 1,500, paid from July.
    with ctx.db.read() as session:
        rows = session.scalars(
            select(EnrollmentAmount).where(EnrollmentAmount.enrollment_id == enrolment).order_by(EnrollmentAmount.id)
        ).all()
        assert [(r.effective_from, r.monthly_amount, r.source, r.reference) for r in rows] == [
            (date(2026, 12, 1), Decimal("900.00"), "approval", app.number),
            (date(2027, 7, 1), Decimal("1500.00"), "review", review.number),
        ]

        def month(day: date) -> Decimal | None:
            found = amounts_for_month(session, day, [enrolment]).get(enrolment)
            return found.monthly_amount if found else None

        assert month(date(2026, 11, 1)) is None  # before the first month: nothing payable
        assert month(date(2026, 12, 1)) == Decimal("900.00")
        assert month(date(2027, 6, 15)) == Decimal("900.00")
        assert month(date(2027, 7, 1)) == Decimal("1500.00")
        assert set(amounts_for_month(session, date(2027, 7, 1))) >= {enrolment}
