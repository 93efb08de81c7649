"""The household-copy annotation (forms/problems.py) and its pure parts: expanding references against the
baseline (engine.domain.household_copy) and wording the differences (engine.domain.household_diff)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine.domain.household_copy import expand
from engine.domain.household_diff import differences
from engine.errors import InvalidData
from forms import load_form
from forms.problems import definition_problems
from tests.scenarios.households import household, member

HOME_VISIT = load_form("dibao_home_visit")
NODE = HOME_VISIT.schema["properties"]["verified_household"]


def _form(**fields: Any) -> dict[str, Any]:
    return {"title": "表单", "type": "object", "properties": fields}


def test_the_shipped_forms_declare_their_copies() -> None:
    assert NODE["x-widget"] == "household-copy"
    assert NODE["x-baseline"] == "household"
    for key in ("dibao_recheck_investigation", "dibao_final_check"):
        assert load_form(key).schema["properties"]["verified_household"]["x-baseline"] == "household"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"x": {"type": "string", "x-widget": "household-copy", "x-baseline": "household"}}, "只适用于家庭情况"),
        ({"x": {**copy.deepcopy(dict(NODE)), "x-baseline": "not a name"}}, "须用 x-baseline"),
        ({"x": {**{k: v for k, v in NODE.items() if k != "x-baseline"}}}, "须用 x-baseline"),
        ({"x": {"type": "string", "x-baseline": "household"}}, "x-baseline 只适用于"),
        ({"a": copy.deepcopy(dict(NODE)), "b": copy.deepcopy(dict(NODE))}, "最多只能有一个"),
        (
            {"outer": {"type": "object", "properties": {"inner": copy.deepcopy(dict(NODE))}}},
            "只能用于表单的顶层字段",
        ),
    ],
)
def test_misused_annotations_are_refused(fields: dict[str, Any], expected: str) -> None:
    problems = definition_problems(_form(**fields))
    assert any(expected in p for p in problems), problems


def _baseline() -> dict[str, Any]:
    return household(member("张三", "self", ("wage", "1500.00")), member("李芳", "spouse"), registered_type="rural")


def test_a_whole_household_sent_is_paired_by_id_number_so_only_real_changes_are_listed() -> None:
    baseline = _baseline()
    verified = copy.deepcopy(baseline)
    verified["members"].reverse()
    verified["registered_type"] = "urban"
    found = differences(NODE, baseline, verified)
    assert [d["text"] for d in found] == ["户籍类别：农村 → 城镇"]


def test_household_fields_given_replace_the_baseline_and_the_rest_is_kept() -> None:
    baseline = _baseline()
    whole, (made,) = expand(HOME_VISIT.schema, {"verified_household": {"assets_pass": False}}, {"household": baseline})
    assert whole["verified_household"] == {**baseline, "assets_pass": False}
    assert made.origins == [0, 1]


def test_a_reference_without_a_baseline_is_refused() -> None:
    with pytest.raises(InvalidData) as refused:
        expand(HOME_VISIT.schema, {"verified_household": {"members": [{"_ref": 0}]}}, {})
    assert refused.value.fields == {"verified_household": ["核实后的家庭情况：没有可引用的原家庭情况，请完整填写"]}


def test_a_changed_member_keeps_the_baseline_id_number_unless_a_new_one_is_typed() -> None:
    baseline = _baseline()
    spouse = {k: v for k, v in baseline["members"][1].items() if k != "id_number"}
    data = {"verified_household": {"members": [{"_ref": 0}, {"_ref": 1, **spouse, "id_number": " "}]}}
    whole, _ = expand(HOME_VISIT.schema, data, {"household": baseline})
    assert whole["verified_household"]["members"][1]["id_number"] == baseline["members"][1]["id_number"]
