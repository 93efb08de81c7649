"""动态复核 and 渐退 end to end (docs/rules.md#gradual-exit, docs/rules.md#re-checks; scenarios 4, 5 and 6 of
docs/rules.md#scenarios) through the real
periodic_review / gradual_exit BPMN of each region, the clock travelled for the 渐退 period.

S = 800 in every region here; 蚌埠 deducts 50 % of the minimum wage (1,800) for 12 months per newly
employed member of an existing rural recipient household.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from freezegun import freeze_time

from engine import lookups
from engine.context import Context
from engine.errors import InvalidData
from engine.queries import case_view, task_page
from engine.records import audit
from engine.services import reviews, rewinding, timers
from tests.scenarios.flow import Application, Recheck, Users
from tests.scenarios.households import household, member

APPLIED = "2026-11-23 01:00:00"
NOTICE_OVER = "2026-11-30 02:00:00"


def _enrol(ctx: Context, data: dict[str, Any], users: Users) -> str:
    """A household enrolled through the real application procedure (decided 30 November 2026)."""
    with freeze_time(APPLIED):
        app = Application(ctx, data, users).start().accept().investigate().first_review()
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.confirm()
    return app.number


def _bengbu_household(wage: str | None, started: str | None) -> dict[str, Any]:
    worker = (
        member("周强", "self", ("wage", wage), employment="employed", started=started, birth="19850301")
        if wage
        else member("周强", "self", employment="unemployed", birth="19850301")
    )
    return household(
        worker,
        member("吴梅", "spouse", birth="19870505"),
        member("周小宝", "child", birth="20150606", employment="student"),
        registered_type="rural",
        existing_recipient=True,
    )


def test_scenario_4_bengbu_employment_cost_then_gradual_exit_then_stop(ctx: Context) -> None:
    users = Users.of_region("bengbu")
    enrolled = _enrol(ctx, _bengbu_household(None, None), users)
    review = Recheck(ctx, enrolled, users)
    assert review.enrollment().monthly_amount == "2400.00"  # (800 − 0) × 3

    # Months 1–12 of the job: I = 2,700 − 0.5 × 1,800 = 1,800 → p = 600 → B = 600 (a reduction).
    with freeze_time("2027-02-01 02:00:00"):
        started_with = _bengbu_household(None, None)
        review.start(started_with, "2400.00")
        # The re-check verifies the household it was started with: a copy of that baseline, never sent in
        # full as form data (docs/household-copy.md); the form itself opens empty.
        (recheck,) = [t for t in review.view().tasks if t.task_name == "recheck_investigation"]
        assert task_page.show_task(ctx, recheck.id).data == {}
        (baseline,) = task_page.task_page(ctx, recheck.id, users.clerk).baselines.values()
        assert len(baseline.members) == len(started_with["members"])
        review.investigate(_bengbu_household("2700.00", "2027-01-15"), "employment", "2027-02-01")
        assessment = review.view().assessment
        assert assessment is not None
        assert (assessment["per_capita_income"], assessment["benefit_amount"]) == ("600.00", "600.00")
        review.complete("township_opinion", users.head, {"decision": "approve", "opinion": "就业后收入增加，拟减发"})
        review.complete("county_decision", users.approver, {"decision": "approve", "opinion": "同意减发"})
    assert review.view().outcome == "reduce"
    assert (review.enrollment().status, review.enrollment().monthly_amount) == ("active", "600.00")

    # Month 13: the deduction has run out → p = 900 ≥ 800 → 渐退 (蚌埠: any rise, 6–12 months).
    second = Recheck(ctx, enrolled, users)
    with freeze_time("2028-02-15 02:00:00"):
        second.start(_bengbu_household("2700.00", "2027-01-15"), "600.00")
        second.investigate(_bengbu_household("2700.00", "2027-01-15"), "employment", "2028-02-15")
        assert second.open_task_names() == ["exit_proposal"]
        _refused(second, users, 5, "6–12 个月")
        second.complete("exit_proposal", users.head, {"months": 6, "opinion": "给予6个月渐退期"})
        second.complete("exit_decision", users.approver, {"decision": "approve", "opinion": "同意渐退6个月"})
    exiting = second.enrollment()
    # Months 13–18 are paid (March to August 2028); the benefit stops from month 19.
    assert (exiting.status, exiting.ends_on, exiting.monthly_amount) == ("gradual_exit", date(2028, 9, 1), "600.00")
    assert second.view().outcome == "gradual_exit"

    with freeze_time("2028-09-01 01:00:00"):  # 09:00 Beijing on 1 September: the period is over
        assert timers.tick(ctx) == 1
        second.complete(
            "final_check",
            users.clerk,
            {
                "visit_date": "2028-09-01",
                "findings": "仍在就业",
                "verified_household": _bengbu_household("2700.00", "2027-01-15"),
            },
        )
        second.complete(
            "stop_notice",
            users.clerk,
            {
                "notice_text": "渐退期满，家庭人均收入仍高于低保标准，自2028年9月起停发。",
                "delivered_on": "2028-09-01",
                "delivery_method": "in_person",
                "remedies_told": True,
            },
        )
    stopped = second.enrollment()
    assert (stopped.status, stopped.ends_on) == ("stopped", date(2028, 9, 1))
    assert second.view().outcome == "stop"
    assert audit.verify(ctx.db).ok


def test_scenario_4_a_twelve_month_exit_is_flagged_against_the_national_guidance(ctx: Context) -> None:
    users = Users.of_region("bengbu")
    enrolled = _enrol(ctx, _bengbu_household(None, None), users)
    review = Recheck(ctx, enrolled, users)
    with freeze_time("2028-02-15 02:00:00"):
        review.start(_bengbu_household(None, None), "2400.00")
        review.investigate(_bengbu_household("2700.00", "2026-01-15"), "employment", "2028-02-15")
        review.complete("exit_proposal", users.head, {"months": 12, "opinion": "给予12个月渐退期"})
        review.complete("exit_decision", users.approver, {"decision": "approve", "opinion": "同意"})
    exiting = review.enrollment()
    assert exiting.ends_on == date(2029, 3, 1)
    history = [
        e.details for e in audit.case_history(ctx.db, _case_id(ctx, review.number)) if e.action == "task_completed"
    ]
    assert history  # the decision is in the trail
    rules = _exit_data(ctx, review.number)
    assert rules["exit_period"]["exceeds_national_guidance"] is True
    assert any("超过全国" in line for line in rules["exit_rules"]["explanation"])


def _support_rise(poverty_registered: bool = False) -> dict[str, Any]:
    # Support from children rose: I = 1,900 for two people → p = 950 ≥ 800.
    return household(
        member("郑老汉", "self", ("support", "1900.00"), birth="19580101", employment="retired"),
        member("王老太", "spouse", birth="19600202", employment="retired"),
        poverty_alleviation_registered=poverty_registered,
    )


def _enrolled_couple(ctx: Context, users: Users, poverty_registered: bool = False) -> str:
    start = household(
        member("郑老汉", "self", ("support", "600.00"), birth="19580101", employment="retired"),
        member("王老太", "spouse", birth="19600202", employment="retired"),
        poverty_alleviation_registered=poverty_registered,
    )
    return _enrol(ctx, start, users)  # p = 300 → B = 1,000


def test_scenario_5_national_rule_no_gradual_exit_for_a_rise_in_support(ctx: Context) -> None:
    users = Users()
    review = Recheck(ctx, _enrolled_couple(ctx, users), users)
    with freeze_time("2027-06-01 02:00:00"):
        review.start(_support_rise(), "1000.00")
        review.investigate(_support_rise(), "improvement", "2027-06-01")
        # National: only employment leads to 渐退 → a plain stop decided by the county, with reasons.
        assert review.open_task_names() == ["stop_decision"]
        review.complete(
            "stop_decision", "approver1", {"decision": "approve", "opinion": "赡养费增加，人均收入高于标准，依法停发"}
        )
        review.complete(
            "stop_notice",
            "clerk1",
            {
                "notice_text": "人均收入950元，高于标准，停发。",
                "delivered_on": "2027-06-01",
                "delivery_method": "mail",
                "remedies_told": True,
            },
        )
    assert (review.enrollment().status, review.enrollment().ends_on) == ("stopped", date(2027, 7, 1))


def test_scenario_5_yantai_allows_gradual_exit_with_caution_for_the_elderly(ctx: Context) -> None:
    users = Users.of_region("yantai")
    review = Recheck(ctx, _enrolled_couple(ctx, users), users)
    with freeze_time("2027-06-01 02:00:00"):
        review.start(_support_rise(), "1000.00")
        review.investigate(_support_rise(), "improvement", "2027-06-01")
        # Both are over 60: 审慎 before any exit.
        assert review.open_task_names() == ["caution_review"]
        review.complete("caution_review", users.head, {"decision": "approve", "opinion": "经核查，子女赡养能力稳定"})
        review.complete("exit_proposal", users.head, {"months": 6, "opinion": "给予6个月渐退期"})
        review.complete("exit_decision", users.approver, {"decision": "approve", "opinion": "同意"})
    assert review.enrollment().status == "gradual_exit"


def test_scenario_5_and_6_taian_township_decides_three_to_six_months(ctx: Context) -> None:
    users = Users.of_region("taian")
    review = Recheck(ctx, _enrolled_couple(ctx, users), users)
    with freeze_time("2027-06-01 02:00:00"):
        review.start(_support_rise(), "1000.00")
        review.investigate(_support_rise(), "improvement", "2027-06-01")
        for months in (2, 7):
            _refused(review, users, months, "3–6 个月")
        review.complete("exit_proposal", users.head, {"months": 3, "opinion": "给予3个月渐退期"})
    # 泰安: the township confirms; no county step.
    assert review.open_task_names() == []
    assert (review.enrollment().status, review.enrollment().ends_on) == ("gradual_exit", date(2027, 10, 1))


def test_scenario_6_taian_registered_poor_household_gets_exactly_six_months(ctx: Context) -> None:
    users = Users.of_region("taian")
    review = Recheck(ctx, _enrolled_couple(ctx, users, poverty_registered=True), users)
    with freeze_time("2027-06-01 02:00:00"):
        review.start(_support_rise(True), "1000.00")
        review.investigate(_support_rise(True), "improvement", "2027-06-01")
        _refused(review, users, 3, "6 个月")
        review.complete("exit_proposal", users.head, {"months": 6, "opinion": "建档立卡户渐退6个月"})
    assert review.enrollment().ends_on == date(2028, 1, 1)  # July–December 2027 paid


def test_scenario_6_huining_rejects_seven_months(ctx: Context) -> None:
    users = Users.of_region("huining")
    worker = household(
        member("马军", "self", ("wage", "2000.00"), employment="employed", started="2027-03-01", birth="19880808"),
        member("马丽", "spouse", birth="19900909"),
    )
    enrolled = _enrol(
        ctx,
        household(
            member("马军", "self", birth="19880808", employment="unemployed"),
            member("马丽", "spouse", birth="19900909"),
        ),
        users,
    )
    review = Recheck(ctx, enrolled, users)
    with freeze_time("2027-06-01 02:00:00"):
        review.start(worker, "1600.00")
        review.investigate(worker, "employment", "2027-06-01")  # p = 1,000 ≥ 800, re-employment
        _refused(review, users, 7, "1–6 个月")


def test_a_household_still_eligible_gets_a_raise_and_its_next_review_date(ctx: Context) -> None:
    users = Users()
    enrolled = _enrol(
        ctx,
        household(member("张三", "self", ("wage", "1500.00")), member("李芳", "spouse"), member("张小", "child")),
        users,
    )
    review = Recheck(ctx, enrolled, users)
    lower = household(member("张三", "self", ("wage", "900.00")), member("李芳", "spouse"), member("张小", "child"))
    with freeze_time("2027-06-01 02:00:00"):
        review.start(lower, "900.00")
        review.investigate(lower, "other", "2027-06-01")
        review.complete("township_opinion", "head1", {"decision": "approve", "opinion": "收入下降，拟增发"})
        review.complete("county_decision", "approver1", {"decision": "approve", "opinion": "同意增发"})
    enrollment = review.enrollment()
    assert (review.view().outcome, enrollment.monthly_amount) == ("raise", "1500.00")  # (800 − 300) × 3


def test_county_decision_returns_the_recheck_to_the_investigation_and_the_path_runs_again(ctx: Context) -> None:
    """退回 (declared returnTargets) replaces the old 退回重新调查 edge of 县民政复核决定: the 复核调查 is
    offered again, and the decision follows the new investigation through a new 乡镇复核意见."""
    users = Users()
    family = (member("李芳", "spouse"), member("张小", "child"))
    enrolled = _enrol(ctx, household(member("张三", "self", ("wage", "1500.00")), *family), users)
    review = Recheck(ctx, enrolled, users)
    first = household(member("张三", "self", ("wage", "900.00")), *family)
    corrected = household(member("张三", "self", ("wage", "1200.00")), *family)
    with freeze_time("2027-06-01 02:00:00"):
        review.start(first, "900.00")
        review.investigate(first, "other", "2027-06-01")
        review.complete("township_opinion", "head1", {"decision": "approve", "opinion": "收入下降，拟增发"})
        with pytest.raises(InvalidData):  # no longer a decision of the form: 退回 is its own action
            review.complete("county_decision", "approver1", {"decision": "return", "opinion": "重新调查"})
        (decision,) = [t for t in review.view().tasks if t.task_name == "county_decision"]
        returned = rewinding.return_to(ctx, decision.id, "approver1", "recheck_investigation", "工资证明不全")
        assert [t.task_name for t in returned.new_tasks] == ["recheck_investigation"]
        assert review.open_task_names() == ["recheck_investigation"]
        review.investigate(corrected, "other", "2027-06-01")
        assert review.open_task_names() == ["township_opinion"]
        review.complete("township_opinion", "head1", {"decision": "approve", "opinion": "补正工资证明后拟增发"})
        review.complete("county_decision", "approver1", {"decision": "approve", "opinion": "同意增发"})
    states = [(t.task_name, t.state) for t in review.view().tasks]
    assert [s for n, s in states if n == "recheck_investigation"] == ["superseded", "completed"]
    # 1,200 / 3 = 400 → (800 − 400) × 3 = 1,200: the new investigation decides, not the first one.
    assert (review.view().outcome, review.enrollment().monthly_amount) == ("raise", "1200.00")


def test_batch_start_of_due_rechecks(ctx: Context) -> None:
    users = Users()
    numbers = [
        _enrol(ctx, household(member(f"户主{i}", "self", ("wage", "1500.00")), member(f"配偶{i}", "spouse")), users)
        for i in range(3)
    ]
    with freeze_time("2027-06-01 02:00:00"):
        # Not due yet: the households have a working-age member without a steady job → every 6 months
        # from the start of payment (December 2026) → due 1 June 2027.
        assert reviews.start_due_reviews(ctx, "clerk1", date(2027, 5, 31)).started == []
        batch = reviews.start_due_reviews(ctx, "clerk1")
        assert (len(batch.started), batch.due) == (3, 3)
        assert reviews.start_due_reviews(ctx, "clerk1").started == []  # in progress: not started twice
        assert reviews.start_due_reviews(ctx, "clerk2").started == []  # other township: nothing in scope

    view = case_view.show_case(ctx, batch.started[0])
    assert view.kind == "periodic_review"
    assert [t.task_name for t in view.tasks] == ["recheck_investigation"]
    assert {case_view.show_case(ctx, n).data["related_case"] for n in batch.started} == set(numbers)


def _refused(review: Recheck, users: Users, months: int, allowed: str) -> None:
    with pytest.raises(InvalidData) as error:
        review.complete("exit_proposal", users.head, {"months": months, "opinion": "渐退"})
    assert allowed in error.value.fields["months"][0]


def _case_id(ctx: Context, number: str) -> int:

    with ctx.db.read() as session:
        return lookups.get_case(session, number).id


def _exit_data(ctx: Context, number: str) -> dict[str, Any]:
    """The workflow data of a re-check waiting in its 渐退 period (what the case page will show)."""
    from sqlalchemy import select

    from engine.persistence import ProcessInstance

    with ctx.db.read() as session:
        instance = session.scalars(
            select(ProcessInstance).where(ProcessInstance.case_id == _case_id(ctx, number))
        ).one()
        run = ctx.process(instance.definition).restore(instance.state)
        return run.data()
