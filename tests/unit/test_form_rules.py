"""Cross-field rules of form definitions: x-required-when and named x-check rules."""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import InvalidData
from forms import FormDefinition, validate_form
from forms.problems import definition_problems

INTAKE: dict[str, Any] = {
    "title": "受理",
    "type": "object",
    "required": ["decision"],
    "properties": {
        "decision": {
            "type": "string",
            "title": "结论",
            "enum": ["approve", "supplement"],
            "x-enum-labels": {"supplement": "材料不全"},
        },
        "missing_items": {"type": "array", "title": "缺少的材料", "items": {"type": "string", "title": "材料"}},
    },
    "x-required-when": {"missing_items": {"decision": ["supplement"]}},
}


def test_required_when_the_condition_holds_only() -> None:
    form = FormDefinition.from_dict("intake", INTAKE)
    assert validate_form(form, {"decision": "approve"}) == {"decision": "approve"}
    with pytest.raises(InvalidData) as error:
        validate_form(form, {"decision": "supplement", "missing_items": []})
    assert error.value.fields == {"missing_items": ["缺少的材料：结论为“材料不全”时必填"]}
    assert validate_form(form, {"decision": "supplement", "missing_items": ["户口簿"]})["missing_items"] == ["户口簿"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"x-required-when": {"nope": {"decision": ["x"]}}}, "字段 nope 未定义"),
        ({"x-required-when": {"missing_items": {"decision": []}}}, "必须是已定义字段及其取值列表"),
        ({"x-required-when": ["missing_items"]}, "必须是从字段名到条件的对象"),
        ({"x-check": "no_such_check"}, "未知的 x-check"),
    ],
)
def test_bad_rules_are_definition_problems(change: dict[str, Any], problem: str) -> None:
    raw = {**INTAKE, **change}
    assert any(problem in p for p in definition_problems(raw))


def test_democratic_review_votes_must_add_up_to_the_voters_present() -> None:
    form = FormDefinition.from_dict(
        "review",
        {
            "title": "评议",
            "type": "object",
            "properties": {
                "participants": {
                    "type": "array",
                    "title": "参加人员",
                    "items": {
                        "type": "object",
                        "title": "人员",
                        "properties": {
                            "name": {"type": "string", "title": "姓名"},
                            "present": {"type": "boolean", "title": "出席"},
                            "related_to_applicant": {"type": "boolean", "title": "回避"},
                        },
                    },
                },
                "votes_for": {"type": "integer", "title": "同意"},
                "votes_against": {"type": "integer", "title": "反对"},
                "votes_abstain": {"type": "integer", "title": "弃权"},
            },
            "x-check": "democratic_review_votes",
        },
    )
    people = [
        {"name": "甲", "present": True, "related_to_applicant": False},
        {"name": "乙", "present": True, "related_to_applicant": True},  # recused: no vote
        {"name": "丙", "present": False, "related_to_applicant": False},  # absent: no vote
    ]
    with pytest.raises(InvalidData) as error:
        validate_form(form, {"participants": people, "votes_for": 2, "votes_against": 0, "votes_abstain": 0})
    assert "应等于出席且无需回避的人数 1" in error.value.fields["votes_for"][0]
    ok = validate_form(form, {"participants": people, "votes_for": 1, "votes_against": 0, "votes_abstain": 0})
    assert ok["votes_for"] == 1
