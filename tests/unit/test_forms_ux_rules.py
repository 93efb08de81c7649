"""The pieces of docs/forms-ux.md that need no app: cross-field rules in the same round as field errors
(and never judging a refused field), hints before submit, hour deadlines, the list template and the error
summary of a rendered form, and diagram labels kept off the lines."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from engine.errors import InvalidData
from engine.settings import PROJECT_ROOT
from forms import load_form, validate_form
from forms.rules import field_hints
from tests.scenarios.households import id_number
from web.kit.diagram import render_svg
from web.kit.diagram.bpmn import Box
from web.kit.diagram.placement import crosses
from web.kit.forms_render import add_hints, render_form

SVG = "{http://www.w3.org/2000/svg}"


def _errors(form_key: str, data: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(InvalidData) as refused:
        validate_form(load_form(form_key), data)
    return refused.value.fields


def test_a_vote_tally_that_does_not_add_up_comes_with_the_missing_date_in_one_round() -> None:
    participant = {"name": "张三", "kind": "resident_rep", "present": True, "related_to_applicant": False}
    data = {"votes_for": "3", "votes_against": "0", "votes_abstain": "0", "participants": [participant]}
    errors = _errors("dibao_democratic_review", {**data, "conclusion": "pass", "opinion": "同意", "minutes": "1"})
    assert errors["held_on"] == ["评议日期：必填"]
    assert errors["votes_for"] == ["同意票：同意、反对、弃权票合计 3 票，应等于出席且无需回避的人数 1"]


def test_a_rule_waits_while_a_field_it_reads_was_refused() -> None:
    participant = {"name": "张三", "kind": "nobody", "present": True, "related_to_applicant": False}
    data = {"votes_for": "3", "votes_against": "0", "votes_abstain": "0", "participants": [participant]}
    errors = _errors("dibao_democratic_review", data)
    assert "participants.0.kind" in errors
    assert "votes_for" not in errors  # the tally cannot be judged without the participants


def _member(name: str, relation: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "id_number": extra.pop("id_number", None) or id_number(),
        "relation": relation,
        "major_illness": False,
        "self_paid_medical_last_year": "0",
        "incomes": [],
        **extra,
    }


def test_household_rules_come_with_field_errors_unless_they_rest_on_a_refused_field() -> None:
    same = id_number()
    twice = [_member("张三", "spouse", id_number=same), _member("李四", "spouse", id_number=same)]
    errors = _errors("dibao_application_start", {"village": "x", "household": {"members": twice}})
    assert errors["channel"] == ["申请渠道：必填"]
    assert "household.registered_type" in errors
    assert errors["household.members"] == ["家庭情况·家庭成员：必须有且只有一名“本人（申请人）”，现在没有"]
    assert "household.members.1.id_number" in errors  # the same person twice

    unsure = [_member("张三", "spouse"), _member("李四", "cousin")]
    errors = _errors("dibao_application_start", {"village": "x", "household": {"members": unsure}})
    assert "household.members.1.relation" in errors
    assert "household.members" not in errors  # a refused relation might have been the applicant


def test_the_range_of_gradual_exit_months_is_a_hint_before_submit() -> None:
    schema = load_form("dibao_exit_proposal").schema
    context = {"exit_rules": {"min_months": 1, "max_months": 6}}
    assert field_hints(schema, context) == {"months": "本户可填：1–6 个月（本地区参数）。"}
    assert field_hints(schema, {"exit_rules": {"min_months": 6, "max_months": 6}}) == {
        "months": "本户可填：6 个月（本地区参数）。"
    }
    assert field_hints(schema, {}) == {}
    assert field_hints(load_form("dibao_democratic_review").schema, context) == {}
    form = render_form(schema, {}, {})
    add_hints(form.fields, field_hints(schema, context))
    (months,) = [f for f in form.fields if f.path == "months"]
    assert months.help.endswith("本户可填：1–6 个月（本地区参数）。")


def test_a_rendered_list_has_a_blank_template_item_and_the_summary_links_in_page_order() -> None:
    schema = load_form("dibao_application_start").schema
    errors = {
        "household.members.0.name": ["家庭成员第 1 项·姓名：必填"],
        "channel": ["申请渠道：必填"],
        "zzz": ["未知字段：zzz"],
    }
    form = render_form(schema, {}, errors)
    (household,) = [f for f in form.fields if f.path == "household"]
    (members,) = [f for f in household.children if f.path == "household.members"]
    assert members.template is not None
    assert members.template.path == "household.members.__new__"
    assert members.template.errors == []
    assert members.template.is_item
    (incomes,) = [f for f in members.template.children if f.widget == "array"]
    assert incomes.template is not None
    assert incomes.template.path == "household.members.__new__.incomes.__new__"
    assert form.summary == [
        ("", "未知字段：zzz"),
        ("f-channel", "申请渠道：必填"),
        ("f-household-members-0-name", "家庭成员第 1 项·姓名：必填"),
    ]


def test_a_line_crossing_a_box_is_seen_and_one_passing_it_is_not() -> None:
    box = Box(100, 100, 50, 20)
    assert crosses(box, ((125, 50), (125, 200)))  # straight through
    assert crosses(box, ((90, 90), (160, 130)))  # diagonally
    assert not crosses(box, ((160, 50), (160, 200)))  # beside it
    assert not crosses(box, ((0, 0), (90, 0)))


def test_a_gateway_s_name_moves_off_the_flow_leaving_below_it() -> None:
    """受理结论 (intake_gateway): its 不予受理 branch leaves from the bottom, where the DI puts the name."""
    bpmn = (PROJECT_ROOT / "processes" / "default" / "dibao_application.bpmn").read_text(encoding="utf-8")
    svg = etree.fromstring(render_svg(bpmn, "dibao_application").encode())
    (gateway,) = [g for g in svg.iter(f"{SVG}g") if g.get("data-element") == "intake_gateway"]
    diamond = gateway.find(f"{SVG}polygon")
    assert diamond is not None
    top = min(float(p.split(",")[1]) for p in (diamond.get("points") or "").split())
    (name,) = [t for t in gateway.iter(f"{SVG}text") if "受理结论" in "".join(t.itertext())]
    assert float(name.get("y") or 0) < top  # above the diamond, away from the line below it
