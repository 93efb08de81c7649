"""年度调标 (issue 18 part 2, docs/annual-adjustment.md): the national standard rises from 800 to 850 from
January 2027; a run recalculates 1,000 enrolments of 示范县 plus one enrolled through the real process, flags
the households that cross the line instead of changing them, and the county approves it as a whole.

The amounts are worked out by hand in tests/scenarios/enrolments.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import Conflict, PermissionDenied
from engine.persistence import AuditEvent, Case, Enrollment, OrgUnit, PayrollRoster
from engine.queries import case_page, enrolments
from engine.queries import recalculation as runs
from engine.queries.dossier import dossier
from engine.records.amounts import amounts_for_month
from engine.services import recalculation
from engine.services.designer import deploy
from tests.scenarios.enrolments import seed_enrolments
from tests.scenarios.flow import Application, Users
from tests.scenarios.households import household, member

STANDARD = '[dibao_standard_{kind}]\n2021-07-01 = "800.00"\n'


def raise_standard(ctx: Context, processes_dir: Path) -> None:
    """A new version of the national processes whose standard is 850.00 from 1 January 2027."""
    path = processes_dir / "default" / "parameters.toml"
    text = path.read_text(encoding="utf-8")
    for kind in ("urban", "rural"):
        text = text.replace(STANDARD.format(kind=kind), STANDARD.format(kind=kind) + '2027-01-01 = "850.00"\n')
    path.write_text(text, encoding="utf-8")
    assert any(v.process_id == "dibao_application" and v.new for v in deploy(ctx))


def _enrolment(ctx: Context, number: str) -> Enrollment:
    with ctx.db.read() as session:
        found = session.scalars(
            select(Enrollment).join(Case, Case.id == Enrollment.case_id).where(Case.number == number)
        ).one()
        return found


def _amount(ctx: Context, enrollment_id: int, month: date) -> Decimal | None:
    with ctx.db.read() as session:
        found = amounts_for_month(session, month, [enrollment_id]).get(enrollment_id)
        return found.monthly_amount if found else None


def _enrol_through_the_process(ctx: Context) -> str:
    users = Users()
    first = household(member("张三", "self", ("wage", "1500.00")), member("李芳", "spouse"), member("张小", "child"))
    with freeze_time("2026-11-23 01:00:00"):
        app = Application(ctx, first, users).start().accept().investigate().first_review()
    with freeze_time("2026-11-30 02:00:00"):
        app.end_notice()
        app.confirm()  # (800 − 1500 / 3) × 3 = 900 from December
    return app.number


def _lock(ctx: Context, month: date, status: str = "locked") -> None:
    with ctx.db.write() as session:
        county = session.scalars(select(OrgUnit).where(OrgUnit.code == "demo-county")).one()
        roster = session.scalars(select(PayrollRoster).where(PayrollRoster.county_id == county.id)).first()
        if roster is None:
            session.add(PayrollRoster(county_id=county.id, month=month, status=status))
        else:
            roster.status = status


def _check_the_list(ctx: Context, run_number: str) -> None:
    """The run page's filters and pages, as the approver and the clerk see them."""
    page = runs.run_page(ctx, "approver1", run_number, "flagged")
    assert page.matching == 100
    assert page.pages == 1
    assert page.may_approve
    crossing = page.items[0]
    assert (crossing.old_amount, crossing.new_amount, crossing.change_label) == (
        "800.00",
        "50.00",
        "需复核（不自动调整）",
    )
    assert crossing.reason == "保障方式将由单人户保障变为全户保障，需复核"
    everything = runs.run_page(ctx, "approver1", run_number, "all", page=11)
    assert (everything.matching, everything.pages, len(everything.items)) == (1001, 11, 1)
    skipped = runs.run_page(ctx, "county1", run_number, "skipped")
    assert skipped.items[0].reason == "渐退期内，按渐退安排发放，不参与调标"
    assert not skipped.may_approve


def _check_refusals(ctx: Context, run_number: str) -> None:
    """Only the county's approver approves, and never into a locked month."""
    # Only the county's approver approves: not its clerk, not a township, not another county.
    for who, message in (("county1", "无权审批年度调标"), ("head1", "无权审批年度调标"), ("approver_yantai", "其他县")):
        with pytest.raises(PermissionDenied, match=message):
            recalculation.approve(ctx, run_number, who)
    with pytest.raises(PermissionDenied):
        runs.run_page(ctx, "approver_yantai", run_number)

    # January's roster is locked: refused, nothing applied; once it is open again the approval goes through.
    _lock(ctx, date(2027, 1, 1))
    with pytest.raises(Conflict, match="2027 年 1 月的发放名册已审批锁定"):
        recalculation.approve(ctx, run_number, "approver1")
    with pytest.raises(Conflict, match="已审批锁定"):
        recalculation.prepare(ctx, "county1", "2027-01")
    _lock(ctx, date(2027, 1, 1), status="draft")


def _check_applied(ctx: Context, number: str) -> None:
    """After approval: the amounts month by month, the flagged and the skipped households."""
    real = _enrolment(ctx, number)
    assert real.monthly_amount == Decimal("1050.00")
    assert _amount(ctx, real.id, date(2026, 12, 1)) == Decimal("900.00")
    assert _amount(ctx, real.id, date(2027, 1, 1)) == Decimal("1050.00")
    family = _enrolment(ctx, "SEED-000001")
    assert (_amount(ctx, family.id, date(2026, 12, 1)), _amount(ctx, family.id, date(2027, 1, 1))) == (
        Decimal("900.00"),
        Decimal("1050.00"),
    )
    flagged = _enrolment(ctx, "SEED-000009")  # index 8: crossing
    assert flagged.monthly_amount == Decimal("800.00")
    assert flagged.next_review_on == date(2026, 12, 15)
    assert _amount(ctx, flagged.id, date(2027, 1, 1)) == Decimal("800.00")
    exiting = _enrolment(ctx, "SEED-000020")  # index 19: the second LAST slot, 渐退
    assert (exiting.status, exiting.monthly_amount) == ("gradual_exit", Decimal("400.00"))
    # The flagged households are due for re-check from the approval day.
    assert enrolments.due_reviews(ctx, "county1", date(2026, 12, 15)).count == 100


def _check_visible(ctx: Context, number: str) -> None:
    """The case page and the dossier say what the run did; so does a flagged household's history."""
    timeline = [e.text for e in case_page.case_page(ctx, number, "approver1").timeline]
    assert "年度调标 TB-2027-0001（增发）：每月保障金额 900.00 → 1050.00 元，自 2027 年 1 月起执行" in timeline
    (event,) = [e for e in dossier(ctx, "auditor1", number).events if e.action == "enrollment_recalculated"]
    assert event.description.startswith("年度调标 TB-2027-0001（增发）")
    assert [(c.label, c.before_text, c.after_text) for c in event.changes] == [
        ("每月保障金额（元）", "900.00", "1050.00")
    ]
    with ctx.db.read() as session:  # a seeded case has no process instance, hence no case page: its events
        events = session.scalars(
            select(AuditEvent)
            .join(Case, Case.id == AuditEvent.case_id)
            .where(Case.number == "SEED-000009", AuditEvent.action == "enrollment_recalculated")
        ).all()
        texts = [case_page.SENTENCES[e.action](e, e.details, "", {}) for e in events]
    assert texts == [
        "年度调标 TB-2027-0001：保障方式将由单人户保障变为全户保障，需复核（按新标准测算每月 50.00 元），"
        "保障金额暂不调整，复核日期定为 2026-12-15"
    ]


def test_a_standard_rise_recalculates_1000_enrolments_and_flags_those_that_cross_the_line(
    ctx: Context, processes_dir: Path
) -> None:
    counts = seed_enrolments(ctx, 1000)
    assert counts == {"family": 600, "alone": 100, "single": 100, "crossing": 100, "low": 50, "exiting": 50}
    number = _enrol_through_the_process(ctx)
    raise_standard(ctx, processes_dir)

    with freeze_time("2026-12-10 02:00:00"):
        run = recalculation.prepare(ctx, "county1", "2027-01", "demo-county")
    assert run.number == "TB-2027-0001"
    assert run.counts == {"raise": 851, "reduce": 0, "unchanged": 0, "flagged": 100, "skipped": 50}
    # Before: 600 × 900 + 3 × 100 × 800 + 50 × 20 + 900; after: 600 × 1,050 + 2 × 100 × 850 + 100 × 800 (the
    # flagged keep their amount) + 50 × 70 + 1,050.
    assert (run.budget_before, run.budget_after) == ("781900.00", "884550.00")

    _check_the_list(ctx, run.number)
    _check_refusals(ctx, run.number)
    with freeze_time("2026-12-15 02:00:00"):
        approved = recalculation.approve(ctx, run.number, "approver1")
    assert approved.status == "approved"
    with pytest.raises(Conflict, match="已审批，不能再次审批"):
        recalculation.approve(ctx, run.number, "approver1")
    _check_applied(ctx, number)
    _check_visible(ctx, number)


def test_an_enrolment_changed_after_prepare_stops_the_approval_until_prepared_again(
    ctx: Context, processes_dir: Path
) -> None:
    seed_enrolments(ctx, 20)
    raise_standard(ctx, processes_dir)
    run = recalculation.prepare(ctx, "approver1", "2027-01")
    with pytest.raises(Conflict, match="已有待审批的同月调标 TB-2027-0001"):
        recalculation.prepare(ctx, "county1", "2027-01")
    with ctx.db.write() as session:
        changed = session.scalars(
            select(Enrollment).join(Case, Case.id == Enrollment.case_id).where(Case.number == "SEED-000003")
        ).one()
        changed.monthly_amount = Decimal("950.00")
        changed.last_change = "2027-0000001:review"
    with pytest.raises(Conflict, match=r"1 户保障情况已变更（SEED-000003）"):
        recalculation.approve(ctx, run.number, "approver1")
    assert recalculation.cancel(ctx, run.number, "county1").status == "cancelled"
    again = recalculation.prepare(ctx, "county1", "2027-01")
    assert again.number == "TB-2027-0002"
    assert recalculation.approve(ctx, again.number, "approver1").status == "approved"
    assert _enrolment(ctx, "SEED-000003").monthly_amount == Decimal("1050.00")


def test_a_township_user_may_not_prepare_and_the_month_is_checked(ctx: Context) -> None:
    with pytest.raises(PermissionDenied, match="无权发起年度调标"):
        recalculation.prepare(ctx, "clerk1", "2027-01")
    with pytest.raises(PermissionDenied, match="只能为示范县发起"):
        recalculation.prepare(ctx, "county1", "2027-01", "yantai-county")
    with pytest.raises(Exception, match="生效月份有误"):
        recalculation.prepare(ctx, "county1", "2027-13")


@pytest.mark.postgres
def test_prepare_and_approve_on_postgresql(ctx: Context, processes_dir: Path) -> None:
    seed_enrolments(ctx, 20)
    raise_standard(ctx, processes_dir)
    run = recalculation.prepare(ctx, "county1", "2027-01")
    assert run.counts == {"raise": 17, "reduce": 0, "unchanged": 0, "flagged": 2, "skipped": 1}
    assert recalculation.approve(ctx, run.number, "approver1").status == "approved"
    family = _enrolment(ctx, "SEED-000001")
    assert _amount(ctx, family.id, date(2027, 1, 1)) == Decimal("1050.00")
    with pytest.raises(Conflict):
        recalculation.approve(ctx, run.number, "approver1")
