"""Decision-context panels (docs/decision-context.md): each deciding step shows what it decides on, as
its BPMN declares, through the real processes and database; deploy refuses an unknown panel name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.errors import BundleInvalid
from engine.queries import case_view, task_page
from engine.queries import notices as notice_board
from engine.results import ContextPanel, TaskSummary
from engine.services import cases, designer, notices
from tests.conftest import MakeContext
from tests.scenarios.flow import Application, Recheck
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
DAY_5 = "2026-11-28 03:00:00"
NOTICE_OVER = "2026-11-30 02:00:00"
APPLICANT_ID = "11010519820315021X"


def _household() -> dict[str, object]:
    # n = 3, wage 1,500 → p = 500 < 800 → eligible, B = (800 − 500) × 3 = 900.
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
    )


def _panels(ctx: Context, task_id: int, user: str) -> dict[str, ContextPanel]:
    page = task_page.task_page(ctx, task_id, user)
    return {panel.name: panel for panel in page.context}


def _items(panel: ContextPanel) -> dict[str, str]:
    return {i.label: i.value for i in panel.items}


def _everything(panels: dict[str, ContextPanel]) -> str:
    return repr(list(panels.values()))


@freeze_time(START)
def test_first_review_shows_the_assessment_amount_household_and_findings(ctx: Context) -> None:
    app = Application(ctx, _household()).start().accept().investigate()
    panels = _panels(ctx, app.task("first_review").id, "head1")
    assert list(panels) == ["applicant", "household", "assessment", "investigation", "verification"]

    assessment = _items(panels["assessment"])
    assert assessment["评估结论"] == "符合低保条件"
    assert assessment["补差金额"] == "900.00 元/月"
    assert assessment["人均月收入"] == "500.00 元"
    assert assessment["拟保障金额"] == "900.00 元/月（3 人）"
    assert any("低保标准 800.00 元" in line for line in panels["assessment"].basis)

    household_panel = panels["household"]
    assert _items(household_panel)["家庭人口"] == "3 人"
    members = {g.title: {i.label: i.value for i in g.items} for g in household_panel.groups}
    assert set(members) == {"张三（本人（申请人））", "李芳（配偶）", "张小明（子女）"}
    assert members["张三（本人（申请人））"]["月收入"] == "1500.00 元"
    # 身份证号 appear masked only, here and in the applicant panel.
    full_ids = [m["id_number"] for m in _household()["members"]]  # type: ignore[index]
    assert all(str(number) not in _everything(panels) for number in full_ids)
    assert "*" in members["张三（本人（申请人））"]["身份证号"]
    assert _items(panels["applicant"])["申请人"] == "张三"

    (visit,) = panels["investigation"].groups
    assert visit.title.startswith("入户调查 · ")
    facts = {i.label: i.value for i in visit.items}
    assert facts["调查情况"] == "家庭实际居住情况与申报一致"
    assert facts["调查方式"] == "实地入户"
    assert facts["调查人员（至少两人）"] == "王调查、李调查"
    (check,) = panels["verification"].groups
    assert {i.label: i.value for i in check.items}["核对结果"] == "与申报一致"


@freeze_time(START)
def test_objection_handling_shows_the_objection_text(ctx: Context) -> None:
    app = Application(ctx, _household()).start().accept().investigate().first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    with freeze_time(DAY_5):
        notices.object_to_notice(ctx, notice.id, "该户有一辆货车未申报", contact="13800000000")
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        panels = _panels(ctx, app.task("objection_handling").id, "head1")
    objections = panels["objections"]
    assert _items(objections)["收到异议"] == "1 条"
    (objection,) = objections.groups
    assert [(i.label, i.value) for i in objection.items] == [("异议内容", "该户有一辆货车未申报")]
    assert "公示栏" in objection.title or "工作人员" in objection.title or "接口" in objection.title
    assert "13800000000" not in _everything(panels)  # the objector's contact stays off the page
    assert _items(panels["assessment"])["补差金额"] == "900.00 元/月"


@freeze_time(START)
def test_advance_payment_shows_the_hardship_and_the_amount(ctx: Context) -> None:
    data = {
        "village": "demo-village-1-1",
        "applicant_name": "王建国",
        "applicant_id_number": APPLICANT_ID,
        "kind": "emergency",
        "cause": "fire",
        "occurred_on": "2026-11-22",
        "persons": 3,
        "months": 4,
        "household_type": "other",
        "existing_recipient": False,
        "hardship_description": "住房失火，家中财物全部烧毁，三口人暂住亲戚家",
    }
    number = cases.start_case(ctx, "temporary_assistance", "clerk1", data).number
    (task,) = [t for t in _open_tasks(ctx, number) if t.task_name == "advance_payment"]
    panels = _panels(ctx, task.id, "head1")
    hardship = _items(panels["hardship"])
    assert hardship["困难情况说明"] == "住房失火，家中财物全部烧毁，三口人暂住亲戚家"
    assert hardship["救助类型"].startswith("急难型")
    assert hardship["困难事由"] == "火灾"
    assert hardship["测算救助金额"] == "9600.00 元"
    assert hardship["先行救助金额"] == "3200.00 元"
    applicant = _items(panels["applicant"])
    assert applicant["申请人"] == "王建国"
    assert applicant["身份证号"] == "110105********021X"
    assert APPLICANT_ID not in _everything(panels)
    assert any("救助金额 = 800.00 × 3 人 × 4 个月" in line for line in panels["assessment"].basis)


def _open_tasks(ctx: Context, number: str) -> list[TaskSummary]:
    return [t for t in case_view.show_case(ctx, number).tasks if t.state in ("open", "claimed")]


def test_a_recheck_decision_shows_the_enrolment_and_the_recheck_visit(ctx: Context) -> None:
    with freeze_time(START):
        app = Application(ctx, _household()).start().accept().investigate().first_review()
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.confirm()
    review = Recheck(ctx, app.number)
    with freeze_time("2027-02-01 02:00:00"):
        review.start(_household(), "900.00")
        review.investigate(_household(), "other", "2027-02-01")
        (task,) = [t for t in review.view().tasks if t.task_name == "township_opinion"]
        panels = _panels(ctx, task.id, "head1")
    assert list(panels) == ["applicant", "enrolment", "household", "assessment", "investigation"]
    enrolment = _items(panels["enrolment"])
    assert (enrolment["保障状态"], enrolment["每月保障金额"], enrolment["保障人数"]) == ("保障中", "900.00 元", "3 人")
    assert _items(panels["applicant"])["原案件编号"] == app.number
    (visit,) = panels["investigation"].groups
    facts = {i.label: i.value for i in visit.items}
    assert facts["核实后的家庭情况"] == "已填写（3 人，见“家庭情况”）"
    assert "复核调查" in visit.title


@freeze_time(START)
def test_api_task_detail_and_a_task_without_panels(ctx: Context) -> None:
    app = Application(ctx, _household()).start()
    shown = task_page.show_task_in_context(ctx, app.task("intake_review").id, "clerk1")
    assert [p.name for p in shown.context] == ["applicant", "household"]
    assert task_page.show_task(ctx, app.task("intake_review").id).summary.task_name == "intake_review"


def test_a_case_started_before_the_panels_were_declared_shows_them_after_the_deploy(
    make_context: MakeContext, processes_dir: Path
) -> None:
    bpmn = processes_dir / "default" / "dibao_application.bpmn"
    declared = bpmn.read_text(encoding="utf-8")
    bpmn.write_text(
        re.sub(r"\n\s*<spiffworkflow:property name=\"contextPanels\"[^\n]*", "", declared), encoding="utf-8"
    )
    ctx = make_context()
    with freeze_time(START):
        app = Application(ctx, _household()).start()
        task_id = app.task("intake_review").id
        assert task_page.task_page(ctx, task_id, "clerk1").context == []
    bpmn.write_text(declared, encoding="utf-8")
    assert any(v.new for v in designer.deploy(ctx))
    assert app.view().process_version == 1  # the case keeps its version; the page takes the newest panels
    assert [p.name for p in task_page.task_page(ctx, task_id, "clerk1").context] == ["applicant", "household"]


def test_deploy_refuses_an_unknown_panel_naming_the_element(make_context: MakeContext, processes_dir: Path) -> None:
    bpmn = processes_dir / "default" / "dibao_application.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    declared = 'name="contextPanels" value="applicant, household, assessment, investigation, verification" />'
    assert text.count(declared) == 2  # 决定是否民主评议 and 初审
    bpmn.write_text(text.replace(declared, declared.replace("verification", "gossip"), 1), encoding="utf-8")
    with pytest.raises(BundleInvalid) as refused:
        make_context()
    refusals = [p for p in refused.value.problems if "contextPanels" in p.message]
    assert refusals, refused.value.problems
    # Every region deploys the default file: each refuses it, all naming the same element.
    assert {(p.element, p.file) for p in refusals} == {("decide_review", "default/dibao_application.bpmn")}
    problem = refusals[0]
    assert problem.element == "decide_review"
    assert "未知的决策依据面板“gossip”" in problem.message
    assert "决定是否民主评议" in problem.message
    assert "verification（信息核对）" in problem.message  # the names a designer may use, with their meaning


def test_deploy_refuses_an_empty_panel_list(ctx: Context, processes_dir: Path) -> None:
    bpmn = processes_dir / "default" / "gradual_exit.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    bpmn.write_text(
        text.replace('name="contextPanels" value="applicant, enrolment" />', 'name="contextPanels" value=" , " />'),
        encoding="utf-8",
    )
    with pytest.raises(BundleInvalid) as refused:
        designer.deploy(ctx)
    assert any(p.element == "stop_notice" and "contextPanels 为空" in p.message for p in refused.value.problems)


def test_a_problem_is_placed_in_the_file_of_its_process_when_element_ids_repeat(
    make_context: MakeContext, processes_dir: Path
) -> None:
    """Both the 低保 and the 特困 application have a user task `first_review`: a bad panel in the 特困 one is
    reported at its own file and line, not at the first file that has an element of that id."""
    bpmn = processes_dir / "default" / "tekun_application.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    declared = 'name="contextPanels" value="applicant, tekun, investigation, objections" />'
    line = text[: text.index('<bpmn:userTask id="first_review"')].count("\n") + 1
    bpmn.write_text(text.replace(declared, declared.replace("tekun,", "gossip,"), 1), encoding="utf-8")
    with pytest.raises(BundleInvalid) as refused:
        make_context()
    refusals = {(p.element, p.file, p.line) for p in refused.value.problems if "gossip" in p.message}
    assert refusals == {("first_review", "default/tekun_application.bpmn", line)}
