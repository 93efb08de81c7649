"""The 低保 acceptance scenarios of docs/rules.md#scenarios (1, 2, 3, 7, 8, 9, 14, 15) end to end: the real
dibao_application / public_notice / democratic_review BPMN on the real engine and database, worked by
the demo users, with the clock travelled for the 7-day 公示 and the working-day limits.

Parameters are the demo county's (processes/default/parameters.toml): S = 800 元/人·月 (urban and
rural), marginal below 1.5 S = 1,200; 会宁 adds 0.2 S per disabled recipient and the medical-cost test.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from freezegun import freeze_time

from engine import lookups
from engine.context import Context
from engine.errors import Conflict, InvalidData, PermissionDenied
from engine.queries import case_view
from engine.queries import notices as notice_board
from engine.records import audit
from engine.services import cases, notices, tasks, timers
from tests.scenarios.countersign_flow import hold_democratic_review
from tests.scenarios.flow import Application, Users
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
NOTICE_OVER = "2026-11-30 02:00:00"  # 7 days and an hour later: the 公示 timer is due
DAY_5 = "2026-11-28 03:00:00"  # Saturday, day 5 of the 公示


def _actions(ctx: Context, number: str) -> list[str]:
    case = case_view.show_case(ctx, number)
    events = audit.case_history(ctx.db, _case_id(ctx, number))
    assert case.number == number
    return [e.action for e in events]


def _case_id(ctx: Context, number: str) -> int:
    with ctx.db.read() as session:
        return lookups.get_case(session, number).id


def _scenario_1() -> dict[str, object]:
    # n = 3, wage 1,500 → p = 500 < 800 → eligible, B = (800 − 500) × 3 = 900.
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
    )


@freeze_time(START)
def test_scenario_1_basic_application_is_approved_and_enrolled_from_the_next_month(ctx: Context) -> None:
    app = Application(ctx, _scenario_1()).start(channel="window")
    assert app.open_task_names() == ["intake_review"]
    app.accept()
    view = app.view()
    assert view.legal_clock is not None
    assert (view.legal_clock.started_on, view.legal_clock.limit_days) == (date(2026, 11, 23), 30)
    # The investigation must start within 3 working days of 受理: Thursday 26th, end of day in Beijing.
    assert app.task("start_investigation").due_at == datetime(2026, 11, 26, 15, 59, 59)

    app.investigate()
    assessment = app.view().assessment
    assert assessment is not None
    assert (assessment["per_capita_income"], assessment["category"], assessment["benefit_amount"]) == (
        "500.00",
        "dibao",
        "900.00",
    )
    assert app.open_task_names() == ["first_review"]  # uncontested: no 民主评议 node
    app.first_review()

    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    assert (notice.masked_name, notice.persons, notice.proposed_amount) == ("张*", 3, "900.00")
    assert notice.ends_at == datetime(2026, 11, 30, 1, 0)
    assert app.open_task_names() == []

    with freeze_time(NOTICE_OVER):
        assert app.end_notice() == 1
        assert notice_board.open_notices(ctx, "demo-village-1-1") == []
        assert app.open_task_names() == ["county_confirmation"]  # no county visit needed
        # ≤ 10 working days after receipt: Monday 30th + 10 = Monday 14 December.
        assert app.task("county_confirmation").due_at == datetime(2026, 12, 14, 15, 59, 59)
        app.confirm()

    done = app.view()
    assert (done.status, done.outcome, done.decided_amount) == ("closed", "approved", "900.00")
    assert done.enrollment is not None
    assert (done.enrollment.monthly_amount, done.enrollment.persons, done.enrollment.starts_on) == (
        "900.00",
        3,
        date(2026, 12, 1),  # decided 30 November → paid from December
    )
    assert done.legal_clock is not None
    assert done.legal_clock.stopped
    assert not done.legal_clock.overdue
    assert done.legal_clock.working_days_used == 5  # 24–27 and 30 November
    assert [n.status for n in done.notices] == ["closed"]
    actions = _actions(ctx, app.number)
    for expected in ("case_created", "legal_clock_started", "notice_published", "notice_closed", "case_decided"):
        assert expected in actions
    assert [a for a in actions if a != "document_issued"][-2:] == ["enrollment_created", "process_completed"]
    assert audit.verify(ctx.db).ok


@freeze_time(START)
def test_scenario_2_boundary_household_is_rejected_with_a_written_notice_due_in_3_working_days(
    ctx: Context,
) -> None:
    # n = 2, I = 1,600 → p = 800, not < S → not eligible; S ≤ p < 1.5 S → 边缘.
    app = Application(ctx, household(member("赵六", "self", ("wage", "1600.00")), member("钱七", "spouse")))
    app.start().accept().investigate()
    assessment = app.view().assessment
    assert assessment is not None
    assert (assessment["per_capita_income"], assessment["eligible"], assessment["category"]) == (
        "800.00",
        False,
        "marginal",
    )
    assert assessment["benefit_amount"] == "0.00"
    app.first_review("reject", "人均收入不低于低保标准，拟不予保障")
    # A proposed rejection is not publicly noticed: it goes straight to the county.
    assert notice_board.open_notices(ctx, "demo-village-1-1") == []
    app.confirm("reject", "家庭人均收入800元，不低于当地低保标准800元，不予确认")
    view = app.view()
    assert (view.outcome, view.decided_amount, view.status) == ("rejected", "0.00", "open")
    notice_task = app.task("rejection_notice")
    assert notice_task.due_at == datetime(2026, 11, 26, 15, 59, 59)  # decided Monday → Thursday

    with freeze_time("2026-11-27 02:00:00"):  # Friday: a day late
        app.complete(
            "rejection_notice",
            "clerk1",
            {
                "notice_text": "经审核，您家庭人均收入不低于当地低保标准，不予确认。",
                "delivered_on": "2026-11-27",
                "delivery_method": "in_person",
                "remedies_told": True,
            },
        )
    done = app.view()
    assert done.status == "closed"
    assert done.enrollment is None
    (sent,) = app.history("rejection_notice")
    assert sent.completed_late  # flagged: sent more than 3 working days after the decision


@pytest.mark.parametrize(
    ("members", "per_capita", "benefit"),
    [
        # (a) couple: basic pension 2 × 150 excluded + support 600 → p = 300, B = 1,000 (not 700).
        (
            [
                member("孙大", "self", ("basic_pension", "150.00"), ("support", "600.00")),
                member("周二", "spouse", ("basic_pension", "150.00")),
            ],
            "300.00",
            "1000.00",
        ),
        # (b) n = 2: wage 1,400 + scholarship 200 + family planning 100 → p = 700, B = 200 (not rejected).
        (
            [
                member("吴一", "self", ("wage", "1400.00"), ("family_planning", "100.00")),
                member("郑二", "child", ("scholarship", "200.00")),
            ],
            "700.00",
            "200.00",
        ),
    ],
)
@freeze_time(START)
def test_scenario_3_excluded_incomes_do_not_count(
    ctx: Context, members: list[dict[str, object]], per_capita: str, benefit: str
) -> None:
    app = Application(ctx, household(*members)).start().accept().investigate()
    assessment = app.view().assessment
    assert assessment is not None
    assert (assessment["per_capita_income"], assessment["benefit_amount"]) == (per_capita, benefit)
    app.first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    assert notice.proposed_amount == benefit


def _scenario_7() -> dict[str, object]:
    # n = 4, I = 4,000 → p = 1,000: 边缘. Member A (grade-2 physical disability, no income) qualifies alone.
    return household(
        member("冯大", "self", ("wage", "2500.00")),
        member("陈二", "spouse", ("wage", "1500.00")),
        member("冯甲", "child", disability=(2, "physical")),
        member("冯乙", "child"),
    )


@freeze_time(START)
def test_scenario_7_single_person_household_covers_the_disabled_member_alone(ctx: Context) -> None:
    app = Application(ctx, _scenario_7()).start().accept().investigate()
    assessment = app.view().assessment
    assert assessment is not None
    assert (assessment["category"], assessment["eligible"]) == ("marginal", False)
    assert [(m["name"], m["benefit_amount"]) for m in assessment["single_person_members"]] == [("冯甲", "800.00")]
    app.first_review("approve", "家庭属低保边缘家庭，冯甲为二级肢体残疾，拟按单人户保障")
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    assert (notice.masked_name, notice.persons, notice.proposed_amount) == ("冯*", 1, "800.00")
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.confirm()
    enrollment = app.view().enrollment
    assert enrollment is not None
    # The other three are not covered.
    assert (enrollment.monthly_amount, enrollment.persons, enrollment.covered_members) == ("800.00", 1, "冯甲")


@freeze_time(START)
def test_scenario_7_in_huining_adds_the_disabled_top_up(ctx: Context) -> None:
    # 会宁: + 0.2 × 800 = 160 for the disabled member → 960.
    app = Application(ctx, _scenario_7(), Users.of_region("huining")).start().accept().investigate()
    assessment = app.view().assessment
    assert assessment is not None
    assert assessment["region"] == "huining"
    assert [m["benefit_amount"] for m in assessment["single_person_members"]] == ["960.00"]


@pytest.mark.parametrize(
    ("members", "single"),
    [
        # (a) p = 5,000 / 4 = 1,250 ≥ 1.5 S → not 边缘 → no 单人户 even for a grade-1 disability.
        (
            [
                member("甲", "self", ("wage", "5000.00")),
                member("乙", "spouse", disability=(1, "physical")),
                member("丙", "child"),
                member("丁", "child"),
            ],
            [],
        ),
        # (b) grade-3 physical is not 重残 → refused.
        (
            [
                member("甲", "self", ("wage", "4000.00")),
                member("乙", "spouse", disability=(3, "physical")),
                member("丙", "child"),
                member("丁", "child"),
            ],
            [],
        ),
        # (c) grade-3 mental is 重残 → allowed.
        (
            [
                member("甲", "self", ("wage", "4000.00")),
                member("乙", "spouse", disability=(3, "mental")),
                member("丙", "child"),
                member("丁", "child"),
            ],
            ["乙"],
        ),
    ],
)
@freeze_time(START)
def test_scenario_8_single_person_refusals(ctx: Context, members: list[dict[str, object]], single: list[str]) -> None:
    app = Application(ctx, household(*members)).start().accept().investigate()
    assessment = app.view().assessment
    assert assessment is not None
    assert [m["name"] for m in assessment["single_person_members"]] == single
    if not single:
        # Nothing to propose: the head proposes rejection and the county decides it, without a 公示.
        app.first_review("reject", "不符合单人户条件，拟不予保障").confirm("reject", "不符合单人户保障条件，不予确认")
        assert app.view().outcome == "rejected"
        assert app.view().notices == []


@pytest.mark.parametrize(
    ("medical", "illness", "single"),
    [("40000.00", False, ["钱丙"]), ("30000.00", False, []), ("30000.00", True, ["钱丙"])],
)
@freeze_time(START)
def test_scenario_9_huining_medical_cost_test(ctx: Context, medical: str, illness: bool, single: list[str]) -> None:
    # 边缘 household, n = 3, I = 3,000 → p = 1,000; last year's income 36,000. Member B's self-paid medical
    # cost 40,000 > 36,000 → 重病 → B alone: B = 800. At 30,000 only a listed major illness qualifies.
    data = household(
        member("钱甲", "self", ("wage", "3000.00")),
        member("钱乙", "spouse"),
        member("钱丙", "child", major_illness=illness, medical=medical),
        last_year="36000.00",
    )
    app = Application(ctx, data, Users.of_region("huining")).start().accept().investigate()
    assessment = app.view().assessment
    assert assessment is not None
    assert [(m["name"], m["benefit_amount"]) for m in assessment["single_person_members"]] == [
        (n, "800.00") for n in single
    ]


@freeze_time(START)
def test_scenario_14_objection_on_day_5_leads_to_democratic_review_and_no_second_notice(ctx: Context) -> None:
    app = Application(ctx, _scenario_1()).start().accept().investigate().first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    with freeze_time(DAY_5):
        notices.object_to_notice(ctx, notice.id, "该户有一辆货车未申报", contact="13800000000")
        # The 公示 keeps running to its end and takes further objections.
        notices.object_to_notice(ctx, notice.id, "申请人在县城有门面出租")
        assert [n.id for n in notice_board.open_notices(ctx, "demo-village-1-1")] == [notice.id]
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        with pytest.raises(Conflict, match="公示已于 2026-11-30 09:00 结束"):
            notices.object_to_notice(ctx, notice.id, "迟到的异议")
        assert app.open_task_names() == ["objection_handling"]
        app.complete("objection_handling", "head1", {"decision": "democratic_review", "opinion": "组织民主评议核实"})
        assert app.task("convene_review").role == "township_head"
        # The panel, then one task per seated member (tests/scenarios/test_countersign.py for the rules).
        hold_democratic_review(app)
        # 3 of 4 present = at least the two-thirds threshold → passes; then a new 初审.
        assert app.open_task_names() == ["first_review"]
        app.first_review("approve", "民主评议认定申报属实，维持拟保障意见")
        # No second 公示 (national rule); a complained-about case needs the county home visit first.
        assert [n.status for n in app.view().notices] == ["closed"]
        assert app.open_task_names() == ["county_home_visit"]
        app.complete(
            "county_home_visit",
            "county1",
            {
                "investigators": ["县干部甲", "县干部乙"],
                "visit_date": "2026-11-30",
                "signed_record": "XR-01",
                "findings": "属实",
            },
        )
        app.confirm()
    view = app.view()
    assert view.outcome == "approved"
    actions = _actions(ctx, app.number)
    assert actions.count("objection_received") == 2
    assert [t.task_name for t in view.tasks if t.task_name == "first_review"] == ["first_review"] * 2


@freeze_time(START)
def test_scenario_14_objection_can_lead_to_reinvestigation_instead(ctx: Context) -> None:
    app = Application(ctx, _scenario_1()).start().accept().investigate().first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    with freeze_time(DAY_5):
        notices.object_to_notice(ctx, notice.id, "家里有人在外打工，收入未申报")
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.complete("objection_handling", "head1", {"decision": "reinvestigate", "opinion": "重新入户调查"})
        assert app.open_task_names() == ["data_verification", "home_visit"]
        app.investigate()
        app.first_review()
        assert app.open_task_names() == ["county_home_visit"]  # straight on: no second 公示


@freeze_time(START)
def test_scenario_14_a_region_that_renotices_after_an_objection(make_context, processes_dir) -> None:  # type: ignore[no-untyped-def]
    path = processes_dir / "default" / "parameters.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "[renotice_after_objection]\n2021-07-01 = false", "[renotice_after_objection]\n2021-07-01 = true"
        ),
        encoding="utf-8",
    )
    ctx = make_context()
    app = Application(ctx, _scenario_1()).start().accept().investigate().first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    with freeze_time(DAY_5):
        notices.object_to_notice(ctx, notice.id, "收入未如实申报")
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.complete("objection_handling", "head1", {"decision": "reinvestigate", "opinion": "重新调查"})
        app.investigate().first_review()
        assert [n.status for n in app.view().notices] == ["closed", "open"]


@freeze_time(START)
def test_democratic_review_held_for_every_case_where_the_region_says_always(make_context, processes_dir) -> None:  # type: ignore[no-untyped-def]
    path = processes_dir / "default" / "parameters.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('2021-07-01 = "on_objection"', '2021-07-01 = "always"'),
        encoding="utf-8",
    )
    ctx = make_context()
    app = Application(ctx, _scenario_1()).start().accept().investigate()
    assert app.open_task_names() == ["convene_review"]


@freeze_time(START)
def test_scenario_15_relative_of_staff_needs_a_county_visit_and_the_legal_clock_runs(ctx: Context) -> None:
    app = Application(ctx, _scenario_1()).start().accept(relative_of_staff=True).investigate().first_review()
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        # 单独登记: the county confirmation is blocked until a county home visit is recorded.
        assert app.open_task_names() == ["county_home_visit"]
        with pytest.raises(PermissionDenied):
            app.complete("county_home_visit", "approver1", {})
    # Working day 31 after 受理 (Monday 23 November) is Monday 4 January 2027 (1 January is a holiday only
    # if 2027 data exists; without it the weekend fallback counts it, so take a day safely past either).
    with freeze_time("2027-01-06 02:00:00"):
        clock = app.view().legal_clock
        assert clock is not None
        assert clock.working_days_used > 30
        assert clock.overdue
        with pytest.raises(InvalidData):
            cases.extend_legal_clock(ctx, app.number, "head1", "objection", " ")
        with pytest.raises(PermissionDenied):
            cases.extend_legal_clock(ctx, app.number, "clerk2", "hard_investigation", "调查困难")
        extended = cases.extend_legal_clock(
            ctx, app.number, "head1", "hard_investigation", "县级入户调查需协调外地亲属"
        )
        assert extended.legal_clock is not None
        assert (extended.legal_clock.limit_days, extended.legal_clock.overdue) == (45, False)
        with pytest.raises(Conflict, match="已延长过一次"):
            cases.extend_legal_clock(ctx, app.number, "head1", "objection", "再次延长")
        assert "legal_clock_extended" in _actions(ctx, app.number)


@freeze_time(START)
def test_incomplete_materials_get_a_one_time_notice_then_supplement_or_withdrawal(ctx: Context) -> None:
    app = Application(ctx, _scenario_1()).start(channel="proxy", by="village1")
    incomplete = {
        "decision": "supplement",
        "pledge_signed": True,
        "consent_signed": False,
        "relative_of_staff": False,
        "opinion": "材料不全",
    }
    with pytest.raises(InvalidData) as error:
        app.complete("intake_review", "clerk1", incomplete)  # the missing items must be listed
    assert list(error.value.fields) == ["missing_items"]
    app.complete("intake_review", "clerk1", {**incomplete, "missing_items": ["授权核对书", "残疾人证复印件"]})
    assert app.open_task_names() == ["await_supplement"]
    assert app.view().legal_clock is None  # the clock starts at 受理, not at the application
    app.complete("await_supplement", "clerk1", {"decision": "approve", "opinion": "已补齐"})
    assert app.open_task_names() == ["intake_review"]
    app.complete("intake_review", "clerk1", {**incomplete, "missing_items": ["户口簿"]})
    app.complete("await_supplement", "clerk1", {"decision": "withdraw", "opinion": "申请人书面撤回申请"})
    view = app.view()
    assert (view.status, view.outcome) == ("closed", "withdrawn")


@freeze_time(START)
def test_nobody_outside_the_township_works_the_case(ctx: Context) -> None:
    app = Application(ctx, _scenario_1()).start()
    with pytest.raises(PermissionDenied):
        app.complete("intake_review", "clerk2", {})
    with pytest.raises(PermissionDenied):
        case_view.show_case(ctx, app.number, "clerk2")
    assert case_view.show_case(ctx, app.number, "approver1").number == app.number
    assert tasks.list_tasks(ctx, "clerk2") == []
    assert timers.tick(ctx) == 0


@freeze_time(START)
def test_an_application_needs_exactly_one_applicant(ctx: Context) -> None:
    two = household(member("甲", "self"), member("乙", "self"))
    with pytest.raises(InvalidData) as error:
        cases.start_case(
            ctx, "dibao_application", "clerk1", {"village": "demo-village-1-1", "channel": "window", "household": two}
        )
    assert "household.members" in error.value.fields
    assert "必须有且只有一名" in error.value.fields["household.members"][0]
    assert tasks.list_tasks(ctx, "clerk1") == []  # nothing was written
