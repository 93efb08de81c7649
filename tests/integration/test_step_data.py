"""Step-owned data (docs/step-data.md): a task's form opens with its own 暂存 draft or its declared prefill
only, every completed step keeps its own record, and after 提交 the clerk goes on to the next task of the
same step. Through the real dibao_application BPMN and the real database."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import Conflict, InvalidData, PermissionDenied
from engine.persistence import AuditEvent, HumanTask
from engine.queries import case_page, task_page
from engine.services import tasks
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
NOTICE_OVER = "2026-11-30 02:00:00"  # the 公示 timer is due
COUNTY_VISIT = {
    "investigators": ["县干部甲", "县干部乙"],
    "visit_date": "2026-11-30",
    "signed_record": "XR-01",
    "findings": "县级入户核实属实",
}


def _household() -> dict[str, object]:
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
    )


def _to_county_visit(ctx: Context) -> Application:
    """A relative of staff: registered separately, so the county visits after the township did."""
    app = Application(ctx, _household()).start().accept(relative_of_staff=True).investigate().first_review()
    with freeze_time(NOTICE_OVER):
        app.end_notice()
    assert app.open_task_names() == ["county_home_visit"]
    return app


@freeze_time(START)
def test_first_review_opens_without_the_intake_decision_and_opinion(ctx: Context) -> None:
    app = Application(ctx, _household()).start().accept().investigate()
    detail = task_page.show_task(ctx, app.task("first_review").id, "head1")
    # The workflow holds decision="approve" and the 受理 opinion from earlier steps; the form shows neither.
    assert "decision" not in detail.data
    assert "opinion" not in detail.data
    assert detail.data == {}
    assert detail.draft_saved_at is None


@freeze_time(START)
def test_the_county_visit_opens_empty_and_both_visits_keep_their_own_records(ctx: Context) -> None:
    app = _to_county_visit(ctx)
    county = app.task("county_home_visit")
    assert task_page.show_task(ctx, county.id, "county1").data == {}
    with freeze_time(NOTICE_OVER):
        app.complete("county_home_visit", "county1", COUNTY_VISIT)
        page = case_page.case_page(ctx, app.number, "county1")
    steps = {r.step: r for r in page.steps}
    township, county_record = steps["home_visit"], steps["county_home_visit"]
    assert {f.label: f.value for f in township.fields}["调查人员（至少两人）"] == "王调查、李调查"
    assert {f.label: f.value for f in township.fields}["调查情况"] == "家庭实际居住情况与申报一致"
    assert {f.label: f.value for f in county_record.fields}["县级调查人员（至少两人）"] == "县干部甲、县干部乙"
    assert {f.label: f.value for f in county_record.fields}["调查情况"] == "县级入户核实属实"
    assert county_record.role_label
    assert county_record.who
    # In completion order; the 初审 record carries the form's word for its decision.
    names = [r.step for r in page.steps]
    assert names.index("home_visit") < names.index("first_review") < names.index("county_home_visit")
    (first,) = [r for r in page.steps if r.step == "first_review"]
    assert (first.decision, first.opinion) == ("approve", "经调查，家庭收入低于标准，拟予保障")
    assert first.decision_label
    assert first.decision_label != "approve"


@freeze_time(START)
def test_step_records_mask_id_numbers_and_flatten_the_household(ctx: Context) -> None:
    verified = _household()
    app = Application(ctx, _household()).start().accept().investigate(verified_household=verified)
    page = case_page.case_page(ctx, app.number, "clerk1")
    (visit,) = [r for r in page.steps if r.step == "home_visit"]
    lines = {f.label: f.value for f in visit.fields}
    id_lines = [value for label, value in lines.items() if label.endswith("身份证号")]
    assert len(id_lines) == 2
    assert all("*" in value for value in id_lines)
    assert any(label.startswith("核实后的家庭情况 · 家庭成员 第 2 项") for label in lines)
    assert "配偶" in lines.values()  # a choice shows its label, not its code


@freeze_time(START)
def test_a_task_completed_before_step_records_shows_its_decision_and_opinion(ctx: Context) -> None:
    app = Application(ctx, _household()).start().accept()
    with ctx.db.write() as session:  # as the migration leaves a task completed before it
        task = session.scalars(select(HumanTask).where(HumanTask.task_name == "intake_review")).one()
        task.submission = None
    (record,) = case_page.case_page(ctx, app.number, "clerk1").steps
    assert (record.from_submission, record.fields, record.opinion) == (False, [], "材料齐全，予以受理")


@freeze_time(START)
def test_a_draft_round_trip(ctx: Context) -> None:
    app = Application(ctx, _household()).start().accept().investigate()
    review = app.task("first_review")
    saved_at = tasks.save_draft(ctx, review.id, "head1", {"opinion": "初步意见：待核"})
    detail = task_page.show_task(ctx, review.id, "head1")
    assert detail.data == {"opinion": "初步意见：待核"}
    assert detail.draft_saved_at == saved_at
    with ctx.db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "task_draft_saved")).one()
        assert (event.actor_name, event.details["fields"]) == ("head1", ["opinion"])
    # Completing clears it; the record holds what was submitted.
    app.first_review("approve", "同意")
    with ctx.db.read() as session:
        row = session.get(HumanTask, review.id)
        assert row is not None
        submitted = {"decision": "approve", "opinion": "同意"}
        assert (row.draft, row.draft_saved_at, row.submission) == (None, None, submitted)


@freeze_time(START)
def test_a_draft_is_refused_whole_for_unknown_fields_size_or_someone_else(ctx: Context) -> None:
    app = Application(ctx, _household()).start().accept().investigate()
    review = app.task("first_review")
    with pytest.raises(InvalidData) as unknown:
        tasks.save_draft(ctx, review.id, "head1", {"opinion": "x", "amount": "1"})
    assert unknown.value.fields == {"amount": ["表单中没有此字段"]}
    with pytest.raises(InvalidData) as large:
        tasks.save_draft(ctx, review.id, "head1", {"opinion": "字" * 80_000})
    assert "上限 200 KB" in large.value.fields["data"][0]
    with pytest.raises(PermissionDenied):
        tasks.save_draft(ctx, review.id, "clerk1", {"opinion": "x"})
    tasks.claim(ctx, review.id, "head1")
    with ctx.db.read() as session:
        row = session.get(HumanTask, review.id)
        assert row is not None
        assert row.draft is None
    app.first_review()
    with pytest.raises(Conflict):
        tasks.save_draft(ctx, review.id, "head1", {"opinion": "x"})


@freeze_time(START)
def test_a_declared_prefill_starts_the_rejection_notice_from_the_decided_reasons(ctx: Context) -> None:
    app = Application(ctx, _household()).start().accept().investigate().first_review()
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.confirm("reject", "家庭人均收入高于当地低保标准")
        notice = app.task("rejection_notice")
        detail = task_page.show_task(ctx, notice.id, "clerk1")
    # rejection_notice declares prefill="notice_text=opinion": the text starts from the decision's reasons,
    # and nothing else of the workflow (decision, the visit's findings) comes along.
    assert detail.data == {"notice_text": "家庭人均收入高于当地低保标准"}


@freeze_time(START)
def test_the_home_visit_starts_from_the_investigators_named_when_the_investigation_started(ctx: Context) -> None:
    app = Application(ctx, _household()).start().accept()
    app.complete(
        "start_investigation",
        "clerk1",
        {"investigators": ["甲", "乙"], "planned_visit_date": "2026-11-25", "verification_requested": True},
    )
    detail = task_page.show_task(ctx, app.task("home_visit").id, "clerk1")
    assert detail.data == {"investigators": ["甲", "乙"]}


@freeze_time(START)
def test_next_task_is_the_earliest_due_of_the_same_step_in_my_inbox(ctx: Context) -> None:
    first = Application(ctx, _household()).start()
    second = Application(ctx, _household()).start()
    third = Application(ctx, _household()).start().accept()  # a different step now
    one, two = first.task("intake_review"), second.task("intake_review")
    following = tasks.next_task(ctx, "clerk1", one.id)
    assert following is not None
    assert following.id == two.id
    assert tasks.next_task(ctx, "clerk2", one.id) is None  # 河西乡 sees none of 城关镇's tasks
    second.accept()
    assert tasks.next_task(ctx, "clerk1", one.id) is None
    assert third.open_task_names() == ["start_investigation"]
