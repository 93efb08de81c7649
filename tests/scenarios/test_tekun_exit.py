"""特困人员复核 and 终止 end to end (docs/tekun-exit.md) through the real tekun_review / tekun_termination BPMN of the
default region, on scenario 10's enrollment (tests/scenarios/tekun_exit_flow.py: 1,040 basic + 600 care).

Dates: Monday 7 December 2026; ten working days on is Monday 21 December (no holiday between), three working
days after Monday 21 December is Thursday 24 December; a task is due at 23:59:59 Beijing time (15:59:59 UTC).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import Conflict
from engine.persistence import AuditEvent, Case, Enrollment, Notice
from engine.persistence.intake import IntakeRequest
from engine.queries import case_page, task_page
from engine.queries import notices as notice_board
from engine.services import notices, reviews, timers
from tests.scenarios.enrolments import seed_enrolments
from tests.scenarios.tekun_exit_flow import BASIC, ID_NUMBER, NAME, TekunCase, insert_tekun, record

MONDAY = "2026-12-07 02:00:00"  # 10:00 in Beijing


def _row(ctx: Context, number: str) -> Enrollment:
    with ctx.db.read() as session:
        row = session.scalars(
            select(Enrollment).join(Case, Case.id == Enrollment.case_id).where(Case.number == number)
        ).one()
        session.expunge(row)
        return row


def _approve_review(review: TekunCase) -> None:
    review.complete("township_opinion", review.users.head, {"decision": "approve", "opinion": "按复核评估结果办理"})
    review.complete("county_decision", review.users.approver, {"decision": "approve", "opinion": "确认"})


@freeze_time(MONDAY)
def test_a_reported_change_is_reassessed_within_10_working_days_and_six_failed_stays_full_care(ctx: Context) -> None:
    related = insert_tekun(ctx)
    review = TekunCase(ctx, related).review()
    assert review.open_task_names() == ["recheck_investigation"]
    assert review.task("recheck_investigation").due_at == datetime(2026, 12, 21, 15, 59, 59)
    review.investigate(record(failed=6))
    _approve_review(review)
    # Six failed is still 全护理: 1,040 + 1,800 ÷ 3 = 1,640, the amount paid now.
    assert (review.view().outcome, review.view().decided_amount) == ("no_change", "1640.00")
    row = _row(ctx, related)
    assert (row.status, row.monthly_amount, row.next_review_on) == ("active", Decimal("1640.00"), date(2027, 12, 7))
    assert row.support is not None
    assert row.support["care_tier"] == "full"
    assert row.household is not None
    assert row.household["person"]["adl"] == [True] * 6


@freeze_time(MONDAY)
def test_two_failed_indicators_mean_partial_care_and_a_reduced_amount(ctx: Context) -> None:
    related = insert_tekun(ctx)
    review = TekunCase(ctx, related).review()
    # The form opens with the record and the support as the enrollment holds them (tekun_enrollment).
    prefill = task_page.show_task(ctx, review.task("recheck_investigation").id).data
    assert prefill["household"] == record()
    assert prefill["support"]["carer_name"] == "陈小梅"
    review.investigate(record(failed=2))
    assert review.open_task_names() == ["township_opinion"]
    page = task_page.task_page(ctx, review.task("township_opinion").id, "head1")
    (panel,) = [p for p in page.context if p.name == "tekun"]
    shown = {i.label: i.value for i in panel.items}
    assert (shown["生活自理能力（护理档次）"], shown["照料护理标准"]) == ("半护理", "300.00 元/月")
    _approve_review(review)
    # 半护理: 1,040 + 1,800 ÷ 6 = 1,340.
    assert (review.view().outcome, review.view().decided_amount) == ("reduce", "1340.00")
    row = _row(ctx, related)
    assert (row.status, row.monthly_amount) == ("active", Decimal("1340.00"))
    assert row.support is not None
    assert (row.support["care_tier"], row.support["basic"], row.support["care"]) == ("partial", BASIC, "300.00")
    assert row.support["carer_name"] == "陈小梅"


@freeze_time(MONDAY)
def test_a_review_that_finds_an_able_supporter_goes_through_the_termination_steps(ctx: Context) -> None:
    related = insert_tekun(ctx)
    review = TekunCase(ctx, related).review().investigate(record(supporter="able"))
    assert review.open_task_names() == ["township_check"]
    _check_and_propose(review)
    # The re-check case itself publishes the 终止公示, with the basic standard only.
    (notice,) = review.view().notices
    assert (notice.kind, notice.persons, notice.proposed_amount) == ("termination", 1, BASIC)


def _check_and_propose(case: TekunCase) -> None:
    case.complete(
        "township_check", case.users.clerk, {"checked_on": "2026-12-07", "findings": "儿子已就业，有赡养能力"}
    )
    case.complete("township_opinion", case.users.head, {"decision": "propose_stop", "opinion": "拟终止救助供养"})


def test_termination_notice_objection_renotice_stop_and_transfer_to_dibao(ctx: Context) -> None:
    related = insert_tekun(ctx)
    with freeze_time(MONDAY):
        case = TekunCase(ctx, related).terminate("ineligible", reason_condition="no_supporter", note="儿子已就业")
        _check_and_propose(case)
        (first,) = case.view().notices
        # The public board: a 终止公示, one person, the basic standard only (not 1,640: the care tier is health).
        assert (first.kind, first.masked_name, first.persons, first.proposed_amount) == (
            "termination",
            "陈*汉",
            1,
            BASIC,
        )
        assert [n.kind for n in notice_board.open_notices(ctx, "demo-village-1-1")] == ["termination"]
    with freeze_time("2026-12-08 02:00:00"):
        notices.object_to_notice(ctx, first.id, "陈老汉的儿子常年在外打工，收入很低，无力赡养")
    with freeze_time("2026-12-14 03:00:00"):
        timers.tick(ctx)
        assert case.open_task_names() == ["objection_recheck"]
        case.complete("objection_recheck", case.users.clerk, {"findings": "核实儿子务工收入，仍有赡养能力"})
        kinds = [(n.kind, n.status) for n in case.view().notices]
        assert sorted(kinds) == [("termination", "closed"), ("termination", "open")]  # 特困 re-公示
    with freeze_time("2026-12-21 04:00:00"):
        timers.tick(ctx)
        assert case.open_task_names() == ["county_decision"]
        decision = {"decision": "stop", "transfer_to": "dibao_application", "opinion": "终止特困供养，转入低保"}
        case.complete("county_decision", case.users.approver, decision)
        assert case.view().outcome == "stop"
        row = _row(ctx, related)
        assert (row.status, row.ends_on, row.next_review_on) == ("stopped", date(2026, 12, 31), None)
        assert case.task("stop_notice").due_at == datetime(2026, 12, 24, 15, 59, 59)
        notice = {
            "notice_text": "经核查……",
            "delivered_on": "2026-12-21",
            "delivery_method": "in_person",
            "remedies_told": True,
        }
        case.complete("stop_notice", case.users.clerk, notice)
    assert case.view().status == "closed"
    with ctx.db.read() as session:
        (request,) = session.scalars(select(IntakeRequest)).all()
        termination = session.scalars(select(Case).where(Case.number == case.number)).one()
        assert (request.person_name, request.id_number, request.need_kind, request.channel, request.status) == (
            NAME,
            ID_NUMBER,
            "dibao",
            "grid",
            "registered",
        )
        assert (request.township_id, request.village_id) == (termination.township_id, termination.village_id)
        assert case.number in request.need
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "tekun_transfer_registered", AuditEvent.case_id == termination.id
            )
        ).one()
        assert event.details["intake"] == request.number
    # The termination's case page names the request on its timeline.
    page = case_page.case_page(ctx, case.number, "clerk1")
    assert f"终止特困救助供养后转入最低生活保障：已为乡镇登记一门受理事项 {request.number}" in [
        e.text for e in page.timeline
    ]


@freeze_time(MONDAY)
def test_a_death_reported_by_the_village_is_not_published(ctx: Context) -> None:
    related = insert_tekun(ctx)
    case = TekunCase(ctx, related).terminate("death", by="village1", note="村委会报告")
    _check_and_propose(case)
    assert case.open_task_names() == ["county_decision"]
    assert case.view().notices == []
    case.complete(
        "county_decision", case.users.approver, {"decision": "stop", "transfer_to": "none", "opinion": "死亡终止"}
    )
    assert _row(ctx, related).status == "stopped"
    with ctx.db.read() as session:
        assert session.scalars(select(Notice)).all() == []


def test_the_county_may_continue_the_support_after_the_notice(ctx: Context) -> None:
    related = insert_tekun(ctx)
    with freeze_time(MONDAY):
        case = TekunCase(ctx, related).terminate("other", note="群众反映")
        _check_and_propose(case)
    with freeze_time("2026-12-14 03:00:00"):
        timers.tick(ctx)
        decision = {"decision": "continue", "transfer_to": "temporary_assistance", "opinion": "核实后仍符合条件"}
        case.complete("county_decision", case.users.approver, decision)
    assert (case.view().status, case.view().outcome) == ("closed", "no_change")
    row = _row(ctx, related)
    assert (row.status, row.monthly_amount, row.next_review_on) == ("active", Decimal("1640.00"), date(2027, 12, 14))
    with ctx.db.read() as session:
        assert session.scalars(select(IntakeRequest)).all() == []  # continued: nobody to transfer


def test_the_yearly_batch_starts_each_programme_s_own_re_check(ctx: Context) -> None:
    insert_tekun(ctx, next_review_on=date(2027, 6, 1))
    seed_enrolments(ctx, 1)  # one 低保 family in demo-village-1-1, due 1 June 2027
    with freeze_time("2027-06-01 02:00:00"):
        batch = reviews.start_due_reviews(ctx, "clerk1", on=date(2027, 6, 1))
    assert batch.due == 2
    with ctx.db.read() as session:
        started = {c.kind: c for c in session.scalars(select(Case).where(Case.number.in_(batch.started)))}
        assert sorted(started) == ["periodic_review", "tekun_review"]
        tekun = started["tekun_review"]
        assert (tekun.data["trigger"], tekun.data["current_amount"]) == ("scheduled", "1640.00")
        assert tekun.data["household"]["person"]["name"] == NAME
        assert tekun.applicant_name == NAME


@freeze_time(MONDAY)
def test_one_review_or_termination_at_a_time_per_person(ctx: Context) -> None:
    related = insert_tekun(ctx)
    review = TekunCase(ctx, related).review()
    with pytest.raises(Conflict) as clash:
        TekunCase(ctx, related).terminate("moved_out", note="迁往外县")
    assert review.number in clash.value.message
    with pytest.raises(Conflict):
        TekunCase(ctx, related).review()
