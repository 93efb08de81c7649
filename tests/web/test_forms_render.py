"""Form definitions as fields and posted forms as data, with the household form (members, each with a
nullable disability, an optional employment and a list of incomes) as the hard case."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from engine.errors import InvalidData
from forms import load_form, validate_form
from web.kit.forms_parse import apply_op, parse_submission
from web.kit.forms_render import Field, render_form

HOUSEHOLD = load_form("household")
VALID_ID = "110101199003074514"


def _flat(fields: list[Field]) -> dict[str, Field]:
    out: dict[str, Field] = {}
    for f in fields:
        out[f.path] = f
        out.update(_flat(f.children))
        out.update(_flat(f.items))
    return out


def _posted(**values: str) -> MultiDict[str, str]:
    return MultiDict({f"f.{key.replace('__', '.')}": value for key, value in values.items()})


def test_blank_household_starts_with_one_member() -> None:
    form = render_form(HOUSEHOLD.schema, {}, {})
    fields = _flat(form.fields)
    members = fields["members"]
    assert (members.widget, members.required, len(members.items), members.can_add) == ("array", True, 1, True)
    assert not members.items[0].can_remove  # minItems 1
    assert fields["members.0.name"].label == "姓名"
    assert fields["members.0.name"].required_attr
    assert fields["members.0.id_number"].widget == "id_number"
    relation = fields["members.0.relation"]
    assert relation.widget == "select"
    assert relation.options[0].label == "本人（申请人）"
    assert fields["registered_type"].widget == "radio"
    assert fields["assets_pass"].widget == "checkbox"
    assert fields["assets_pass"].help
    # Inside an optional or nullable object nothing is required by the browser, only marked.
    grade = fields["members.0.disability.grade"]
    assert grade.required
    assert not grade.required_attr
    assert [o.label for o in grade.options] == ["一级", "二级", "三级", "四级"]
    assert fields["members.0.employment.started"].widget == "date"
    assert fields["members.0.incomes"].items == []
    assert fields["last_year_total_income"].attrs["inputmode"] == "decimal"


def test_posted_household_becomes_valid_form_data() -> None:
    posted = _posted(
        registered_type="rural",
        assets_pass="true",
        last_year_total_income="",
        members___n="2",
        members__0__name="张三",
        members__0__id_number=VALID_ID,
        members__0__relation="self",
        members__0__disability__grade="2",
        members__0__disability__type="physical",
        members__0__employment__status="",
        members__0__employment__started="",
        members__0__incomes___n="1",
        members__0__incomes__0__kind="wage",
        members__0__incomes__0__monthly_amount="1500",
        members__1__name="李四",
        members__1__id_number="",
        members__1__relation="spouse",
        members__1__disability__grade="",
        members__1__disability__type="",
        members__1__incomes___n="0",
        rigid_expenses___n="0",
    )
    data = parse_submission(HOUSEHOLD.schema, posted)
    assert data["existing_recipient"] is False  # an unchecked box is "no"
    assert data["members"][0]["disability"] == {"grade": "2", "type": "physical"}
    assert "employment" not in data["members"][0]  # left blank: not given
    assert data["members"][1]["disability"] is None  # nullable and blank: none
    with pytest.raises(InvalidData) as refused:
        validate_form(HOUSEHOLD, data)
    assert set(refused.value.fields) == {"members.1.id_number"}
    data["members"][1]["id_number"] = "110101198506151230"
    clean = validate_form(HOUSEHOLD, data)
    assert clean["members"][0]["incomes"] == [{"kind": "wage", "monthly_amount": "1500.00"}]
    assert clean["members"][0]["disability"] == {"grade": 2, "type": "physical"}


def test_errors_land_at_nested_fields_and_values_stay() -> None:
    values: dict[str, Any] = {"members": [{"name": "张三", "incomes": [{"kind": "wage", "monthly_amount": "abc"}]}]}
    errors = {
        "members.0.incomes.0.monthly_amount": ["家庭成员第 1 项·月收入第 1 项·月均金额（元）：必须是金额"],
        "members.0.id_number": ["家庭成员第 1 项·身份证号：必填"],
        "unexpected": ["未知字段：unexpected"],
    }
    form = render_form(HOUSEHOLD.schema, values, errors)
    fields = _flat(form.fields)
    amount = fields["members.0.incomes.0.monthly_amount"]
    assert amount.value == "abc"
    assert amount.errors == errors["members.0.incomes.0.monthly_amount"]
    assert fields["members.0.name"].value == "张三"
    assert form.other_errors == ["未知字段：unexpected"]
    assert form.error_count == 3


def test_add_and_remove_items() -> None:
    data: dict[str, Any] = {"members": [{"name": "张三", "incomes": []}]}
    assert apply_op(HOUSEHOLD.schema, data, "add:members")
    assert apply_op(HOUSEHOLD.schema, data, "add:members.0.incomes")
    assert apply_op(HOUSEHOLD.schema, data, "add:rigid_expenses")
    assert data == {"members": [{"name": "张三", "incomes": [{}]}, {}], "rigid_expenses": [{}]}
    assert apply_op(HOUSEHOLD.schema, data, "remove:members.0")
    assert data["members"] == [{}]
    assert apply_op(HOUSEHOLD.schema, data, "remove:members.0")  # minItems 1: the last member stays
    assert data["members"] == [{}]
    for bad in ("add:registered_type", "add:nothing", "remove:members.7", "remove:members", "drop:members", "add:"):
        assert not apply_op(HOUSEHOLD.schema, data, bad)


def test_item_counts_are_capped() -> None:
    data = parse_submission(HOUSEHOLD.schema, _posted(members___n="100000000"))
    assert len(data["members"]) == 200
    assert parse_submission(HOUSEHOLD.schema, _posted(members___n="-3"))["members"] == []


def test_nested_fields_render_as_fieldsets_with_buttons(app: Flask) -> None:
    form = render_form(HOUSEHOLD.schema, {"members": [{}, {"incomes": [{}]}]}, {})
    with app.test_request_context():
        macros = app.jinja_env.get_template("kit/_fields.html").module
        html = "".join(str(macros.render_field(f)) for f in form.fields)  # type: ignore[attr-defined]
    assert '<legend>家庭成员<span class="req" title="必填">*</span></legend>' in html
    assert '<input type="hidden" name="f.members._n" value="2">' in html
    assert 'name="f.members.1.incomes.0.monthly_amount"' in html
    assert 'value="add:members"' in html
    assert 'value="add:members.1.incomes"' in html
    assert 'value="remove:members.1"' in html
    assert 'value="remove:members.1.incomes.0"' in html
    assert 'type="date" id="f-members-0-employment-started"' in html
    assert 'type="checkbox" id="f-assets_pass" name="f.assets_pass" value="true"' in html
    assert "formnovalidate" in html


def test_a_list_inside_an_optional_group_asks_the_browser_for_nothing() -> None:
    """核实后的家庭情况 on the 入户调查 form is optional: its first member's fields are marked but carry no
    HTML `required`, or Chromium refuses to submit the form with the group left empty."""
    home_visit = load_form("dibao_home_visit")
    fields = _flat(render_form(home_visit.schema, {}, {}).fields)
    name = fields["verified_household.members.0.name"]
    assert name.required
    assert not name.required_attr
    assert fields["signed_record"].required_attr  # the form's own required fields still are
