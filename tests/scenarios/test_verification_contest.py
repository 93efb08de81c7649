"""信息核对 that can be contested (审确 Art. 18, docs/verification-exchange.md), end to end through the real
dibao_application BPMN: the 核对机构's per-item findings change the assessment; a result that is not
"consistent" is told to the applicant, who may ask for a 复查 within verification_contest_days (5) working
days; the 复查's results replace the findings; without a request the findings stand when the timer fires.

Household (demo county, S = 800 元/人·月, marginal below 1.5 S = 1,200): 张三 (applicant) declares a wage
of 600 a month, his wife 李芳 declares none. n = 2.
- as declared: p = 600 / 2 = 300 < 800 → 低保, B = (800 − 300) × 2 = 1,000.
- 核对 (tax) finds a wage of 2,000 a month for 李芳: I = 600 + 2,000 = 2,600, p = 1,300 ≥ 1,200 → not
  eligible, not even marginal (边缘), B = 0.
"""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.errors import InvalidData
from engine.queries import task_page
from engine.services import timers
from tests.scenarios.flow import INVESTIGATORS, Application, Recheck, Users
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
# The contest window opens on Monday 23 November; 5 working days end on Monday 30 November.
INSIDE_WINDOW = "2026-11-27 08:00:00"  # Friday: day 5 has not ended
AFTER_WINDOW = "2026-12-01 02:00:00"  # Tuesday 10:00 Beijing time

WAGE_FOUND = {
    "item": "tax",
    "result": "discrepancy",
    "finding": "纳税记录显示李芳在某物流公司任职，月工资 2000 元",
    "member": "李芳",
    "income_kind": "wage",
    "monthly_amount": "2000.00",
}


def _household() -> dict[str, Any]:
    return household(
        member("张三", "self", ("wage", "600.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
    )


def _verification(result: str, *items: dict[str, Any], report: str = "核对完毕") -> dict[str, Any]:
    return {
        "result": result,
        "verification_items": [
            *items,
            {"item": "real_estate", "result": "consistent"},
            {"item": "vehicle", "result": "consistent"},
        ],
        "checked_items": ["tax", "real_estate", "vehicle"],
        "report": report,
    }


def _to_verification(ctx: Context) -> Application:
    app = Application(ctx, _household()).start().accept()
    app.complete(
        "start_investigation",
        app.users.clerk,
        {"investigators": INVESTIGATORS, "planned_visit_date": "2026-11-25", "verification_requested": True},
    )
    app.complete(
        "home_visit",
        app.users.clerk,
        {
            "investigators": INVESTIGATORS,
            "visit_date": "2026-11-23",
            "method": "in_person",
            "members_present": "申请人本人及配偶",
            "signed_record": "RH-2026-001",
            "findings": "家庭实际居住情况与申报一致",
        },
    )
    return app


def _notify(app: Application) -> None:
    app.complete("verification_notice", app.users.clerk, {"notified_on": "2026-11-23", "method": "in_person"})


@freeze_time(START)
def test_a_consistent_result_goes_straight_to_the_assessment(ctx: Context) -> None:
    app = _to_verification(ctx)
    app.complete("data_verification", app.users.verifier, _verification("consistent"))
    assert app.open_task_names() == ["first_review"]
    assessment = app.view().assessment
    assert assessment is not None
    assert (assessment["per_capita_income"], assessment["category"], assessment["benefit_amount"]) == (
        "300.00",
        "dibao",
        "1000.00",
    )


def test_the_findings_stand_when_no_recheck_is_asked_for_in_time(ctx: Context) -> None:
    with freeze_time(START):
        app = _to_verification(ctx)
        app.complete("data_verification", app.users.verifier, _verification("ineligible", WAGE_FOUND))
        assert app.open_task_names() == ["verification_notice"]
        _notify(app)
        assert app.open_task_names() == ["verification_contest"]
    with freeze_time(INSIDE_WINDOW):
        timers.tick(ctx)
        assert app.open_task_names() == ["verification_contest"]
    with freeze_time(AFTER_WINDOW):
        timers.tick(ctx)
        assert app.open_task_names() == ["first_review"]
        assert [t.state for t in app.history("verification_contest")] == ["cancelled"]
        assessment = app.view().assessment
    assert assessment is not None
    # I = 600 + 2,000 = 2,600, p = 1,300 ≥ 1,200: neither 低保 nor 边缘.
    assert (assessment["per_capita_income"], assessment["eligible"], assessment["benefit_amount"]) == (
        "1300.00",
        False,
        "0.00",
    )
    assert assessment["explanation"][0] == (
        "信息核对（纳税）：纳税记录显示李芳在某物流公司任职，月工资 2000 元；"
        "李芳的工资性收入按核对结果每月 2000.00 元计算（原申报每月 0.00 元）"
    )


@freeze_time(START)
def test_an_applicant_contests_a_verification_result_and_the_recheck_changes_the_assessment(ctx: Context) -> None:
    app = _to_verification(ctx)
    app.complete("data_verification", app.users.verifier, _verification("ineligible", WAGE_FOUND))
    _notify(app)
    page = task_page.task_page(ctx, app.task("verification_contest").id, app.users.clerk)
    (panel,) = [p for p in page.context if p.name == "verification"]
    lines = [(i.label, i.value) for g in panel.groups for i in g.items if i.label.startswith("核对·")]
    assert lines == [
        ("核对·纳税", "存在差异：纳税记录显示李芳在某物流公司任职，月工资 2000 元；李芳 工资性收入 每月 2000.00 元"),
        ("核对·不动产", "一致"),
        ("核对·车辆", "一致"),
    ]
    with pytest.raises(InvalidData) as refused:
        app.complete("verification_contest", app.users.clerk, {"contest_decision": "recheck"})
    assert "contest_evidence" in refused.value.fields
    app.complete(
        "verification_contest",
        app.users.clerk,
        {"contest_decision": "recheck", "contest_evidence": "李芳已于 2026 年 9 月离职，提交解除劳动合同证明"},
    )
    assert app.open_task_names() == ["verification_recheck"]
    recheck = {
        "item": "tax",
        "result": "consistent",
    }
    app.complete(
        "verification_recheck", app.users.verifier, _verification("consistent", recheck, report="复查：已离职")
    )
    assert app.open_task_names() == ["first_review"]
    assessment = app.view().assessment
    assert assessment is not None
    # The 复查 replaced the finding: I = 600, p = 600 / 2 = 300 < 800, B = (800 − 300) × 2 = 1,000.
    assert (assessment["per_capita_income"], assessment["category"], assessment["benefit_amount"]) == (
        "300.00",
        "dibao",
        "1000.00",
    )
    assert not any(line.startswith("信息核对") for line in assessment["explanation"])


@freeze_time(START)
def test_the_verification_form_refuses_findings_that_do_not_add_up(ctx: Context) -> None:
    app = _to_verification(ctx)
    bad = _verification(
        "discrepancy",
        {"item": "tax", "result": "discrepancy", "monthly_amount": "2000.00"},
        {"item": "tax", "result": "consistent"},
    )
    with pytest.raises(InvalidData) as refused:
        app.complete("data_verification", app.users.verifier, bad)
    fields = refused.value.fields
    assert fields["verification_items.0.finding"] == ["逐项核对结果第 1 项·发现情况：存在差异时必填"]
    assert fields["verification_items.0.member"] == ["逐项核对结果第 1 项·家庭成员：填写了月均金额时必填"]
    assert fields["verification_items.0.income_kind"] == ["逐项核对结果第 1 项·收入类别：填写了月均金额时必填"]
    assert fields["verification_items.1.item"] == ["逐项核对结果第 2 项·核对项目：与第 1 项重复"]
    stranger = dict(WAGE_FOUND, member="王五")
    with pytest.raises(InvalidData) as refused:
        app.complete("data_verification", app.users.verifier, _verification("consistent", stranger))
    assert refused.value.fields == {
        "result": ["核对结果：有项目存在差异时不能选“与申报一致”"],
        "verification_items.0.member": ["逐项核对结果第 1 项·家庭成员：王五 不是本户成员（填写姓名或身份证号）"],
    }
    assert app.open_task_names() == ["data_verification"]


def test_a_periodic_review_checks_the_data_too_and_reassesses_with_the_findings(ctx: Context) -> None:
    """动态复核: 张三 1,500 wage, n = 3, enrolled at (800 − 500) × 3 = 900. 核对 (social insurance) finds a wage
    of 600 for 李芳; the applicant does not contest: I = 2,100, p = 700, B = (800 − 700) × 3 = 300."""
    users = Users()
    declared = household(member("张三", "self", ("wage", "1500.00")), member("李芳", "spouse"), member("张小", "child"))
    with freeze_time(START):
        app = Application(ctx, declared, users).start().accept().investigate().first_review()
    with freeze_time("2026-11-30 02:00:00"):
        app.end_notice()
        app.confirm()
    review = Recheck(ctx, app.number, users)
    with freeze_time("2027-06-01 02:00:00"):
        review.start(declared, "900.00")
        review.complete(
            "recheck_investigation",
            users.clerk,
            {
                "investigators": INVESTIGATORS,
                "visit_date": "2027-06-01",
                "findings": "入户核实家庭收入",
                "income_change_cause": "other",
                "verified_household": declared,
            },
        )
        assert review.open_task_names() == ["data_verification"]
        found = dict(
            WAGE_FOUND, item="social_insurance", finding="社保缴费记录显示李芳有工资收入", monthly_amount="600"
        )
        review.complete("data_verification", users.verifier, _verification("discrepancy", found))
        review.complete("verification_notice", users.clerk, {"notified_on": "2027-06-01", "method": "written"})
        review.complete("verification_contest", users.clerk, {"contest_decision": "accept"})
        assert review.open_task_names() == ["township_opinion"]
        assessment = review.view().assessment
    assert assessment is not None
    assert (assessment["per_capita_income"], assessment["benefit_amount"]) == ("700.00", "300.00")
    assert assessment["explanation"][0].startswith("信息核对（社会保险）：社保缴费记录显示李芳有工资收入；")
