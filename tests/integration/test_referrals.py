"""转介 through the services (docs/referrals.md): who may refer and answer, the refusals, the answer once,
the feedback deadline in working days, and the reminder and the escalation with a travelled clock.

A referral made Monday 2026-11-23 09:00 (Beijing) is due in referral_feedback_days = 10 working days:
11-24 … 11-27 (4), 11-30 … 12-04 (9), 12-07 (10) → 2026-12-07 23:59:59 Beijing = 15:59:59 UTC. With
reminder_days_before_due = 1 the department is reminded on Fri 12-04 (one working day before), and with
escalation_overdue_days = 2 the county's approver is told on Wed 12-09 (two working days after 12-07)."""

from __future__ import annotations

from datetime import datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import Conflict, InvalidData, PermissionDenied
from engine.persistence import AuditEvent, Case
from engine.queries import referrals as referral_queries
from engine.services import referrals
from engine.services.admin import org_units, users
from tests.notifications.test_rules import keys, sweep_at, told
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time


@pytest.fixture
def number(ctx: Context) -> str:
    with freeze_time(START):
        return Application(ctx, household(member("王五", "self"))).start().number


def refer(ctx: Context, number: str, by: str = "clerk1", department: str = "demo-dept-yibao") -> str:
    with freeze_time(START):
        return referrals.refer_case(
            ctx, by, number, department=department, kind="medical", reason="患慢性病，申请医疗救助"
        ).number


def test_a_township_clerk_refers_and_the_deadline_is_ten_working_days(ctx: Context, number: str) -> None:
    referral = refer(ctx, number)
    assert referral == "ZJ-2026-000001"
    (row,) = referral_queries.list_referrals(ctx, "yibao1")
    assert (row.status, row.status_label, row.kind_label) == ("pending", "待接收", "医疗救助")
    assert row.due_at == datetime(2026, 12, 7, 15, 59, 59)
    assert row.case_number == number
    assert row.person_name == "王五"
    assert row.id_number is not None
    assert "*" in row.id_number
    assert [n.title for n in told(ctx, "yibao1", "referral_new")] == ["新转介：ZJ-2026-000001"]
    with ctx.db.read() as session:
        case_id = session.scalars(select(Case.id).where(Case.number == number)).one()
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id)).all()
    assert "referral_opened" in actions


def test_each_department_sees_only_its_own_referrals(ctx: Context, number: str) -> None:
    refer(ctx, number)
    refer(ctx, number, department="demo-dept-jiaoyu")
    assert [r.department_code for r in referral_queries.list_referrals(ctx, "yibao1")] == ["demo-dept-yibao"]
    assert [r.department_code for r in referral_queries.list_referrals(ctx, "jiaoyu1")] == ["demo-dept-jiaoyu"]
    assert len(referral_queries.list_referrals(ctx, "approver1")) == 2  # the county sees its county's
    assert len(referral_queries.list_referrals(ctx, "clerk1")) == 2  # the township its cases'
    assert referral_queries.list_referrals(ctx, "clerk2") == []  # another township
    with pytest.raises(PermissionDenied):
        referral_queries.show_referral(ctx, "jiaoyu1", "ZJ-2026-000001")
    with pytest.raises(PermissionDenied):
        referral_queries.list_referrals(ctx, "village1")


def test_refusals_of_a_referral_write_nothing(ctx: Context, number: str) -> None:
    with pytest.raises(PermissionDenied):
        refer(ctx, number, by="village1")  # a village assistant does not refer
    with pytest.raises(PermissionDenied):
        refer(ctx, number, by="clerk2")  # another township's case
    with pytest.raises(PermissionDenied):
        refer(ctx, number, by="yibao1")  # a department does not refer
    with pytest.raises(InvalidData) as not_department:
        refer(ctx, number, department="demo-town-2")
    assert not_department.value.fields == {"department": ["河西乡 不是部门，不能接收转介"]}
    with pytest.raises(InvalidData) as unknown:
        refer(ctx, number, department="nowhere")
    assert unknown.value.fields == {"department": ["接收部门：nowhere 不存在"]}
    with pytest.raises(InvalidData) as bad_kind:
        referrals.refer_case(ctx, "clerk1", number, department="demo-dept-yibao", kind="x", reason="r")
    assert list(bad_kind.value.fields) == ["kind"]
    with pytest.raises(InvalidData) as no_reason:
        referrals.refer_case(ctx, "clerk1", number, department="demo-dept-yibao", kind="medical", reason="  ")
    assert no_reason.value.fields == {"reason": ["转介事由：必填"]}
    assert referral_queries.list_referrals(ctx, "approver1") == []


def test_a_department_accepts_and_answers_once(ctx: Context, number: str) -> None:
    referral = refer(ctx, number)
    with pytest.raises(PermissionDenied):
        referrals.accept(ctx, "jiaoyu1", referral)  # another department
    with pytest.raises(PermissionDenied):
        referrals.answer(ctx, "clerk1", referral, answer="handled", text="已办")
    assert referrals.accept(ctx, "yibao1", referral).status == "accepted"
    with pytest.raises(Conflict):
        referrals.accept(ctx, "yibao1", referral)
    with pytest.raises(InvalidData) as bad_answer:
        referrals.answer(ctx, "yibao1", referral, answer="maybe", text="x")
    assert list(bad_answer.value.fields) == ["answer"]
    with pytest.raises(InvalidData) as no_text:
        referrals.answer(ctx, "yibao1", referral, answer="handled", text="")
    assert no_text.value.fields == {"text": ["办理结果：必填"]}
    row = referrals.answer(ctx, "yibao1", referral, answer="handled", text="已纳入医疗救助，报销 3000 元")
    assert (row.status, row.status_label, row.answer_text) == ("handled", "已办结", "已纳入医疗救助，报销 3000 元")
    with pytest.raises(Conflict):
        referrals.answer(ctx, "yibao1", referral, answer="not_ours", text="不是我们的")
    assert [n.title for n in told(ctx, "clerk1", "referral_answered")] == [f"转介已反馈：{referral}"]


def test_not_ours_straight_from_pending(ctx: Context, number: str) -> None:
    referral = refer(ctx, number, department="demo-dept-zhujian")
    row = referrals.answer(ctx, "zhujian1", referral, answer="not_ours", text="住房已由乡镇危房改造项目覆盖")
    assert (row.status_label, row.answered_by) == ("非本部门事项", "县住房和城乡建设局经办人（zhujian1）")


def test_an_unanswered_referral_is_reminded_then_escalated_once_each(ctx: Context, number: str) -> None:
    referral = refer(ctx, number)
    sweep_at(ctx, "2026-12-03 10:00")  # two working days before due: not yet
    assert told(ctx, "yibao1", "referral_due_soon") == []
    sweep_at(ctx, "2026-12-04 10:00")
    sweep_at(ctx, "2026-12-04 11:00")
    assert keys(ctx, "referral_due_soon") == [("referral:1:due_soon", "yibao1")]
    sweep_at(ctx, "2026-12-08 10:00")  # one working day late: not yet
    assert keys(ctx, "referral_escalated") == []
    sweep_at(ctx, "2026-12-09 10:00")
    sweep_at(ctx, "2026-12-10 10:00")
    assert keys(ctx, "referral_escalated") == [("referral:1:escalated", "approver1")]
    (note,) = told(ctx, "approver1", "referral_escalated")
    assert note.title == f"转介逾期督办：{referral}"
    assert "逾期 2 个工作日" in note.body
    with freeze_time("2026-12-08 02:00:00"):
        (row,) = referral_queries.list_referrals(ctx, "yibao1", status="open")
    assert row.overdue


def test_an_answered_referral_is_neither_reminded_nor_escalated(ctx: Context, number: str) -> None:
    referral = refer(ctx, number)
    referrals.answer(ctx, "yibao1", referral, answer="handled", text="已办结")
    sweep_at(ctx, "2026-12-04 10:00")
    sweep_at(ctx, "2026-12-09 10:00")
    assert keys(ctx, "referral_due_soon") == []
    assert keys(ctx, "referral_escalated") == []


def test_an_admin_creates_a_department_and_its_user(ctx: Context) -> None:
    node = org_units.create_org_unit(
        ctx, "admin1", code="demo-dept-minzong", name="县民族宗教事务局", level="department", parent="demo-county"
    )
    assert node.code == "demo-dept-minzong"
    with pytest.raises(InvalidData) as under_town:
        org_units.create_org_unit(ctx, "admin1", code="dept-x", name="某部门", level="department", parent="demo-town-1")
    assert list(under_town.value.fields) == ["level"]
    users.create_user(
        ctx,
        "admin1",
        new_username="minzong1",
        display_name="民宗局经办人",
        org_unit="demo-dept-minzong",
        roles=["department_staff"],
        password="minzong-pass-2026",
    )
    with pytest.raises(InvalidData) as wrong_level:
        users.create_user(
            ctx,
            "admin1",
            new_username="minzong2",
            display_name="民宗局二",
            org_unit="demo-dept-minzong",
            roles=["township_clerk"],
            password="minzong-pass-2026",
        )
    assert list(wrong_level.value.fields) == ["roles"]
