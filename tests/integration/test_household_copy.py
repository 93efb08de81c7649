"""The household as a verified copy (docs/household-copy.md) through the real 低保 and 动态复核 processes:
the home visit and the re-check start from the declared (or enrolled) household, members are sent as
references, the assessment uses the verified household, and the step stores the differences."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import InvalidData
from engine.persistence import HumanTask
from tests.scenarios.flow import INVESTIGATORS, Application, Recheck, Users
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"
NOTICE_OVER = "2026-11-30 02:00:00"
VISIT = {
    "investigators": INVESTIGATORS,
    "visit_date": "2026-11-23",
    "method": "in_person",
    "members_present": "申请人本人及配偶",
    "signed_record": "RH-2026-001",
    "findings": "入户核实",
}


_CONSISTENT = {"result": "consistent", "checked_items": ["tax"], "report": "未发现异常"}


def _declared() -> dict[str, Any]:
    # n = 3, wage 1,500 → p = 500 < 800 → B = 900.
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
    )


def _to_home_visit(ctx: Context, declared: dict[str, Any]) -> Application:
    app = Application(ctx, declared).start().accept()
    app.complete(
        "start_investigation",
        "clerk1",
        {"investigators": INVESTIGATORS, "planned_visit_date": "2026-11-25", "verification_requested": True},
    )
    return app


def _verify(app: Application) -> None:
    app.complete(
        "data_verification",
        "verify1",
        {"result": "consistent", "checked_items": ["tax", "real_estate", "vehicle"], "report": "未发现异常"},
    )


def _submission(ctx: Context, number: str, task_name: str) -> dict[str, Any]:
    with ctx.db.read() as session:
        rows = session.scalars(
            select(HumanTask.submission).where(HumanTask.task_name == task_name, HumanTask.state == "completed")
        ).all()
    found = [row for row in rows if row is not None]
    assert found, f"no completed {task_name}"
    return dict(found[-1])


def _without_id(person: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in person.items() if key != "id_number"}


@freeze_time(START)
def test_a_visit_without_changes_keeps_the_declared_household_and_lists_no_differences(ctx: Context) -> None:
    declared = _declared()
    app = _to_home_visit(ctx, declared)
    # Nothing about the household is typed: the form's field is left out entirely.
    app.complete("home_visit", "clerk1", VISIT)
    _verify(app)
    stored = _submission(ctx, app.number, "home_visit")
    assert stored["verified_household"] == declared
    assert stored["household_differences"] == []
    assessment = app.view().assessment
    assert assessment is not None
    assert (assessment["per_capita_income"], assessment["benefit_amount"]) == ("500.00", "900.00")


@freeze_time(START)
def test_references_alone_also_mean_unchanged(ctx: Context) -> None:
    declared = _declared()
    app = _to_home_visit(ctx, declared)
    refs = {"members": [{"_ref": 0}, {"_ref": "1"}, {"_ref": 2}]}
    app.complete("home_visit", "clerk1", {**VISIT, "verified_household": refs})
    stored = _submission(ctx, app.number, "home_visit")
    assert stored["verified_household"] == declared
    assert stored["household_differences"] == []


@freeze_time(START)
def test_one_income_changed_is_used_by_the_assessment_and_listed_old_to_new(ctx: Context) -> None:
    declared = _declared()
    app = _to_home_visit(ctx, declared)
    changed = _without_id(declared["members"][0])  # the 身份证号 is not sent: the baseline's is kept
    changed["incomes"] = [{"kind": "wage", "monthly_amount": "2100.00"}]
    verified = {"members": [{"_ref": 0, **changed}, {"_ref": 1}, {"_ref": 2}]}
    app.complete("home_visit", "clerk1", {**VISIT, "verified_household": verified})
    _verify(app)
    stored = _submission(ctx, app.number, "home_visit")
    assert stored["verified_household"]["members"][0]["id_number"] == declared["members"][0]["id_number"]
    assert stored["household_differences"] == [
        {
            "change": "member_changed",
            "member": "张三",
            "field": "incomes",
            "label": "月收入",
            "old": "工资性收入 1500.00",
            "new": "工资性收入 2100.00",
            "text": "张三·月收入：工资性收入 1500.00 → 工资性收入 2100.00",
        }
    ]
    # p = 2,100 / 3 = 700 < 800 → B = (800 − 700) × 3 = 300.
    assessment = app.view().assessment
    assert assessment is not None
    assert (assessment["per_capita_income"], assessment["benefit_amount"]) == ("700.00", "300.00")


@freeze_time(START)
def test_members_added_and_removed_are_listed_with_masked_id_numbers(ctx: Context) -> None:
    declared = _declared()
    app = _to_home_visit(ctx, declared)
    newcomer = member("张奶奶", "parent", ("basic_pension", "200.00"), birth="19450101")
    verified = {"members": [{"_ref": 0}, {"_ref": 1}, {"_ref": 2, "_remove": True}, newcomer]}
    app.complete("home_visit", "clerk1", {**VISIT, "verified_household": verified})
    differences = _submission(ctx, app.number, "home_visit")["household_differences"]
    assert [(d["change"], d["member"]) for d in differences] == [
        ("member_added", "张奶奶"),
        ("member_removed", "张小明"),
    ]
    texts = " ".join(d["text"] for d in differences)
    for person in (newcomer, declared["members"][2]):
        assert person["id_number"] not in texts
        assert person["id_number"][:6] + "********" + person["id_number"][-4:] in texts


@freeze_time(START)
@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([{"_ref": 3}], "引用的原家庭成员不存在"),
        ([{"_ref": "x"}], "引用的原家庭成员不存在"),
        ([{"_ref": 0}, {"_ref": 0}], "被重复引用"),
    ],
)
def test_a_forged_reference_is_refused_naming_the_field_and_nothing_is_stored(
    ctx: Context, members: list[dict[str, Any]], message: str
) -> None:
    app = _to_home_visit(ctx, _declared())
    with pytest.raises(InvalidData) as refused:
        app.complete("home_visit", "clerk1", {**VISIT, "verified_household": {"members": members}})
    ((path, messages),) = refused.value.fields.items()
    assert path.startswith("verified_household.members.")
    assert messages[0].startswith("核实后的家庭情况·家庭成员第")
    assert message in messages[0]
    assert "home_visit" in app.open_task_names()


@freeze_time(START)
def test_a_changed_member_still_passes_the_household_rules(ctx: Context) -> None:
    app = _to_home_visit(ctx, _declared())
    second_applicant = {"_ref": 1, **_without_id(_declared()["members"][1]), "relation": "self"}
    with pytest.raises(InvalidData) as refused:
        app.complete(
            "home_visit", "clerk1", {**VISIT, "verified_household": {"members": [{"_ref": 0}, second_applicant]}}
        )
    assert "verified_household.members" in refused.value.fields
    assert "本人（申请人）" in refused.value.fields["verified_household.members"][0]


@freeze_time(START)
def test_errors_after_a_removed_member_land_where_the_member_was_posted(ctx: Context) -> None:
    app = _to_home_visit(ctx, _declared())
    broken = {**_without_id(_declared()["members"][2]), "name": ""}
    verified = {"members": [{"_ref": 0}, {"_ref": 1, "_remove": True}, {"_ref": 2, **broken}]}
    with pytest.raises(InvalidData) as refused:
        app.complete("home_visit", "clerk1", {**VISIT, "verified_household": verified})
    assert list(refused.value.fields) == ["verified_household.members.2.name"]
    assert refused.value.fields["verified_household.members.2.name"][0].startswith(
        "核实后的家庭情况·家庭成员第 3 项·姓名"
    )


def _enrolled(ctx: Context, declared: dict[str, Any]) -> str:
    with freeze_time(START):
        app = Application(ctx, declared).start().accept().investigate().first_review()
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.confirm()
    return app.number


def test_a_recheck_starts_from_the_enrolled_household(ctx: Context) -> None:
    declared = _declared()
    number = _enrolled(ctx, declared)
    review = Recheck(ctx, number, Users())
    with freeze_time("2027-02-01 02:00:00"):
        review.start(declared, "900.00")
        changed = _without_id(declared["members"][1])
        changed["incomes"] = [{"kind": "wage", "monthly_amount": "600.00"}]
        changed["employment"] = {"status": "employed", "started": "2027-01-10"}
        review.complete(
            "recheck_investigation",
            "clerk1",
            {
                "investigators": INVESTIGATORS,
                "visit_date": "2027-02-01",
                "findings": "配偶就业",
                "income_change_cause": "employment",
                "verified_household": {"members": [{"_ref": 0}, {"_ref": 1, **changed}, {"_ref": 2}]},
            },
        )
        review.complete("data_verification", "verify1", _CONSISTENT)
    stored = _submission(ctx, review.number, "recheck_investigation")
    assert [d["field"] for d in stored["household_differences"]] == ["employment", "incomes"]
    assert stored["verified_household"]["members"][1]["id_number"] == declared["members"][1]["id_number"]
    # p = (1,500 + 600) / 3 = 700 → B = 300.
    assessment = review.view().assessment
    assert assessment is not None
    assert (assessment["per_capita_income"], assessment["benefit_amount"]) == ("700.00", "300.00")


def test_a_recheck_with_nothing_changed_needs_no_household_typed(ctx: Context) -> None:
    declared = _declared()
    review = Recheck(ctx, _enrolled(ctx, declared), Users())
    with freeze_time("2027-02-01 02:00:00"):
        review.start(declared, "900.00")
        review.complete(
            "recheck_investigation",
            "clerk1",
            {
                "investigators": INVESTIGATORS,
                "visit_date": "2027-02-01",
                "findings": "无变化",
                "income_change_cause": "other",
            },
        )
        review.complete("data_verification", "verify1", _CONSISTENT)
    stored = _submission(ctx, review.number, "recheck_investigation")
    assert stored["verified_household"] == declared
    assert stored["household_differences"] == []
    assert review.open_task_names() == ["township_opinion"]
