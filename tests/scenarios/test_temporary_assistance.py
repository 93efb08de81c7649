"""The 临时救助 acceptance scenarios of docs/rules.md#scenarios (11, 12, 13) end to end: the real
temporary_assistance / public_notice BPMN and the regions' temporary_approval_level DMN tables on the
real engine and database, worked by the demo users, with the clock travelled for the deadlines.

Parameters: S = 800 元/人·月 (default and the seed regions), township limit 4 S = 3,200, months
counted up to 6, 先行救助 within 24 hours, paperwork within 5 working days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from freezegun import freeze_time

from engine import lookups
from engine.context import Context
from engine.errors import InvalidData
from engine.persistence import AuditEvent, HumanTask
from engine.queries import notices as notice_board
from engine.queries import task_page
from engine.records import audit
from engine.results import TaskSummary
from engine.services import cases, notices, rewinding, tasks, timers
from tests.scenarios.case_steps import CaseSteps
from tests.scenarios.flow import Users

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
APPLICANT = "11010519820315021X"  # checksum-valid
OTHER_APPLICANT = "110105197506010332"


Staff = Users  # who works each step (docs/contracts.md#demo-data): the demo county's users or a seed region's


@dataclass
class Request(CaseSteps):
    ctx: Context
    staff: Staff
    number: str = ""

    def start(self, **fields: Any) -> Request:
        data: dict[str, Any] = {
            "village": self.staff.village,
            "applicant_name": "王建国",
            "applicant_id_number": APPLICANT,
            "kind": "emergency",
            "cause": "fire",
            "occurred_on": "2026-11-22",
            "persons": 3,
            "months": 4,
            "household_type": "other",
            "existing_recipient": False,
            "hardship_description": "住房失火，家中财物全部烧毁，三口人暂住亲戚家",
            **fields,
        }
        self.number = cases.start_case(self.ctx, "temporary_assistance", self.staff.clerk, data).number
        return self

    def data(self, name: str) -> dict[str, Any]:
        """The process data as the open task `name` sees it (not what its form opens with: that is
        only the task's declared prefill)."""
        with self.ctx.db.read() as session:
            task = session.get(HumanTask, self.task(name).id)
            assert task is not None
            instance = task.instance
            run = self.ctx.process(instance.definition).read(instance.state)
            return run.task_data(task.spiff_task_id)

    def pay_advance(self) -> Request:
        self.complete(
            "advance_payment",
            self.staff.head,
            {
                "decision": "approve",
                "paid_on": "2026-11-23",
                "payment_method": "cash",
                "voucher": "BYJ-2026-017",
                "opinion": "火灾急难，先行从乡镇备用金发放",
            },
        )
        return self

    def complete_paperwork(self, on: str = "2026-11-23") -> Request:
        self.complete(
            "paperwork",
            self.staff.clerk,
            {
                "completed_on": on,
                "recipient_signed": True,
                "documents": "FJ-2026-101",
                "situation_note": "已补齐申请书、村委会出具的火灾证明和发放登记表",
            },
        )
        return self

    def assessment(self) -> dict[str, Any]:
        assessment = self.view().assessment
        assert assessment is not None
        return assessment


def _case_events(ctx: Context, number: str) -> list[AuditEvent]:
    with ctx.db.read() as session:
        case_id = lookups.get_case(session, number).id
    return audit.case_history(ctx.db, case_id)


HUINING = Staff.of_region("huining")
BENGBU = Staff.of_region("bengbu")


# --- scenario 11: 会宁, fire, emergency: the township pays first, the county approves the rest ---------


@freeze_time(START)
def test_scenario_11_huining_fire_advance_then_county_approves_the_rest(ctx: Context) -> None:
    request = Request(ctx, HUINING).start()
    # 800 × 3 × 4 = 9,600 > 3,200 (4 × 800): a fire above the limit is the county's in 会宁.
    assessment = request.assessment()
    assert (assessment["amount"], assessment["months_counted"], assessment["approval_level"]) == (
        "9600.00",
        4,
        "county",
    )
    assert (assessment["advance_payment"], assessment["remainder"]) == ("3200.00", "6400.00")
    assert "救助金额 = 800.00 × 3 人 × 4 个月 = 9600.00 元" in assessment["explanation"]

    # 先行救助 by the township head, within the region's 24 hours: the instance's timer is that moment.
    assert request.open_task_names() == ["advance_payment"]
    view = request.view()
    assert view.next_timer_at == datetime(2026, 11, 24, 1, 0)
    assert request.data("advance_payment")["advance_payment_due_at"] == "2026-11-24T01:00:00+00:00"
    request.pay_advance()

    # Paperwork within 5 working days of the payment: Monday 30 November, end of day in Beijing.
    paperwork = request.task("paperwork")
    assert paperwork.due_at == datetime(2026, 11, 30, 15, 59, 59)
    data = request.data("paperwork")
    assert (data["advance_paid"], data["advance_paid_late"]) == ("3200.00", False)
    assert data["paperwork_due_at"] == "2026-11-30T15:59:59+00:00"
    assert request.view().next_timer_at == datetime(2026, 11, 30, 15, 59, 59)
    # The after-the-fact note starts from the hardship registered (its declared prefill), and nothing
    # else of the workflow (the 先行救助 decision and opinion) comes along.
    opens_with = task_page.show_task(ctx, paperwork.id).data
    assert opens_with == {"situation_note": "住房失火，家中财物全部烧毁，三口人暂住亲戚家"}
    with freeze_time("2026-11-25 02:00:00"):
        request.complete_paperwork("2026-11-25")
        # No 公示 for an emergency; the rest goes to the county.
        assert notice_board.open_notices(ctx, "huining-village") == []
        assert request.open_task_names() == ["county_approval"]
        request.complete(
            "county_approval",
            HUINING.approver,
            {"decision": "approve", "opinion": "同意，按标准核发其余 6400 元"},
        )

    done = request.view()
    assert (done.status, done.outcome, done.decided_amount) == ("closed", "approved", "9600.00")
    assert done.enrollment is None  # a one-off grant enters no long-term list
    assert done.notices == []
    settlement = request.assessment()["settlement"]
    assert settlement == {
        "outcome": "approved",
        "advance_paid": "3200.00",
        "remainder_granted": "6400.00",
        "total_granted": "9600.00",
    }
    assert (
        "批准：救助总额 9600.00 元，其中已先行发放 3200.00 元，本次批准发放其余 6400.00 元"
        in (request.assessment()["explanation"])
    )
    actions = [e.action for e in _case_events(ctx, request.number)]
    assert "case_decided" in actions
    assert "enrollment_created" not in actions
    assert audit.verify(ctx.db).ok


@freeze_time(START)
def test_scenario_11_late_steps_are_recorded_when_their_deadlines_pass(ctx: Context) -> None:
    request = Request(ctx, HUINING).start()
    with freeze_time("2026-11-24 01:30:00"):  # Tuesday, 24½ hours later
        assert timers.tick(ctx) == 1  # the 先行救助 deadline fires; the payment is still owed
        assert request.open_task_names() == ["advance_payment"]
        request.pay_advance()
        data = request.data("paperwork")
        assert (data["advance_paid_late"], data["advance_paid_at"]) == (True, "2026-11-24T01:30:00+00:00")
        # 5 working days from Tuesday: Tuesday 1 December, end of day in Beijing.
        assert data["paperwork_due_at"] == "2026-12-01T15:59:59+00:00"
    with freeze_time("2026-12-02 02:00:00"):
        assert timers.tick(ctx) == 1  # the paperwork deadline fires too
        request.complete_paperwork("2026-12-02")
        assert request.data("county_approval")["paperwork_late"] is True
        request.complete("county_approval", HUINING.approver, {"decision": "approve", "opinion": "同意"})
    events = _case_events(ctx, request.number)
    assert [e.action for e in events].count("timer_fired") == 2
    assert request.view().outcome == "approved"


@freeze_time(START)
def test_scenario_11_within_the_limit_the_township_pays_all_and_no_one_else_decides(ctx: Context) -> None:
    # 800 × 2 × 2 = 3,200: not above the limit, so the advance is the whole grant (township level).
    request = Request(ctx, HUINING).start(persons=2, months=2)
    assessment = request.assessment()
    assert (assessment["amount"], assessment["approval_level"], assessment["remainder"]) == (
        "3200.00",
        "township",
        "0.00",
    )
    request.pay_advance().complete_paperwork()
    done = request.view()
    assert (done.status, done.outcome, done.decided_amount) == ("closed", "approved", "3200.00")


@freeze_time(START)
def test_scenario_11_national_default_sends_a_fire_above_the_limit_to_the_committee(ctx: Context) -> None:
    request = Request(ctx, Staff()).start()
    assert request.assessment()["approval_level"] == "committee"
    request.pay_advance().complete_paperwork()
    assert request.open_task_names() == ["committee_review"] * 3


# --- scenario 12: the 6-month cap, 一事一议, and a repeat grant in the same year ----------------------


def _committee_decides(request: Request, amount: str = "20000.00") -> None:
    """一事一议 is a 会签 (docs/countersign.md): two of the three members approving are a majority, and
    the third member's task is withdrawn."""
    for member in (request.staff.committee, f"{request.staff.committee}2"):
        tasks.complete(
            request.ctx,
            _member_task(request, member).id,
            member,
            {
                "decision": "approve",
                "meeting_date": "2026-11-23",
                "minutes_reference": "HN-XTJZ-2026-09",
                "approved_amount": amount,
                "opinion": "突发重大疾病，一事一议，核定救助总额 20000 元",
            },
        )


def _member_task(request: Request, member: str) -> TaskSummary:
    return next(t for t in request.open_tasks() if t.task_name == "committee_review" and t.assignee == member)


@freeze_time(START)
def test_scenario_12_major_illness_is_capped_at_6_months_and_decided_by_the_committee(ctx: Context) -> None:
    request = Request(ctx, HUINING).start(cause="major_illness", months=8)
    # 8 months → capped at 6: 800 × 3 × 6 = 14,400; sudden major illness → 一事一议 in 会宁.
    assessment = request.assessment()
    assert (assessment["amount"], assessment["months_counted"], assessment["approval_level"]) == (
        "14400.00",
        6,
        "committee",
    )
    assert "困难持续 8 个月，超过最长 6 个月，按 6 个月计算" in assessment["explanation"]
    request.pay_advance().complete_paperwork()
    assert request.open_task_names() == ["committee_review"] * 3  # one per member of the committee
    assert request.task("committee_review").role == "coordination_committee"

    # The minutes are required, and so is the amount: the formula does not bind the committee.
    decided = {"decision": "approve", "meeting_date": "2026-11-23", "opinion": "同意"}
    mine = _member_task(request, HUINING.committee).id
    with pytest.raises(InvalidData) as no_minutes:
        tasks.complete(ctx, mine, HUINING.committee, decided)
    assert "minutes_reference" in no_minutes.value.fields
    with pytest.raises(InvalidData) as no_amount:
        tasks.complete(ctx, mine, HUINING.committee, {**decided, "minutes_reference": "HN-XTJZ-2026-09"})
    assert "approved_amount" in no_amount.value.fields
    _committee_decides(request)

    done = request.view()
    assert (done.outcome, done.decided_amount) == ("approved", "20000.00")
    assert request.assessment()["settlement"]["remainder_granted"] == "16800.00"
    completed = [
        e
        for e in _case_events(ctx, request.number)
        if e.action == "task_completed" and e.details["task"] == "committee_review"
    ]
    assert completed
    assert "HN-XTJZ-2026-09" in str(completed[0].details)  # the minutes' reference is in the record


@freeze_time(START)
def test_scenario_12_a_repeat_for_the_same_cause_in_the_same_year_needs_the_county(ctx: Context) -> None:
    first = Request(ctx, HUINING).start(cause="major_illness", months=8)
    first.pay_advance().complete_paperwork()
    _committee_decides(first)

    with freeze_time("2026-12-10 02:00:00"):
        # Same applicant, same cause, same year: blocked until the county decides.
        refused = Request(ctx, HUINING).start(cause="major_illness", months=2)
        assert refused.view().data["prior_grants"] == 1
        assert refused.view().data["prior_grant_cases"] == [first.number]
        assert refused.open_task_names() == ["repeat_override"]
        assert refused.task("repeat_override").role == "county_approver"
        refused.complete("repeat_override", HUINING.approver, {"decision": "reject", "opinion": "本年度已救助"})
        view = refused.view()
        assert (view.status, view.outcome, view.decided_amount) == ("closed", "rejected", "0.00")

        # An override needs a reason, then the request carries on as any other.
        allowed = Request(ctx, HUINING).start(cause="major_illness", months=2)
        with pytest.raises(InvalidData) as no_reason:
            allowed.complete("repeat_override", HUINING.approver, {"decision": "approve", "opinion": "同意"})
        assert "override_reason" in no_reason.value.fields
        allowed.complete(
            "repeat_override",
            HUINING.approver,
            {"decision": "approve", "override_reason": "病情复发，再次住院，确有困难", "opinion": "同意再次救助"},
        )
        assert allowed.open_task_names() == ["advance_payment"]

        # A different cause, or another person, is not a repeat.
        assert Request(ctx, HUINING).start(cause="fire").open_task_names() == ["advance_payment"]
        other = Request(ctx, HUINING).start(cause="major_illness", applicant_id_number=OTHER_APPLICANT)
        assert other.open_task_names() == ["advance_payment"]

    with freeze_time("2027-01-05 02:00:00"):  # a new year: the earlier grant no longer counts
        assert Request(ctx, HUINING).start(cause="major_illness").view().data["prior_grants"] == 0


# --- scenario 13: 蚌埠 skips the income investigation for 低保 households ------------------------------


def _expenditure(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "expenditure",
        "cause": "other",
        "household_type": "dibao",
        "existing_recipient": True,
        "persons": 2,
        "months": 2,
        "hardship_description": "子女上学费用和慢性病医疗费用突然增加，超出家庭承受能力",
        **fields,
    }


@freeze_time(START)
def test_scenario_13_bengbu_checks_only_the_spending_of_a_dibao_household(ctx: Context) -> None:
    request = Request(ctx, BENGBU).start(**_expenditure())
    # No 家庭经济状况调查 and no 信息核对: only the necessary spending is checked.
    assert request.open_task_names() == ["spending_check"]
    request.complete(
        "spending_check",
        BENGBU.clerk,
        {
            "checked_on": "2026-11-23",
            "necessary_spending": "5600.00",
            "spending_evidence": "PJ-2026-033",
            "findings": "医疗票据和学校缴费通知核实无误",
        },
    )
    request.complete("township_review", BENGBU.head, {"decision": "approve", "opinion": "拟予救助，予以公示"})
    (notice,) = notice_board.open_notices(ctx, "bengbu-village")
    # 800 × 2 × 2 = 3,200: within the township's limit.
    assert (notice.masked_name, notice.persons, notice.proposed_amount) == ("王*国", 2, "3200.00")
    with freeze_time("2026-11-30 02:00:00"):
        assert timers.tick(ctx) == 1
        assert request.open_task_names() == ["township_approval"]
        request.complete("township_approval", BENGBU.head, {"decision": "approve", "opinion": "同意"})
    done = request.view()
    assert (done.status, done.outcome, done.decided_amount) == ("closed", "approved", "3200.00")
    assert [n.status for n in done.notices] == ["closed"]


@freeze_time(START)
def test_scenario_13_bengbu_still_investigates_a_household_not_on_record(ctx: Context) -> None:
    request = Request(ctx, BENGBU).start(**_expenditure(existing_recipient=False))
    assert request.open_task_names() == ["data_verification", "home_investigation"]


@freeze_time(START)
def test_scenario_13_national_default_takes_the_full_route(ctx: Context) -> None:
    staff = Staff()
    request = Request(ctx, staff).start(**_expenditure(months=3))
    assert request.open_task_names() == ["data_verification", "home_investigation"]
    request.complete(
        "home_investigation",
        staff.clerk,
        {
            "investigators": ["王调查", "李调查"],
            "visit_date": "2026-11-23",
            "income_assets_findings": "家庭收入与低保档案一致，无新增财产",
            "necessary_spending": "8000.00",
            "spending_evidence": "PJ-2026-034",
            "signed_record": "RH-2026-002",
        },
    )
    request.complete("data_verification", staff.verifier, {"result": "consistent", "report": "未发现异常"})
    # Sent back once (退回 to the declared 家庭经济状况调查): the investigation runs again before the review.
    review = request.task("township_review").id
    returned = rewinding.return_to(ctx, review, staff.head, "home_investigation", "请补充医疗票据")
    assert [t.task_name for t in returned.new_tasks] == ["home_investigation"]
    assert request.open_task_names() == ["home_investigation"]
    request.complete(
        "home_investigation",
        staff.clerk,
        {
            "investigators": ["王调查", "李调查"],
            "visit_date": "2026-11-23",
            "income_assets_findings": "已补充医疗票据",
            "necessary_spending": "8000.00",
            "spending_evidence": "PJ-2026-035",
            "signed_record": "RH-2026-003",
        },
    )
    # 信息核对 was not sent back: the case is at 乡镇审核 again once the new investigation is in.
    assert request.open_task_names() == ["township_review"]
    with ctx.db.read() as session:
        case_id = lookups.get_case(session, request.number).id
        rows = session.query(HumanTask).filter_by(case_id=case_id).order_by(HumanTask.id).all()
        states = [(r.task_name, r.state) for r in rows if r.task_name != "township_review"]
        reviews = [r.state for r in rows if r.task_name == "township_review"]
    # The first investigation stays on record, superseded; the new one is current.
    assert [s for n, s in states if n == "home_investigation"] == ["superseded", "completed"]
    assert [s for n, s in states if n == "data_verification"] == ["completed"]
    assert reviews == ["returned", "open"]
    request.complete("township_review", staff.head, {"decision": "approve", "opinion": "拟予救助"})
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    notices.object_to_notice(ctx, notice.id, "该户有经营收入未申报")  # an objection during the 公示
    with freeze_time("2026-11-30 02:00:00"):
        timers.tick(ctx)
        assert request.open_task_names() == ["objection_review"]
        request.complete("objection_review", staff.head, {"decision": "approve", "opinion": "经核实，异议不成立"})
        # 800 × 2 × 3 = 4,800 > 3,200, cause "other": the county.
        assert request.open_task_names() == ["county_approval"]
        request.complete("county_approval", staff.approver, {"decision": "reject", "opinion": "支出已由医疗救助解决"})
    done = request.view()
    assert (done.status, done.outcome, done.decided_amount) == ("closed", "rejected", "0.00")
    assert request.assessment()["settlement"]["outcome"] == "rejected"
