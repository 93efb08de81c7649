"""特困人员认定 end to end (docs/tekun.md): the real tekun_application / public_notice BPMN on the real engine and
database, worked by the demo users, with the clock travelled over the 7-day 公示 and the working-day limits.

Figures (domain.md scenario 10, the demo county's parameters, processes/default/parameters.toml): 低保 standard
S = 800, multiplier 1.3 → basic 1,040; last year's minimum wage 1,800 ÷ 3 (全护理, 4 failed indicators) → care
600; total 1,640 a month. 烟台 (multiplier 1.4): 1,120 + 600 = 1,720."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import DuplicateFound
from engine.persistence import Case, Enrollment, Notice
from engine.queries import notices as notice_board
from engine.services import cases, notices, tekun_sampling, timers
from tests.scenarios.approved import applicant_id_number, approved_application
from tests.scenarios.flow import Users
from tests.scenarios.issued import issued, one
from tests.scenarios.tekun_flow import TekunApplication, scenario_10_start
from tests.scenarios.tekun_sampling_flow import complete_sampling_step

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
NOTICE_OVER = "2026-11-30 02:00:00"  # 7 days and an hour later: the 公示 timer is due
DECIDED = "2026-12-03 02:00:00"  # Thursday


def _sample(app: TekunApplication, sampled: bool) -> None:
    # Nobody completes county_sampling by hand (docs/tekun-sampling.md): a single waiting case is always drawn
    # (ceil(0.3 × 1) = 1); "not sampled" is the step completed as the draw would complete it.
    if sampled:
        assert tekun_sampling.draw_sample(app.ctx, app.users.county_clerk).selected == [app.number]
    else:
        complete_sampling_step(app, sampled=False)


def _enrollment(ctx: Context, number: str) -> Enrollment:
    with ctx.db.read() as session:
        row = session.scalars(select(Enrollment).join(Enrollment.case).where(Case.number == number)).one()
        session.expunge(row)
        return row


@freeze_time(START)
def test_scenario_10_is_approved_and_supported_from_next_month(ctx: Context) -> None:
    app = TekunApplication(ctx).start().accept()
    # 乡镇 has 15 working days from acceptance for the investigation and 初审: 2026-12-14, end of day.
    assert app.task("investigation").due_at == datetime(2026, 12, 14, 15, 59, 59)
    app.investigate()
    assessment = app.view().assessment
    assert assessment is not None
    assert (assessment["eligible"], assessment["basic"], assessment["care_tier"], assessment["care"]) == (
        True,
        "1040.00",
        "full",
        "600.00",
    )
    assert app.task("first_review").due_at == datetime(2026, 12, 14, 15, 59, 59)
    app.first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    # The public board shows the basic standard only: the care tier is health information.
    assert (notice.masked_name, notice.persons, notice.proposed_amount) == ("王*英", 1, "1040.00")
    with freeze_time(NOTICE_OVER):
        timers.tick(ctx)
        assert app.open_task_names() == ["county_sampling"]
        # The county decides within 15 working days of receiving the case: 2026-12-21.
        assert app.task("county_sampling").due_at == datetime(2026, 12, 21, 15, 59, 59)
        _sample(app, sampled=True)
        app.check()
        assert app.task("county_decision").due_at == datetime(2026, 12, 21, 15, 59, 59)
    with freeze_time(DECIDED):
        app.decide()
    view = app.view()
    assert (view.outcome, view.decided_amount) == ("approved", "1640.00")
    enrollment = _enrollment(ctx, app.number)
    assert (enrollment.programme, enrollment.monthly_amount, enrollment.starts_on) == ("tekun", 1640, date(2027, 1, 1))
    assert enrollment.next_review_on == date(2028, 1, 1)
    assert enrollment.support is not None
    assert (enrollment.support["care_tier"], enrollment.support["support_mode"]) == ("full", "dispersed")
    assert enrollment.support["carer_name"] == "李照护"
    assert enrollment.household is not None
    assert enrollment.household["person"]["name"] == "王秀英"
    notice_text = one(issued(ctx, app.number), "tekun_confirmation_notice").text
    wanted = ("特困人员认定确认通知书", "王秀英：", "2027年1月", "1040.00", "600.00", "全护理", "1640.00", "分散供养")
    for text in wanted:
        assert text in notice_text, text
    # The posted 公示 sheet, like the board, shows the basic standard only.
    sheet = one(issued(ctx, app.number), "public_notice_sheet").text
    assert "特困人员认定公示" in sheet
    assert "1040.00" in sheet
    assert "1640.00" not in sheet
    assert "600.00" not in sheet


@freeze_time(START)
def test_yantai_pays_1120_plus_600(ctx: Context) -> None:
    app = TekunApplication(ctx, Users.of_region("yantai")).start().accept().investigate()
    assessment = app.view().assessment
    assert assessment is not None
    assert (assessment["basic"], assessment["care"], assessment["total"]) == ("1120.00", "600.00", "1720.00")


@freeze_time(START)
def test_a_case_not_sampled_goes_straight_to_the_decision(ctx: Context) -> None:
    app = TekunApplication(ctx).start().accept().investigate().first_review()
    with freeze_time(NOTICE_OVER):
        timers.tick(ctx)
        _sample(app, sampled=False)
        assert app.open_task_names() == ["county_decision"]


@freeze_time(START)
def test_an_objection_brings_a_new_investigation_first_review_and_notice(ctx: Context) -> None:
    app = TekunApplication(ctx).start().accept().investigate().first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    with freeze_time("2026-11-26 03:00:00"):
        notices.object_to_notice(ctx, notice.id, "老人的儿子在城里有稳定工作，并非低保户")
    with freeze_time(NOTICE_OVER):  # Monday 2026-11-30
        timers.tick(ctx)
        # Re-investigation: a new 15 working days from today, 2026-12-21.
        assert app.task("investigation").due_at == datetime(2026, 12, 21, 15, 59, 59)
        app.investigate()
        app.first_review()
        boards = notice_board.open_notices(ctx, "demo-village-1-1")
        assert len(boards) == 1  # 特困 is published again (特认 Art. 15)
        assert boards[0].id != notice.id
    with freeze_time("2026-12-07 03:00:00"):
        timers.tick(ctx)
        assert app.open_task_names() == ["county_sampling"]
    with ctx.db.read() as session:
        kinds = session.scalars(select(Notice.kind).join(Notice.case).where(Case.number == app.number)).all()
    assert kinds == ["application", "application"]


@freeze_time(START)
def test_a_rejection_is_told_in_writing_within_three_working_days(ctx: Context) -> None:
    app = TekunApplication(ctx).start().accept().investigate(supporter_status="able").first_review("reject")
    # A proposed refusal is not published; it goes to the county for its decision.
    assert notice_board.open_notices(ctx, "demo-village-1-1") == []
    _sample(app, sampled=False)
    with freeze_time(DECIDED):  # Thursday 2026-12-03
        app.decide("reject")
        task = app.task("rejection_notice")
        assert task.due_at == datetime(2026, 12, 8, 15, 59, 59)  # Tuesday: 3 working days
        app.complete(
            "rejection_notice",
            "clerk1",
            {
                "notice_text": "儿子有赡养能力，不符合特困人员认定条件。",
                "delivered_on": "2026-12-03",
                "delivery_method": "in_person",
                "remedies_told": True,
            },
        )
    letter = one(issued(ctx, app.number), "tekun_rejection_notice").text
    for text in ("不予确认特困人员告知书", "儿子有赡养能力", "不符合：无法定赡养", "《中华人民共和国行政复议法》"):
        assert text in letter, text
    view = app.view()
    assert (view.outcome, view.decided_amount) == ("rejected", "0.00")
    with ctx.db.read() as session:
        enrolled = session.scalars(select(Enrollment).join(Enrollment.case).where(Case.number == app.number))
        assert enrolled.first() is None


@freeze_time(START)
def test_approving_an_ineligible_person_still_refuses_support(ctx: Context) -> None:
    """The county cannot enrol someone the assessment finds ineligible: approval routes to the written refusal."""
    app = TekunApplication(ctx).start().accept().investigate(supporter_status="able").first_review()
    with freeze_time(NOTICE_OVER):
        timers.tick(ctx)
        _sample(app, sampled=False)
        app.decide("approve")
        assert app.open_task_names() == ["rejection_notice"]


def test_a_person_already_on_dibao_or_tekun_gets_a_warning_naming_the_case(ctx: Context) -> None:
    dibao = approved_application(ctx)
    data = scenario_10_start(Users()) | {"applicant_id_number": applicant_id_number(dibao)}
    with pytest.raises(DuplicateFound) as found:
        cases.start_case(ctx, "tekun_application", "clerk1", data, confirm_duplicate=False)
    (match,) = found.value.matches
    assert (match.source, match.case_number, match.state) == ("enrollment", dibao.number, "保障中")
    assert "最低生活保障" in match.text
    # Confirmed, the application is registered; a second 特困 application for the same person is then flagged too.
    first = cases.start_case(ctx, "tekun_application", "clerk1", data, confirm_duplicate=True)
    with pytest.raises(DuplicateFound) as again:
        cases.start_case(ctx, "tekun_application", "clerk1", data, confirm_duplicate=False)
    assert first.number in {m.case_number for m in again.value.matches}
