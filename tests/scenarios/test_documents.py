"""Every document the national 低保 procedure requires, found in the case and read back from its PDF
(docs/documents-catalogue.md): the Chinese text, the verification code resolving to the row, and the
PDF's sha256 in the audit chain. The demo county's parameters: S = 800 元/人·月; scenario 1's household
(n = 3, wage 1,500 → p = 500 → B = (800 − 500) × 3 = 900 元, paid from the month after the decision).
"""

from __future__ import annotations

from freezegun import freeze_time

from engine.context import Context
from engine.queries import case_page
from engine.queries import notices as notice_board
from engine.services import notices
from tests.scenarios.countersign_flow import hold_democratic_review
from tests.scenarios.flow import Application, Users
from tests.scenarios.households import household, member
from tests.scenarios.issued import check_verifiable, issued, one

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
DAY_5 = "2026-11-28 03:00:00"
NOTICE_OVER = "2026-11-30 02:00:00"
INCOMPLETE = {
    "decision": "supplement",
    "pledge_signed": True,
    "consent_signed": False,
    "relative_of_staff": False,
    "opinion": "材料不全",
}


def _household() -> dict[str, object]:
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
    )


def _id_numbers(data: dict[str, object]) -> list[str]:
    return [str(m["id_number"]) for m in data["members"]]  # type: ignore[index, attr-defined]


@freeze_time(START)
def test_the_national_procedure_issues_every_document_it_requires(ctx: Context) -> None:
    data = _household()
    app = Application(ctx, data).start()
    app.complete("intake_review", "clerk1", {**INCOMPLETE, "missing_items": ["家庭经济状况核对授权书", "户口簿复印件"]})
    notice = one(issued(ctx, app.number), "missing_materials_notice")
    assert notice.title == "一次性告知书"
    for text in ("张三：", "家庭经济状况核对授权书", "户口簿复印件", "2026年12月8日前", "一次性告知", "第十条"):
        assert text in notice.text, text
    check_verifiable(ctx, notice)

    app.complete("await_supplement", "clerk1", {"decision": "approve", "opinion": "已补齐"})
    app.accept().investigate().first_review()
    documents = issued(ctx, app.number)
    consent = one(documents, "verification_consent")
    for text in (
        "家庭经济状况核对授权书",
        "张三",
        "李芳",
        "张小明",
        "本人签字",
        "查询、核对本家庭成员的收入和财产状况",
    ):
        assert text in consent.text, text
    assert "110105********" in consent.text  # masked 身份证号 only
    for id_number in _id_numbers(data):
        assert id_number not in consent.text
    (visit,) = [d for d in documents if d.template == "home_visit_record"]
    assert visit.element == "home_visit"
    for text in (
        "入户调查记录表",
        "家庭实际居住情况与申报一致",
        "王调查",
        "李调查",
        "申请人本人及配偶",
        "2026年11月23日",
    ):
        assert text in visit.text, text

    sheet = one(documents, "public_notice_sheet")
    for text in ("张*", "3人", "900.00", "7天", "2026年11月23日至2026年11月30日", "异议受理"):
        assert text in sheet.text, text
    for secret in (*_id_numbers(data), "1500", "张三", "李芳", "张小明", "500.00"):
        assert secret not in sheet.text, secret  # 公示 privacy: no id numbers, incomes or other names
    check_verifiable(ctx, sheet)

    (board,) = notice_board.open_notices(ctx, "demo-village-1-1")
    with freeze_time(DAY_5):
        notices.object_to_notice(ctx, board.id, "该户有一辆货车未申报", contact="13800000000")
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.complete("objection_handling", "head1", {"decision": "democratic_review", "opinion": "组织民主评议核实"})
        hold_democratic_review(app)
        app.first_review("approve", "民主评议认定申报属实，维持拟保障意见")
        visit_data = {
            "investigators": ["县干部甲", "县干部乙"],
            "visit_date": "2026-11-30",
            "signed_record": "XR-01",
            "findings": "货车已报废，属实",
        }
        app.complete("county_home_visit", "county1", visit_data)
        app.confirm()

    documents = issued(ctx, app.number)
    review = one(documents, "democratic_review_record")
    for text in ("民主评议记录", "乡镇干部甲", "居民代表丁", "不同意", "缺席", "居民代表己", "3票", "1票", "通过"):
        assert text in review.text, text
    assert "回避人员居民代表己" in review.text  # the applicant's cousin withdrew and is not on the panel
    county_visit = [d for d in documents if d.element == "county_home_visit"]
    assert len(county_visit) == 1
    assert "货车已报废，属实" in county_visit[0].text

    form = one(documents, "approval_form")
    for text in ("最低生活保障审核确认审批表", "受理审查", "入户调查", "初审", "异议处理", "审核确认", "900.00元/月"):
        assert text in form.text, text
    for text in ("经审核，符合保障条件，确认保障", "民主评议认定申报属实", "2026年11月30日", "自2026年12月起发放"):
        assert text in form.text, text
    assert "签字、盖章" in form.text
    check_verifiable(ctx, form)

    confirmation = one(documents, "confirmation_notice")
    for text in ("最低生活保障确认通知书", "张三：", "自2026年12月起", "保障人数3人", "每月保障金900.00元"):
        assert text in confirmation.text, text
    check_verifiable(ctx, confirmation)
    timeline = [entry.text for entry in case_page.case_page(ctx, app.number, "clerk1").timeline]
    assert f"出具文书“最低生活保障确认通知书”，核验码 {confirmation.code}" in timeline


@freeze_time(START)
def test_a_rejection_states_the_reasons_and_the_rights_with_their_time_limits(ctx: Context) -> None:
    # n = 2, I = 1,600 → p = 800, not < S: 不予确认 (scenario 2).
    app = Application(ctx, household(member("赵六", "self", ("wage", "1600.00")), member("钱七", "spouse")))
    app.start().accept().investigate().first_review("reject", "人均收入不低于低保标准，拟不予保障")
    app.confirm("reject", "家庭人均收入800元，不低于当地低保标准800元，不予确认")
    app.complete(
        "rejection_notice",
        "clerk1",
        {
            "notice_text": "经审核，您家庭人均收入不低于当地低保标准，不予确认。",
            "delivered_on": "2026-11-23",
            "delivery_method": "in_person",
            "remedies_told": True,
        },
    )
    documents = issued(ctx, app.number)
    assert "confirmation_notice" not in [d.template for d in documents]
    form = one(documents, "approval_form")
    for text in ("不符合", "不予批准", "未公示", "家庭人均收入800元，不低于当地低保标准800元，不予确认"):
        assert text in form.text, text
    notice = one(documents, "rejection_notice")
    assert notice.element == "rejection_notice"
    for text in (
        "不予确认最低生活保障告知书",
        "赵六：",
        "经审核，您家庭人均收入不低于当地低保标准，不予确认。",
        "家庭人均收入800元，不低于当地低保标准800元，不予确认",
        "家庭月人均收入800.00元，不低于当地最低生活保障标准800.00元/人·月",
        "60日内",
        "《中华人民共和国行政复议法》",
        "6个月内",
        "《中华人民共和国行政诉讼法》",
    ):
        assert text in notice.text, text
    assert "None" not in notice.text  # a region without a 复议机关 parameter prints a blank
    check_verifiable(ctx, notice)


@freeze_time(START)
def test_a_regional_template_replaces_the_national_wording_for_that_regions_cases(ctx: Context) -> None:
    users = Users.of_region("huining")
    app = Application(ctx, household(member("赵六", "self", ("wage", "1600.00")), member("钱七", "spouse")), users)
    app.start().accept().investigate().first_review("reject", "拟不予保障")
    app.confirm("reject", "人均收入不低于标准，不予确认")
    app.complete(
        "rejection_notice",
        users.clerk,
        {
            "notice_text": "人均收入不低于标准。",
            "delivered_on": "2026-11-23",
            "delivery_method": "in_person",
            "remedies_told": True,
        },
    )
    notice = one(issued(ctx, app.number), "rejection_notice")
    for text in (
        "向会宁县人民政府申请行政复议",
        "会宁县人民政府行政复议办公室",
        "向会宁县人民法院提起行政诉讼",
        "脱困解困",
    ):
        assert text in notice.text, text
    check_verifiable(ctx, notice)
