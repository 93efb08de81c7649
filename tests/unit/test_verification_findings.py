"""信息核对 findings applied to a household (engine.domain.verification), with hand-worked values."""

from __future__ import annotations

from typing import Any

from engine.domain.verification import apply_findings, findings_problems


def _household() -> dict[str, Any]:
    return {
        "assets_pass": True,
        "members": [
            {
                "name": "张三",
                "id_number": "110105198001011015",
                "incomes": [{"kind": "wage", "monthly_amount": "600.00"}],
            },
            {"name": "李芳", "id_number": "110105198001011023", "incomes": []},
        ],
    }


def test_an_amount_found_replaces_the_declared_income_of_that_kind() -> None:
    declared = _household()
    found = {
        "item": "tax",
        "result": "discrepancy",
        "finding": "纳税记录显示工资更高",
        "member": "110105198001011015",
        "income_kind": "wage",
        "monthly_amount": "1800",
    }
    applied = apply_findings(declared, [found, {"item": "vehicle", "result": "consistent"}])
    assert applied["household"]["members"][0]["incomes"] == [{"kind": "wage", "monthly_amount": "1800.00"}]
    assert applied["changed"] is True
    assert applied["explanation"] == [
        "信息核对（纳税）：纳税记录显示工资更高；张三的工资性收入按核对结果每月 1800.00 元计算（原申报每月 600.00 元）"
    ]
    assert declared["members"][0]["incomes"] == [{"kind": "wage", "monthly_amount": "600.00"}]  # input untouched


def test_a_zero_amount_removes_the_income_and_property_over_the_limit_fails_the_property_test() -> None:
    items = [
        {
            "item": "social_insurance",
            "result": "discrepancy",
            "finding": "已停保",
            "member": "张三",
            "income_kind": "wage",
            "monthly_amount": "0",
        },
        {"item": "real_estate", "result": "discrepancy", "finding": "名下有两套住房", "assets_exceed": True},
        {"item": "deposit", "result": "discrepancy", "finding": "存款与申报略有出入"},
    ]
    applied = apply_findings(_household(), items)
    assert applied["household"]["members"][0]["incomes"] == []
    assert applied["household"]["assets_pass"] is False
    assert applied["explanation"] == [
        "信息核对（社会保险）：已停保；张三的工资性收入按核对结果每月 0.00 元计算（原申报每月 600.00 元）",
        "信息核对（不动产）：名下有两套住房，家庭财产超过规定，财产状况按不符合条件认定",
        "信息核对（存款）：存款与申报略有出入（未改变评估所用数据）",
    ]


def test_no_findings_change_nothing() -> None:
    assert apply_findings(_household(), []) == {"household": _household(), "explanation": [], "changed": False}


def test_a_not_consistent_result_needs_a_discrepancy_and_details_only_on_discrepancies() -> None:
    data = {"result": "discrepancy", "verification_items": [{"item": "tax", "result": "not_checked", "member": "张三"}]}
    assert findings_problems(data, {"household": _household()}) == {
        "verification_items.0.result": [
            "逐项核对结果第 1 项·结果：只有“存在差异”的项目才能填写成员、收入类别、金额或财产情况"
        ],
        "verification_items": ["逐项核对结果：核对结果不是“与申报一致”时，至少要有一项“存在差异”并写明发现的情况"],
    }
