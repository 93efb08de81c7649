"""一门受理 commands (docs/intake.md) against a real database: registration with its deadline by channel,
scope refusals, each triage path, feedback, and no partial write on bad input."""

from __future__ import annotations

from datetime import datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from engine.context import Context
from engine.errors import Conflict, InvalidData, NotFound, PermissionDenied
from engine.persistence import AuditEvent, Case, IntakeRequest, Referral
from engine.queries import intake as intake_queries
from engine.services import intake
from tests.integration.intake_support import ID_NUMBER, add_department, hotline_call

# 2026-09-30 10:00 Beijing, the day before the National Day holiday (10-01 … 10-07, 10-10 a make-up workday).
BEFORE_HOLIDAY = "2026-09-30 02:00:00"


def _count(ctx: Context, model: type) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@freeze_time(BEFORE_HOLIDAY)
def test_deadline_by_channel_across_the_holiday(ctx: Context) -> None:
    # 12345: 3 working days after 09-30 → 10-08, 10-09, 10-10 (the Saturday make-up day) → 10-10 23:59:59 Beijing.
    hotline = intake.register(ctx, "clerk1", hotline_call())
    assert hotline.created
    assert hotline.detail.row.number == "SL-2026-000001"
    assert hotline.detail.row.due_at == datetime(2026, 10, 10, 15, 59, 59)
    # 窗口: 5 working days → 10-08, 10-09, 10-10, 10-12, 10-13.
    window = intake.register(ctx, "clerk1", hotline_call(channel="window", external_ticket=""))
    assert window.detail.row.number == "SL-2026-000002"
    assert window.detail.row.due_at == datetime(2026, 10, 13, 15, 59, 59)
    # 信函/网上: 10 working days → … 10-13 (5), 10-14, 10-15, 10-16, 10-19, 10-20.
    letter = intake.register(ctx, "clerk1", hotline_call(channel="letter", external_ticket=""))
    assert letter.detail.row.due_at == datetime(2026, 10, 20, 15, 59, 59)


@freeze_time(BEFORE_HOLIDAY)
def test_repeated_hotline_ticket(ctx: Context) -> None:
    first = intake.register(ctx, "clerk1", hotline_call())
    again = intake.register(ctx, "clerk1", hotline_call())
    assert not again.created
    assert again.detail.row.number == first.detail.row.number
    with pytest.raises(Conflict, match="GD-20260930-0017"):
        intake.register(ctx, "clerk1", hotline_call(need="另一件事"))
    # The same ticket number on the other hotline is another platform's ticket.
    assert intake.register(ctx, "clerk1", hotline_call(channel="hotline_12349")).created
    assert _count(ctx, IntakeRequest) == 2


def test_bad_input_names_every_field_and_writes_nothing(ctx: Context) -> None:
    bad = hotline_call(channel="fax", need_kind="", person_name="", id_number="110105194912310021", phone="abc")
    with pytest.raises(InvalidData) as raised:
        intake.register(ctx, "clerk1", bad)
    assert set(raised.value.fields) == {"channel", "need_kind", "person_name", "id_number", "phone"}
    assert raised.value.fields["id_number"] == ["身份证号：校验码不正确"]
    with pytest.raises(InvalidData) as raised:
        intake.register(ctx, "clerk1", hotline_call(external_ticket=" "))
    assert raised.value.fields == {"external_ticket": ["热线工单号：热线来件必填"]}
    with pytest.raises(InvalidData) as raised:
        intake.register(ctx, "county1", hotline_call(village=""))
    assert "township" in raised.value.fields
    assert _count(ctx, IntakeRequest) == 0


def test_registration_scope(ctx: Context) -> None:
    with pytest.raises(PermissionDenied):
        intake.register(ctx, "clerk2", hotline_call())  # 城关镇's village, 河西乡's clerk
    with pytest.raises(PermissionDenied):
        intake.register(ctx, "village1", hotline_call(village="demo-village-1-2"))
    with pytest.raises(PermissionDenied):
        intake.register(ctx, "designer1", hotline_call())
    # The village assistant's own village is implied; county staff choose the township.
    own = intake.register(ctx, "village1", hotline_call(village=""))
    assert own.detail.row.township == "城关镇"
    assert own.detail.row.village is not None
    county = intake.register(ctx, "county1", hotline_call(village="", township="demo-town-2", external_ticket="T2"))
    assert county.detail.row.township == "河西乡"
    assert county.detail.row.village is None
    assert _count(ctx, IntakeRequest) == 2
    # The register is scoped: 河西乡 sees only its own request, 城关镇 only its own.
    assert [r.number for r in intake_queries.register_list(ctx, "clerk2")] == [county.detail.row.number]
    assert [r.number for r in intake_queries.register_list(ctx, "clerk1")] == [own.detail.row.number]
    assert len(intake_queries.register_list(ctx, "county1")) == 2
    with pytest.raises(PermissionDenied):
        intake_queries.intake_page(ctx, "clerk2", own.detail.row.number)


def test_refer_to_a_department(ctx: Context) -> None:
    add_department(ctx)
    number = intake.register(ctx, "village1", hotline_call(need_kind="special")).detail.row.number
    with pytest.raises(PermissionDenied):
        intake.refer(ctx, number, "village1", "demo-dept-medical", "medical", "住院费用")
    with pytest.raises(PermissionDenied):
        intake.refer(ctx, number, "clerk2", "demo-dept-medical", "medical", "住院费用")
    with pytest.raises(InvalidData) as raised:
        intake.refer(ctx, number, "clerk1", "demo-town-2", "medical", "住院费用")  # a township, not a department
    assert "department" in raised.value.fields
    with pytest.raises(InvalidData):
        intake.refer(ctx, number, "clerk1", "demo-dept-medical", "unknown", "")
    assert _count(ctx, Referral) == 0
    detail = intake.refer(ctx, number, "clerk1", "demo-dept-medical", "medical", "住院自付费用高，申请医疗救助")
    assert detail.row.status == "referred"
    assert detail.row.referral_number == "ZJ-2026-000001"
    with ctx.db.read() as session:
        referral = session.scalars(select(Referral)).one()
        assert (referral.source, referral.kind, referral.person_name) == ("intake", "medical", "王秀兰")
    with pytest.raises(Conflict):
        intake.close(ctx, number, "clerk1", "重复")


def test_close_and_feedback(ctx: Context) -> None:
    number = intake.register(ctx, "clerk1", hotline_call(need_kind="other")).detail.row.number
    with pytest.raises(Conflict):
        intake.record_feedback(ctx, number, "clerk1", "满意", "satisfied")
    with pytest.raises(InvalidData):
        intake.close(ctx, number, "clerk1", "  ")
    detail = intake.close(ctx, number, "head1", "当场解答政策咨询，不需启动救助")
    assert (detail.row.status, detail.close_reason) == ("closed", "当场解答政策咨询，不需启动救助")
    with pytest.raises(PermissionDenied):
        intake.record_feedback(ctx, number, "clerk2", "满意", "satisfied")
    with pytest.raises(InvalidData) as raised:
        intake.record_feedback(ctx, number, "clerk1", "", "great")
    assert set(raised.value.fields) == {"feedback", "satisfaction"}
    detail = intake.record_feedback(ctx, number, "clerk1", "答复清楚", "satisfied")
    assert (detail.feedback, detail.satisfaction_label) == ("答复清楚", "满意")
    with ctx.db.read() as session:
        ours = select(AuditEvent.action).where(AuditEvent.action.like("intake_%"))
        actions = list(session.scalars(ours.order_by(AuditEvent.seq)))
    assert actions == ["intake_registered", "intake_closed", "intake_feedback"]


def test_start_a_case_from_the_request(ctx: Context) -> None:
    number = intake.register(ctx, "clerk1", hotline_call()).detail.row.number
    values = intake.prefill(ctx, "clerk1", number, "temporary_assistance")
    assert values == {
        "village": "demo-village-1-1",
        "applicant_name": "王秀兰",
        "applicant_id_number": ID_NUMBER,
        "hardship_description": "家中失火，房屋和衣物被烧毁，请求临时救助（联系电话：13800138000）",
    }
    # A bad start form: nothing is written, the request stays open.
    with pytest.raises(InvalidData):
        intake.start_case(ctx, number, "clerk1", "temporary_assistance", values)
    assert _count(ctx, Case) == 0
    data = {**values, "kind": "emergency", "cause": "fire", "occurred_on": "2026-11-20", "persons": 3, "months": 2}
    data.update(household_type="other", existing_recipient=False)
    with pytest.raises(PermissionDenied):  # a village of another township
        intake.start_case(ctx, number, "clerk1", "temporary_assistance", {**data, "village": "demo-village-2-1"})
    with pytest.raises(NotFound):
        intake.start_case(ctx, "SL-2026-999999", "clerk1", "temporary_assistance", data)
    with freeze_time("2026-11-23 02:00:00"):
        case = intake.start_case(ctx, number, "clerk1", "temporary_assistance", data)
    detail = intake_queries.intake_page(ctx, "clerk1", number)
    assert (detail.row.status, detail.row.case_number) == ("started", case.number)
    with ctx.db.read() as session:
        started = session.scalars(select(AuditEvent).where(AuditEvent.action == "intake_case_started")).one()
        assert started.case_id is not None
        assert started.details["case_number"] == case.number
    with pytest.raises(Conflict):
        intake.start_case(ctx, number, "clerk1", "temporary_assistance", data)
    assert _count(ctx, Case) == 1


def test_a_referred_request_shows_the_departments_answer(ctx: Context) -> None:
    """The clerk who asks the caller for feedback sees what 县医疗保障局 did, and so does the hotline export."""
    number = intake.register(ctx, "clerk1", hotline_call(need_kind="special")).detail.row.number
    referral = intake.refer(ctx, number, "clerk1", "demo-dept-yibao", "medical", "住院自付费用高").row.referral_number
    assert referral is not None
    page = intake_queries.intake_page(ctx, "clerk1", number)
    assert page.referral_state == "县医疗保障局：待接收"
    from engine.services import referrals

    referrals.answer(ctx, "yibao1", referral, answer="handled", text="已给予医疗救助 3,000 元")
    page = intake_queries.intake_page(ctx, "clerk1", number)
    assert page.referral_state == "县医疗保障局：已办结，已给予医疗救助 3,000 元"
    rows = intake_queries.hotline_export(ctx, "clerk1")
    assert any(
        f"转介 县医疗保障局（医疗救助，{referral}）；县医疗保障局：已办结，已给予医疗救助 3,000 元" in r for r in rows
    )
