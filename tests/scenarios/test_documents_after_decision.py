"""Documents of the procedures around a decision (docs/documents-catalogue.md): 临时救助审批表 with the
分级审批 level and the 先行救助 record, 渐退 and 停发 告知书, the 终止 notice, and deploy refusing a
template that reads an undefined field or a declared document without a template."""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun import freeze_time

from engine import lookups
from engine.context import Context
from engine.errors import BundleInvalid
from engine.persistence import IssuedDocument
from engine.services import case_ending, cases, designer, timers
from tests.scenarios.flow import Application, Recheck, Users
from tests.scenarios.households import household, member
from tests.scenarios.issued import check_verifiable, issued, one

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
HUINING = Users.of_region("huining")
BENGBU = Users.of_region("bengbu")


@freeze_time(START)
def test_temporary_assistance_form_records_the_level_and_the_advance_payment(ctx: Context) -> None:
    # 会宁, fire, n = 3, 4 months: 800 × 3 × 4 = 9,600 > 3,200 → the county; 3,200 paid first (scenario 11).
    data = {
        "village": HUINING.village,
        "applicant_name": "王建国",
        "applicant_id_number": "11010519820315021X",
        "kind": "emergency",
        "cause": "fire",
        "occurred_on": "2026-11-22",
        "persons": 3,
        "months": 4,
        "household_type": "other",
        "existing_recipient": False,
        "hardship_description": "住房失火，家中财物全部烧毁，三口人暂住亲戚家",
    }
    number = cases.start_case(ctx, "temporary_assistance", HUINING.clerk, data).number
    app = Application(ctx, {}, HUINING, number)
    advance = {
        "decision": "approve",
        "paid_on": "2026-11-23",
        "payment_method": "cash",
        "voucher": "BYJ-2026-017",
        "opinion": "火灾急难，先行从乡镇备用金发放",
    }
    app.complete("advance_payment", HUINING.head, advance)
    paperwork = {
        "completed_on": "2026-11-23",
        "recipient_signed": True,
        "documents": "FJ-2026-101",
        "situation_note": "已补齐申请书、火灾证明和发放登记表",
    }
    app.complete("paperwork", HUINING.clerk, paperwork)
    app.complete(
        "county_approval", HUINING.approver, {"decision": "approve", "opinion": "同意，按标准核发其余 6400 元"}
    )

    form = one(issued(ctx, number), "temporary_approval_form")
    assert form.element == "end_granted"
    for text in (
        "临时救助审批表",
        "王建国",
        "110105********021X",
        "急难型",
        "火灾",
        "住房失火",
        "4个月",
        "9600.00元",
        "县级民政部门审批",  # the 分级审批 level the region's table decided
        "先行救助金额3200.00元",
        "2026年11月23日",
        "BYJ-2026-017",
        "现金",
        "本次批准6400.00元",
        "同意，按标准核发其余6400元",
    ):
        assert text in form.text, text
    assert "11010519820315021X" not in form.text
    check_verifiable(ctx, form)


@freeze_time(START)
def test_a_refused_temporary_request_has_its_form_too_without_an_advance(ctx: Context) -> None:
    data = {
        "village": HUINING.village,
        "applicant_name": "王建国",
        "applicant_id_number": "11010519820315021X",
        "kind": "emergency",
        "cause": "fire",
        "occurred_on": "2026-11-22",
        "persons": 1,
        "months": 1,
        "household_type": "other",
        "existing_recipient": False,
        "hardship_description": "厨房失火",
    }
    number = cases.start_case(ctx, "temporary_assistance", HUINING.clerk, data).number
    app = Application(ctx, {}, HUINING, number)
    app.complete("advance_payment", HUINING.head, {"decision": "reject", "opinion": "损失轻微，不先行救助"})
    assert (app.view().status, app.view().outcome) == ("closed", "rejected")  # no 先行救助: refused
    form = one(issued(ctx, number), "temporary_approval_form")
    assert form.element == "end_refused"
    for text in ("未先行救助", "乡镇人民政府（街道办事处）审批", "不予批准", "损失轻微，不先行救助", "800.00元/人·月"):
        assert text in form.text, text


def _bengbu_household(wage: str | None) -> dict[str, object]:
    worker = (
        member("周强", "self", ("wage", wage), employment="employed", started="2027-01-15", birth="19850301")
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


def test_gradual_exit_and_stop_notices(ctx: Context) -> None:
    with freeze_time(START):
        app = Application(ctx, _bengbu_household(None), BENGBU).start().accept().investigate().first_review()
    with freeze_time("2026-11-30 02:00:00"):
        app.end_notice()
        app.confirm()
    review = Recheck(ctx, app.number, BENGBU)
    with freeze_time("2028-02-15 02:00:00"):
        review.start(_bengbu_household("2700.00"), "2400.00")
        review.investigate(_bengbu_household("2700.00"), "employment", "2028-02-15")
        review.complete("exit_proposal", BENGBU.head, {"months": 6, "opinion": "给予6个月渐退期"})
        review.complete("exit_decision", BENGBU.approver, {"decision": "approve", "opinion": "同意渐退6个月"})
    documents = issued(ctx, review.number)
    visit = one(documents, "home_visit_record")
    assert visit.element == "recheck_investigation"
    assert "入户核实家庭收入变化" in visit.text
    exit_notice = one(documents, "gradual_exit_notice")
    for text in (
        "最低生活保障渐退告知书",
        "周强：",
        "渐退期6个月",
        "2028年8月31日",
        "900.00元",
        "同意渐退6个月",
        "第三十三条",
    ):
        assert text in exit_notice.text, text
    check_verifiable(ctx, exit_notice)

    with freeze_time("2028-09-01 01:00:00"):
        assert timers.tick(ctx) == 1
        final = {"visit_date": "2028-09-01", "findings": "仍在就业", "verified_household": _bengbu_household("2700.00")}
        review.complete("final_check", BENGBU.clerk, final)
        stop = {
            "notice_text": "渐退期满，家庭人均收入仍高于低保标准，自2028年9月起停发。",
            "delivered_on": "2028-09-01",
            "delivery_method": "in_person",
            "remedies_told": True,
        }
        review.complete("stop_notice", BENGBU.clerk, stop)
    notice = one(issued(ctx, review.number), "stop_benefit_notice")
    for text in (
        "停发最低生活保障金告知书",
        "周强：",
        "渐退期满，家庭人均收入仍高于低保标准",
        "第三十二条",
        "60日内",
        "6个月内",
    ):
        assert text in notice.text, text
    check_verifiable(ctx, notice)


@freeze_time(START)
def test_terminating_a_case_issues_the_termination_notice(ctx: Context) -> None:
    app = Application(ctx, household(member("张三", "self"), member("李芳", "spouse"))).start().accept()
    case_ending.terminate(ctx, app.number, "county1", "applicant_withdrew", "申请人书面申请撤回")
    notice = one(issued(ctx, app.number), "termination_notice")
    assert notice.element is None  # the process's own declaration, issued by the case action
    with ctx.db.read() as session:  # in the name of the county that ended it, not the township's last step
        county = lookups.get_user(session, "county1").org_unit.name
        assert session.get(IssuedDocument, notice.id).unit_name == county  # type: ignore[union-attr]
    assert county in notice.text
    for text in (
        "终止办理告知书",
        "张三：",
        "因申请人撤回申请",
        "申请人书面申请撤回",
        "2026年11月23日",
        "60日内",
        "《中华人民共和国行政复议法》",
        "6个月内",
        "《中华人民共和国行政诉讼法》",
    ):
        assert text in notice.text, text
    check_verifiable(ctx, notice)


def test_deploy_refuses_a_template_reading_an_undefined_field(ctx: Context, processes_dir: Path) -> None:
    template = processes_dir / "default" / "documents" / "rejection_notice.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace("{{ case.applicant }}", "{{ case.applicant_phone }}"),
        encoding="utf-8",
    )
    with pytest.raises(BundleInvalid) as refused:
        designer.deploy(ctx)
    messages = [(p.file, p.message) for p in refused.value.problems]
    assert any(
        "rejection_notice.html" in file and "文书上下文中没有的字段 case.applicant_phone" in message
        for file, message in messages
    ), messages


def test_deploy_refuses_a_declared_document_without_a_template(ctx: Context, processes_dir: Path) -> None:
    (processes_dir / "default" / "documents" / "stop_benefit_notice.html").unlink()
    with pytest.raises(BundleInvalid) as refused:
        designer.deploy(ctx)
    problems = [(p.element, p.message) for p in refused.value.problems]
    assert any(
        element == "stop_notice" and "“书面告知停发理由”出具的文书 stop_benefit_notice 没有模板" in message
        for element, message in problems
    ), problems
