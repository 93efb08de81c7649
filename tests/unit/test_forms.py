import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidData, NotFound
from forms import FormDefinition, definition_problems, form_exists, load_form, validate_form
from forms.validation import _schema_for

REVIEW: dict[str, Any] = {
    "title": "受理审查",
    "description": "审查申请材料",
    "type": "object",
    "required": ["decision", "opinion"],
    "properties": {
        "decision": {
            "type": "string",
            "title": "审查结论",
            "enum": ["approve", "reject", "return"],
            "x-enum-labels": {"approve": "同意", "reject": "不同意", "return": "退回"},
        },
        "opinion": {
            "type": "string",
            "title": "审批意见",
            "minLength": 1,
            "maxLength": 20,
            "x-widget": "textarea",
            "x-help": "说明理由",
        },
        "amount": {
            "type": "string",
            "format": "money",
            "title": "金额（元）",
            "minimum": "0",
            "maximum": "100000",
        },
        "visit_date": {"type": "string", "format": "date", "title": "入户日期", "x-not-future": True},
        "id_number": {"type": "string", "format": "id_number", "title": "身份证号"},
        "village": {"type": "string", "format": "org_unit", "title": "村/社区"},
        "persons": {"type": "integer", "title": "人数", "minimum": 1, "maximum": 50},
        "ratio": {"type": "number", "title": "比例", "minimum": 0},
        "relative_of_staff": {"type": "boolean", "title": "是否为工作人员近亲属"},
        "phone": {"type": "string", "title": "联系电话", "pattern": "^1[0-9]{10}$"},
        "investigators": {
            "type": "array",
            "title": "调查人员",
            "items": {"type": "string", "minLength": 1},
            "minItems": 2,
            "maxItems": 3,
        },
        "members": {
            "type": "array",
            "title": "家庭成员",
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "title": "姓名"},
                    "incomes": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"monthly_amount": {"type": "string", "format": "money", "title": "月收入"}},
                        },
                    },
                },
            },
        },
        "disability": {
            "type": ["object", "null"],
            "title": "残疾情况",
            "properties": {"grade": {"type": "integer", "title": "等级", "minimum": 1, "maximum": 4}},
        },
    },
    "x-order": ["decision", "opinion"],
}

# GB 11643-1999's own example; the check character is worked out in test_id_numbers.py.
VALID_ID = "11010519491231002X"


@pytest.fixture(scope="module")
def review() -> FormDefinition:
    return FormDefinition.from_json("review", json.dumps(REVIEW))


def errors_of(definition: FormDefinition, data: Any) -> dict[str, list[str]]:
    with pytest.raises(InvalidData) as caught:
        validate_form(definition, data)
    assert caught.value.message == "表单数据有误"
    return caught.value.fields


def minimal(**extra: Any) -> dict[str, Any]:
    return {"decision": "approve", "opinion": "材料齐全", **extra}


# --- valid data -----------------------------------------------------------------------------


@freeze_time("2026-03-10")
def test_valid_data_is_normalised(review: FormDefinition) -> None:
    data = {
        "decision": "approve",
        "opinion": "  材料齐全  ",
        "amount": 12.5,
        "visit_date": "2026-03-10",
        "id_number": VALID_ID.lower(),
        "village": "demo-village-1-1",
        "persons": "3",
        "ratio": "0.5",
        "relative_of_staff": "on",
        "phone": "13800000000",
        "investigators": ["张三", "李四"],
        "members": [{"name": "王五", "incomes": [{"monthly_amount": "1500"}]}],
        "disability": {"grade": 2},
    }
    assert validate_form(review, data) == {
        "decision": "approve",
        "opinion": "材料齐全",
        "amount": "12.50",
        "visit_date": "2026-03-10",
        "id_number": VALID_ID,
        "village": "demo-village-1-1",
        "persons": 3,
        "ratio": 0.5,
        "relative_of_staff": True,
        "phone": "13800000000",
        "investigators": ["张三", "李四"],
        "members": [{"name": "王五", "incomes": [{"monthly_amount": "1500.00"}]}],
        "disability": {"grade": 2},
    }


def test_result_is_json_safe(review: FormDefinition) -> None:
    cleaned = validate_form(review, minimal(amount="3", persons=2.0, disability=None))
    assert json.loads(json.dumps(cleaned)) == cleaned
    assert type(cleaned["persons"]) is int


def test_optional_fields_may_be_left_out_or_blank(review: FormDefinition) -> None:
    # An empty text box arrives as ""; for an optional field that means "not given".
    assert validate_form(review, minimal(amount="", visit_date="  ")) == minimal()


# --- required, unknown, null ------------------------------------------------------------------


def test_required_fields(review: FormDefinition) -> None:
    assert errors_of(review, {}) == {"decision": ["审查结论：必填"], "opinion": ["审批意见：必填"]}


def test_blank_required_text_is_missing(review: FormDefinition) -> None:
    assert errors_of(review, minimal(opinion="   ")) == {"opinion": ["审批意见：必填"]}


def test_unknown_top_level_key_is_refused(review: FormDefinition) -> None:
    assert errors_of(review, minimal(foo=1)) == {"foo": ["未知字段：foo"]}


def test_unknown_keys_are_refused_at_every_level(review: FormDefinition) -> None:
    data = minimal(
        members=[{"name": "王五", "age": 3, "incomes": [{"monthly_amount": "1", "kind": "wage"}]}],
        disability={"grade": 1, "type": "physical"},
    )
    assert errors_of(review, data) == {
        "members.0.age": ["未知字段：家庭成员第 1 项·age"],
        "members.0.incomes.0.kind": ["未知字段：家庭成员第 1 项·incomes第 1 项·kind"],
        "disability.type": ["未知字段：残疾情况·type"],
    }


def test_blank_unknown_key_is_still_refused(review: FormDefinition) -> None:
    assert errors_of(review, minimal(foo="")) == {"foo": ["未知字段：foo"]}


def test_nullable_object_accepts_null(review: FormDefinition) -> None:
    assert validate_form(review, minimal(disability=None)) == minimal(disability=None)


def test_null_is_refused_where_the_type_is_not_nullable(review: FormDefinition) -> None:
    assert errors_of(review, minimal(persons=None)) == {"persons": ["人数：不能为空"]}


def test_data_that_is_not_an_object(review: FormDefinition) -> None:
    assert errors_of(review, ["approve"]) == {"_schema": ["表单数据：必须是对象"]}


# --- strings, enum, pattern -------------------------------------------------------------------


def test_enum_names_the_labels(review: FormDefinition) -> None:
    assert errors_of(review, minimal(decision="maybe")) == {
        "decision": ["审查结论：必须是以下之一：同意、不同意、退回"]
    }


def test_max_length(review: FormDefinition) -> None:
    assert errors_of(review, minimal(opinion="很" * 21)) == {"opinion": ["审批意见：必须有 1 到 20 个字"]}


def test_text_must_be_a_string(review: FormDefinition) -> None:
    assert errors_of(review, minimal(opinion=5)) == {"opinion": ["审批意见：必须是文字"]}


def test_pattern(review: FormDefinition) -> None:
    assert errors_of(review, minimal(phone="12345")) == {"phone": ["联系电话：格式不正确"]}


# --- money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "cleaned"),
    [
        ("0", "0.00"),
        ("0.00", "0.00"),
        ("1.5", "1.50"),
        (12.5, "12.50"),
        (7, "7.00"),
        ("1.000", "1.00"),
        (-0.0, "0.00"),
        ("100000", "100000.00"),
    ],
)
def test_money_is_normalised_to_two_decimals(review: FormDefinition, given: Any, cleaned: str) -> None:
    assert validate_form(review, minimal(amount=given))["amount"] == cleaned


@pytest.mark.parametrize("given", ["-1", -1, "1.005", 1.005, "abc", "1e3", "1,000", True, "NaN", float("inf"), [1]])
def test_bad_money(review: FormDefinition, given: Any) -> None:
    assert errors_of(review, minimal(amount=given)) == {"amount": ["金额（元）：必须是不小于 0 的金额，最多两位小数"]}


def test_money_above_maximum(review: FormDefinition) -> None:
    assert errors_of(review, minimal(amount="100000.01")) == {"amount": ["金额（元）：不能大于 100000"]}


def test_money_minimum_above_zero() -> None:
    definition = form({"fee": {"type": "string", "format": "money", "title": "费用", "minimum": "10.5"}})
    assert errors_of(definition, {"fee": "10.49"}) == {"fee": ["费用：必须是不小于 10.5 的金额，最多两位小数"]}
    assert validate_form(definition, {"fee": "10.5"}) == {"fee": "10.50"}


# --- id number, org unit, date ----------------------------------------------------------------


def test_id_number_with_a_wrong_check_character(review: FormDefinition) -> None:
    # 11010519491231002X is valid, so the same body with check character 0 is not.
    assert errors_of(review, minimal(id_number="110105194912310020")) == {"id_number": ["身份证号：校验码不正确"]}


def test_id_number_with_the_wrong_length(review: FormDefinition) -> None:
    assert errors_of(review, minimal(id_number="1101051949")) == {
        "id_number": ["身份证号：必须是 18 位身份证号码（17 位数字加一位数字或 X）"]
    }


@pytest.mark.parametrize("given", ["a b", "村/1", "x" * 65, 12])
def test_bad_org_unit(review: FormDefinition, given: Any) -> None:
    assert list(errors_of(review, minimal(village=given))) == ["village"]


@freeze_time("2026-03-10")
def test_date_not_in_the_future(review: FormDefinition) -> None:
    assert validate_form(review, minimal(visit_date="2026-03-10"))["visit_date"] == "2026-03-10"
    assert errors_of(review, minimal(visit_date="2026-03-11")) == {"visit_date": ["入户日期：不能晚于今天"]}


@freeze_time("2030-01-01")
def test_today_comes_from_the_clock_at_validation_time(review: FormDefinition) -> None:
    assert validate_form(review, minimal(visit_date="2029-12-31"))["visit_date"] == "2029-12-31"


@pytest.mark.parametrize("given", ["2026-02-30", "2026/03/01", "20260301", "2026-3-1", 20260301])
def test_bad_dates(review: FormDefinition, given: Any) -> None:
    assert errors_of(review, minimal(visit_date=given)) == {
        "visit_date": ["入户日期：必须是有效日期（格式 YYYY-MM-DD）"]
    }


# --- integers, numbers, booleans --------------------------------------------------------------


@pytest.mark.parametrize("given", [3.7, "3.7", True, "three"])
def test_integers_do_not_accept_fractions_or_booleans(review: FormDefinition, given: Any) -> None:
    assert errors_of(review, minimal(persons=given)) == {"persons": ["人数：必须是整数"]}


def test_integers_past_64_bits_are_refused(review: FormDefinition) -> None:
    assert errors_of(review, minimal(persons=10**5000)) == {"persons": ["人数：数值超出范围"]}


def test_integer_range(review: FormDefinition) -> None:
    assert errors_of(review, minimal(persons=51)) == {"persons": ["人数：必须在 1 到 50 之间"]}


def test_number_minimum(review: FormDefinition) -> None:
    assert errors_of(review, minimal(ratio=-0.1)) == {"ratio": ["比例：不能小于 0"]}
    assert validate_form(review, minimal(ratio=2))["ratio"] == 2


@pytest.mark.parametrize(
    ("given", "cleaned"), [(True, True), (False, False), ("true", True), ("false", False), ("on", True)]
)
def test_booleans(review: FormDefinition, given: Any, cleaned: bool) -> None:
    assert validate_form(review, minimal(relative_of_staff=given))["relative_of_staff"] is cleaned


@pytest.mark.parametrize("given", [1, 0, "yes", "True", None])
def test_bad_booleans(review: FormDefinition, given: Any) -> None:
    assert list(errors_of(review, minimal(relative_of_staff=given))) == ["relative_of_staff"]


# --- arrays and nesting -----------------------------------------------------------------------


def test_min_items(review: FormDefinition) -> None:
    assert errors_of(review, minimal(investigators=["张三"])) == {"investigators": ["调查人员：必须有 2 到 3 项"]}


def test_array_item_errors_carry_the_index(review: FormDefinition) -> None:
    assert errors_of(review, minimal(investigators=["张三", ""])) == {
        "investigators.1": ["调查人员第 2 项：至少 1 个字"]
    }


def test_array_must_be_a_list(review: FormDefinition) -> None:
    assert errors_of(review, minimal(investigators="张三,李四")) == {"investigators": ["调查人员：必须是列表"]}


def test_nested_errors_use_the_field_path(review: FormDefinition) -> None:
    data = minimal(members=[{"name": "王五"}, {"incomes": [{"monthly_amount": "-5"}]}, "赵六"])
    assert errors_of(review, data) == {
        "members.1.name": ["家庭成员第 2 项·姓名：必填"],
        "members.1.incomes.0.monthly_amount": [
            "家庭成员第 2 项·incomes第 1 项·月收入：必须是不小于 0 的金额，最多两位小数"
        ],
        "members.2": ["家庭成员第 3 项：必须是对象"],
    }


def test_one_entry_per_bad_field(review: FormDefinition) -> None:
    fields = errors_of(review, {"decision": "no", "amount": "abc", "persons": 0, "x": 1})
    assert set(fields) == {"decision", "opinion", "amount", "persons", "x"}


# --- definitions ------------------------------------------------------------------------------


def form(properties: dict[str, Any], **top: Any) -> FormDefinition:
    return FormDefinition.from_json(
        "t", json.dumps({"title": "测试", "type": "object", "properties": properties, **top})
    )


def test_the_example_definition_has_no_problems() -> None:
    assert definition_problems(REVIEW) == []


def test_definition_problems_catch_a_bad_type() -> None:
    assert definition_problems({"title": "t", "type": "object", "properties": {"a": {"type": "text"}}}) == [
        '字段 a：type 必须是 string/integer/number/boolean/object/array 之一，或 [类型, "null"]'
    ]


def test_definition_problems_catch_an_unknown_keyword() -> None:
    raw = {"title": "t", "type": "object", "properties": {"a": {"type": "string", "default": "x"}}}
    assert definition_problems(raw) == ["字段 a：不支持的关键字 default"]


@pytest.mark.parametrize(
    ("properties", "problem"),
    [
        ({"a": {"type": "integer", "minLength": 1}}, "字段 a：关键字 minLength 不适用于 integer 类型"),
        (
            {"a": {"type": "string", "format": "phone"}},
            "字段 a：不支持的 format 'phone'（可用：money、date、id_number、org_unit）",
        ),
        ({"a": {"type": "string", "pattern": "("}}, "字段 a：pattern 不是有效的正则表达式"),
        ({"a": {"type": "array"}}, "字段 a：数组必须用 items 定义每一项"),
        (
            {"a": {"type": "array", "items": {"type": "object", "properties": {"b": {"type": "int"}}}}},
            '字段 a[].b：type 必须是 string/integer/number/boolean/object/array 之一，或 [类型, "null"]',
        ),
        (
            {"a.b": {"type": "string"}},
            "表单：字段名 'a.b' 不合法（字母开头，只含字母、数字、下划线，最长 64）",
        ),
        (
            {"a": {"type": "string", "format": "date", "minimum": "2020-01-01"}},
            "字段 a：关键字 minimum 不适用于 format date 的字段",
        ),
        ({"a": {"type": "integer", "minimum": 5, "maximum": 1}}, "字段 a：minimum 大于 maximum"),
    ],
)
def test_more_definition_problems(properties: dict[str, Any], problem: str) -> None:
    assert definition_problems({"title": "t", "type": "object", "properties": properties}) == [problem]


def test_required_must_name_defined_fields() -> None:
    raw = {"title": "t", "type": "object", "properties": {}, "required": ["a"]}
    assert definition_problems(raw) == ["表单：required 中的 a 没有定义"]


def test_from_json_names_the_form_and_the_problem() -> None:
    with pytest.raises(InvalidData, match=r"^表单 bad 的定义有误：字段 a：不支持的关键字 default$"):
        FormDefinition.from_json(
            "bad", '{"title": "t", "type": "object", "properties": {"a": {"type": "string", "default": "x"}}}'
        )


def test_from_json_refuses_invalid_json() -> None:
    with pytest.raises(InvalidData, match=r"^表单 bad 的定义不是有效的 JSON"):
        FormDefinition.from_json("bad", "{")


def test_from_json_refuses_duplicate_keys() -> None:
    with pytest.raises(InvalidData, match="键 title 重复出现"):
        FormDefinition.from_json("bad", '{"title": "a", "title": "b", "type": "object", "properties": {}}')


def test_field_titles_follow_x_order(review: FormDefinition) -> None:
    titles = review.field_titles()
    assert list(titles)[:3] == ["decision", "opinion", "amount"]
    assert titles["village"] == "村/社区"
    assert review.title == "受理审查"


# --- loading ----------------------------------------------------------------------------------


def test_load_form_from_a_directory(tmp_path: Path) -> None:
    (tmp_path / "review.json").write_text(json.dumps(REVIEW, ensure_ascii=False), encoding="utf-8")
    assert form_exists("review", tmp_path)
    definition = load_form("review", tmp_path)
    assert definition.key == "review"
    assert definition.schema == REVIEW


def test_load_form_of_a_missing_file(tmp_path: Path) -> None:
    assert not form_exists("nope", tmp_path)
    with pytest.raises(NotFound, match=r"^表单 nope 不存在$"):
        load_form("nope", tmp_path)


@pytest.mark.parametrize("key", ["../x", "..", "a/b", "Review", "a.json", "", "x" * 65])
def test_load_form_refuses_malformed_keys(tmp_path: Path, key: str) -> None:
    (tmp_path / "x.json").write_text(json.dumps(REVIEW), encoding="utf-8")
    assert not form_exists(key, tmp_path / "sub")
    with pytest.raises(NotFound):
        load_form(key, tmp_path / "sub")


# --- caching ----------------------------------------------------------------------------------


def test_the_schema_is_built_once_per_definition(review: FormDefinition) -> None:
    again = FormDefinition.from_json("review", json.dumps(REVIEW))
    assert _schema_for(review) is _schema_for(review)
    # Equal definitions loaded twice (load_form on every task completion) share it too.
    assert _schema_for(again) is _schema_for(review)


def test_field_names_that_clash_with_schema_attributes() -> None:
    definition = form({"load": {"type": "string"}, "fields": {"type": "integer"}, "Meta": {"type": "boolean"}})
    assert validate_form(definition, {"load": "a", "fields": 1, "Meta": False}) == {
        "load": "a",
        "fields": 1,
        "Meta": False,
    }


# --- properties -------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
# Inputs that use the form's own keys reach every field type, not just the unknown-key check.
form_shaped = st.fixed_dictionaries({}, optional=dict.fromkeys(REVIEW["properties"], json_values))


@settings(database=None, max_examples=300, deadline=None)
@given(data=json_values | form_shaped)
def test_validate_form_raises_only_invalid_data(review: FormDefinition, data: Any) -> None:
    errors: dict[str, list[str]] = {}
    try:
        cleaned = validate_form(review, data)
    except InvalidData as exc:
        errors = exc.fields
    if errors:
        assert all(messages for messages in errors.values())
    else:
        assert json.loads(json.dumps(cleaned, allow_nan=False)) == cleaned


names = st.from_regex("[a-c]{1,2}", fullmatch=True)
bounds = st.integers(-2, 5) | st.sampled_from(["0", "1.5", "-1", "x", "0.001"])
leaf_nodes = st.fixed_dictionaries(
    {"type": st.sampled_from(["string", "integer", "number", "boolean", ["string", "null"], ["integer", "null"]])},
    optional={
        "title": st.text(max_size=4),
        "minLength": st.integers(-1, 3),
        "maxLength": st.integers(0, 3),
        "minimum": bounds,
        "maximum": bounds,
        "enum": st.lists(st.text(max_size=2) | st.integers(0, 3), max_size=3),
        "format": st.sampled_from(["money", "date", "id_number", "org_unit", "phone"]),
        "pattern": st.sampled_from(["^a", "(", "[0-9]+"]),
        "x-not-future": st.booleans(),
    },
)
definition_nodes = st.recursive(
    leaf_nodes,
    lambda children: (
        st.fixed_dictionaries(
            {"type": st.sampled_from(["object", ["object", "null"]])},
            optional={
                "properties": st.dictionaries(names, children, max_size=3),
                "required": st.lists(names, max_size=2),
            },
        )
        | st.fixed_dictionaries(
            {"type": st.just("array"), "items": children},
            optional={"minItems": st.integers(-1, 2), "maxItems": st.integers(0, 2)},
        )
    ),
    max_leaves=6,
)


@settings(database=None, max_examples=300, deadline=None)
@given(properties=st.dictionaries(names, definition_nodes, max_size=3), data=json_values)
def test_a_definition_without_problems_always_builds_a_validator(properties: dict[str, Any], data: Any) -> None:
    raw = {"title": "测试", "type": "object", "properties": properties}
    if definition_problems(raw):
        return
    definition = FormDefinition(key="t", title="测试", schema=raw)
    with contextlib.suppress(InvalidData):
        validate_form(definition, dict.fromkeys(properties, data))


@settings(database=None, max_examples=300, deadline=None)
@given(
    raw=st.dictionaries(st.sampled_from(["title", "type", "properties", "required", "x-order", "enum"]), json_values)
)
def test_definition_problems_never_raise(raw: dict[str, Any]) -> None:
    assert all(isinstance(problem, str) for problem in definition_problems(raw))
