"""`{"$ref": "<form key>"}`: a field whose schema is another definition of the same directory."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.errors import InvalidData
from engine.settings import PROJECT_ROOT
from engine.workflow.bundle import directory_sources
from engine.workflow.catalog import bundle_forms, validate_sources
from forms import FORMS_DIR, FormDefinition, load_form, validate_form
from forms.refs import MAX_EXPANSIONS

PERSON: dict[str, Any] = {
    "title": "人员",
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "title": "姓名", "minLength": 1},
        "id_number": {"type": "string", "format": "id_number", "title": "身份证号"},
    },
}


def form(title: str, **properties: Any) -> dict[str, Any]:
    return {"title": title, "type": "object", "properties": properties}


def write(directory: Path, key: str, definition: Any) -> None:
    text = definition if isinstance(definition, str) else json.dumps(definition, ensure_ascii=False)
    (directory / f"{key}.json").write_text(text, encoding="utf-8")


def refs_in(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs_in(value)


def problem_of(directory: Path, key: str) -> str:
    with pytest.raises(InvalidData) as caught:
        load_form(key, directory)
    return caught.value.message


@pytest.fixture
def forms_dir(tmp_path: Path) -> Path:
    write(tmp_path, "person", PERSON)
    return tmp_path


# --- expanding --------------------------------------------------------------------------------


def test_a_reference_inlines_the_definition(forms_dir: Path) -> None:
    write(forms_dir, "application", form("申请", applicant={"$ref": "person"}))
    definition = load_form("application", forms_dir)
    assert definition.schema["properties"]["applicant"] == PERSON
    assert list(refs_in(definition.schema)) == []


def test_labels_beside_the_reference_override_the_referenced_ones(forms_dir: Path) -> None:
    node = {"$ref": "person", "title": "申请人", "description": "填写本人", "x-help": "与户口簿一致"}
    write(forms_dir, "application", form("申请", applicant=node))
    applicant = load_form("application", forms_dir).schema["properties"]["applicant"]
    assert (applicant["title"], applicant["description"], applicant["x-help"]) == ("申请人", "填写本人", "与户口簿一致")
    assert applicant["properties"] == PERSON["properties"]


def test_references_in_array_items_and_nested_definitions(forms_dir: Path) -> None:
    write(forms_dir, "family", form("家庭", members={"type": "array", "title": "成员", "items": {"$ref": "person"}}))
    write(forms_dir, "application", form("申请", family={"$ref": "family"}, contact={"$ref": "person"}))
    schema = load_form("application", forms_dir).schema
    assert schema["properties"]["family"]["properties"]["members"]["items"] == PERSON
    assert schema["properties"]["contact"] == PERSON
    assert list(refs_in(schema)) == []
    # Two uses of one definition are two copies: the finished schema shares nothing.
    family_person = schema["properties"]["family"]["properties"]["members"]["items"]
    assert family_person["required"] is not schema["properties"]["contact"]["required"]


def test_validation_follows_the_inlined_schema_with_its_titles(forms_dir: Path) -> None:
    write(forms_dir, "application", form("申请", applicant={"$ref": "person", "title": "申请人"}))
    definition = load_form("application", forms_dir)
    assert validate_form(definition, {"applicant": {"name": " 张三 "}}) == {"applicant": {"name": "张三"}}
    with pytest.raises(InvalidData) as caught:
        validate_form(definition, {"applicant": {"id_number": "123"}})
    assert caught.value.fields["applicant.name"] == ["申请人·姓名：必填"]
    assert "applicant.id_number" in caught.value.fields


def test_a_referenced_definition_may_itself_be_a_reference(forms_dir: Path) -> None:
    write(forms_dir, "alias", {"$ref": "person", "title": "联系人"})
    write(forms_dir, "application", form("申请", contact={"$ref": "alias"}))
    contact = load_form("application", forms_dir).schema["properties"]["contact"]
    assert contact["title"] == "联系人"
    assert contact["properties"] == PERSON["properties"]


# --- refusing ---------------------------------------------------------------------------------


def test_an_unknown_reference_is_named(forms_dir: Path) -> None:
    write(forms_dir, "application", form("申请", applicant={"$ref": "nobody"}))
    assert (
        problem_of(forms_dir, "application") == "表单 application 的定义有误：字段 applicant：引用的表单 nobody 不存在"
    )


@pytest.mark.parametrize("ref", ["../person", "Person", "person.json", ""])
def test_a_malformed_reference_is_refused(forms_dir: Path, ref: str) -> None:
    write(forms_dir, "application", form("申请", applicant={"$ref": ref}))
    assert "表单标识只能由小写字母、数字和下划线组成" in problem_of(forms_dir, "application")


def test_a_reference_must_be_text(forms_dir: Path) -> None:
    write(forms_dir, "application", form("申请", applicant={"$ref": ["person"]}))
    assert "字段 applicant：$ref 必须是表单标识（文字）" in problem_of(forms_dir, "application")


def test_a_cycle_is_refused(forms_dir: Path) -> None:
    write(forms_dir, "a", form("甲", b={"$ref": "b"}))
    write(forms_dir, "b", form("乙", items={"type": "array", "items": {"$ref": "a"}}))
    assert "字段 b.items[]：表单引用成环（a → b → a）" in problem_of(forms_dir, "a")
    assert "表单引用成环（b → a → b）" in problem_of(forms_dir, "b")


def test_a_definition_referring_to_itself_is_a_cycle(forms_dir: Path) -> None:
    write(forms_dir, "a", form("甲", again={"$ref": "a"}))
    assert "字段 again：表单引用成环（a → a）" in problem_of(forms_dir, "a")


def test_only_labels_and_hints_may_sit_beside_a_reference(forms_dir: Path) -> None:
    write(forms_dir, "application", form("申请", applicant={"$ref": "person", "type": "object", "required": []}))
    assert (
        "字段 applicant：与 $ref 同时出现的只能是 title、description 和 x- 开头的界面提示，不能有 type、required"
        in (problem_of(forms_dir, "application"))
    )


def test_problems_inside_the_referenced_definition_name_the_path(forms_dir: Path) -> None:
    write(forms_dir, "broken", form("坏", amount={"type": "string", "format": "money", "multipleOf": 2}))
    write(forms_dir, "application", form("申请", part={"$ref": "broken"}))
    assert "字段 part.amount：不支持的关键字 multipleOf" in problem_of(forms_dir, "application")


def test_a_referenced_file_that_is_not_json(forms_dir: Path) -> None:
    write(forms_dir, "broken", "{not json")
    write(forms_dir, "application", form("申请", part={"$ref": "broken"}))
    assert "字段 part：引用的表单 broken 的定义不是有效的 JSON" in problem_of(forms_dir, "application")


def test_every_problem_is_reported_at_once(forms_dir: Path) -> None:
    write(forms_dir, "application", form("申请", a={"$ref": "nobody"}, b={"type": "strin"}))
    message = problem_of(forms_dir, "application")
    assert "字段 a：引用的表单 nobody 不存在" in message
    assert "字段 b：type 必须是" in message


def test_expansions_are_bounded(forms_dir: Path) -> None:
    # Ten references to a definition with ten references each would already be 110 copies.
    write(forms_dir, "ten", form("十", **{f"p{i}": {"$ref": "person"} for i in range(10)}))
    write(forms_dir, "hundred", form("百", **{f"t{i}": {"$ref": "ten"} for i in range(10)}))
    assert f"引用展开次数过多（最多 {MAX_EXPANSIONS} 次）" in problem_of(forms_dir, "hundred")


def test_a_reference_that_was_never_expanded_is_a_problem() -> None:
    # A bundle's packed forms and definitions written in code have no directory to expand from.
    text = json.dumps(form("申请", applicant={"$ref": "person"}))
    with pytest.raises(InvalidData, match=r"字段 applicant：引用 \$ref 'person' 未展开"):
        FormDefinition.from_json("application", text)


def test_a_definition_written_in_code_can_refer_to_the_directory(forms_dir: Path) -> None:
    definition = FormDefinition.from_dict("envelope", form("请求", who={"$ref": "person"}), forms_dir)
    assert definition.schema["properties"]["who"] == PERSON


# --- the real household definition and process bundles -----------------------------------------


def test_the_household_definition_loads_and_can_be_referred_to(tmp_path: Path) -> None:
    household = load_form("household")
    assert household.title == "家庭情况"
    members = household.schema["properties"]["members"]
    assert (members["minItems"], members["maxItems"]) == (1, 20)
    envelope = FormDefinition.from_dict("envelope", form("评估", household={"$ref": "household"}), FORMS_DIR)
    assert envelope.schema["properties"]["household"] == household.schema


def reference_bundle(tmp_path: Path) -> tuple[Path, Path]:
    """The reference process and its forms in private directories, plus the household form."""
    processes = tmp_path / "processes"
    processes.mkdir()
    for name in ("reference_review.bpmn", "reference_approval_level.dmn", "parameters.toml"):
        shutil.copy(PROJECT_ROOT / "processes" / "default" / name, processes / name)
    forms_dir = tmp_path / "forms"
    forms_dir.mkdir()
    for key in ("reference_register", "reference_review", "household"):
        shutil.copy(FORMS_DIR / f"{key}.json", forms_dir / f"{key}.json")
    return processes, forms_dir


def test_a_packed_bundle_holds_the_expanded_form(tmp_path: Path) -> None:
    processes, forms_dir = reference_bundle(tmp_path)
    start = form(
        "登记", village={"type": "string", "format": "org_unit", "title": "村"}, household={"$ref": "household"}
    )
    write(forms_dir, "reference_review_start", start)

    result = validate_sources(directory_sources(processes), forms_dir)
    assert result.ok, result.problems
    [bundle] = result.bundles
    packed = json.loads(bundle.files["forms/reference_review_start.json"])
    assert list(refs_in(packed)) == []
    assert packed["properties"]["household"]["properties"]["members"]["title"] == "家庭成员"
    # Read back with no directory at all, as a deployed version is.
    assert (
        bundle_forms(bundle.files)["reference_review_start"].schema
        == load_form("reference_review_start", forms_dir).schema
    )

    # The bundle pins the household form: changing it makes a new version, never a silent change.
    household = json.loads((forms_dir / "household.json").read_text(encoding="utf-8"))
    household["properties"]["members"]["maxItems"] = 30
    write(forms_dir, "household", household)
    [changed] = validate_sources(directory_sources(processes), forms_dir).bundles
    assert changed.hash != bundle.hash


def test_a_bad_reference_is_refused_at_deploy(tmp_path: Path) -> None:
    processes, forms_dir = reference_bundle(tmp_path)
    write(forms_dir, "reference_review_start", form("登记", household={"$ref": "househld"}))
    result = validate_sources(directory_sources(processes), forms_dir)
    assert not result.ok
    assert [p.message for p in result.problems] == [
        "表单 reference_review_start 的定义有误：字段 household：引用的表单 househld 不存在"
    ]
