"""DMN tables, form definitions and parameter files a designer can upload: what is refused and how,
each problem naming file, element (decision cell, form field, parameter) and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.workflow.bundle import file_sources
from engine.workflow.catalog import validate_sources
from tests.unit.test_bpmn_subset_validation import FORMS, line_of

DATA = Path(__file__).parent.parent / "data" / "bpmn_subset"
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
TABLE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="{ns}" id="defs" name="层级" namespace="https://dibao.local/dmn/tests">
  <decision id="level" name="层级">
    <decisionTable id="table"{policy}>
      <input id="in_amount" label="金额">
        <inputExpression id="in_amount_expr" typeRef="number"><text>{expression}</text></inputExpression>
      </input>
      <output id="out_level" label="层级" name="{output}" typeRef="string" />
      <rule id="row_high">
        <inputEntry id="row_high_amount"><text>{cell}</text></inputEntry>
        <outputEntry id="row_high_level"><text>"county"</text></outputEntry>{extra}
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def table(
    *,
    ns: str = DMN13,
    policy: str = "",
    expression: str = "amount",
    output: str = "level",
    cell: str = "&gt;= 3200",
    extra: str = "",
) -> str:
    return TABLE.format(ns=ns, policy=policy, expression=expression, output=output, cell=cell, extra=extra)


def problems_of(tmp_path: Path, name: str, text: str) -> list[tuple[str | None, int | None, str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = validate_sources(file_sources([path]), FORMS)
    assert all(p.file == str(path) for p in result.problems)
    return [(p.element, p.line, p.message) for p in result.problems]


# (table text, element, marker of the line, message)
DMN_CASES = {
    "hit policy": (
        table(policy=' hitPolicy="PRIORITY"'),
        "table",
        "<decisionTable",
        "不支持命中策略 PRIORITY：请用 FIRST（自上而下取第一条匹配）或 COLLECT",
    ),
    "aggregation": (
        table(policy=' hitPolicy="COLLECT" aggregation="SUM"'),
        "table",
        "<decisionTable",
        "不支持 COLLECT 的聚合 aggregation（SUM、COUNT 等）：结果是各行输出的列表",
    ),
    "a cell too many": (
        table(extra='\n        <inputEntry id="row_high_more"><text>1</text></inputEntry>'),
        "row_high",
        '<rule id="row_high">',
        "第 1 行有 2 个条件、1 个输出，而决策表有 1 个输入列、1 个输出列",
    ),
    "input without an expression": (
        table(expression=""),
        "in_amount",
        '<input id="in_amount"',
        "输入列必须有一个非空的输入表达式（inputExpression/text）",
    ),
    "output without a name": (
        table(output=""),
        "out_level",
        'id="out_level"',
        "输出列缺少名称 name（它是写入流程数据的键，标签 label 不能代替）",
    ),
    "output name with a space": (
        table(output="approval level"),
        "out_level",
        'id="out_level"',
        "输出列的名称 name“approval level”须是变量名（它是写入流程数据的键）",
    ),
    "FEEL range": (
        table(cell="[1..3200)"),
        "row_high_amount",
        "row_high_amount",
        "第 1 行的条件“[1..3200)”是 FEEL 区间写法：请写成 1 &lt;= ? &lt;= 10 这样的 Python 比较".replace("&lt;", "<"),
    ),
    "cell outside the sandbox": (
        table(cell="__import__('os')"),
        "row_high_amount",
        "row_high_amount",
        "决策表 table 第 1 行的条件无法在沙箱中编译：不允许使用 __import__",
    ),
    "literal expression": (
        table().replace(
            '<decisionTable id="table">',
            '<literalExpression id="lit"><text>1</text></literalExpression>\n<decisionTable id="table">',
        ),
        "lit",
        "<literalExpression",
        "不支持文字表达式 literalExpression：只执行决策表 decisionTable",
    ),
    "two decisions": (
        table().replace("</definitions>", '<decision id="other" name="另一个"/>\n</definitions>'),
        "defs",
        'id="defs"',
        "一个 DMN 文件必须恰好有一个决策 decision（现有 2 个）",
    ),
    "a prefix Spiff cannot read": (
        table()
        .replace('<definitions xmlns="', '<definitions xmlns:semantic="')
        .replace("<", "<semantic:")
        .replace("<semantic:/", "</semantic:")
        .replace("<semantic:?xml", "<?xml"),
        "defs",
        'id="defs"',
        "DMN 元素须使用默认命名空间或前缀 dmn（本文件用的前缀 Spiff 无法识别）",
    ),
    "not DMN": (
        table(ns="https://example.org/other"),
        "defs",
        'id="defs"',
        "不是受支持的 DMN 文件：根元素应为 definitions，命名空间为 "
        "DMN 1.1（http://www.omg.org/spec/DMN/20151101/dmn.xsd）、"
        "DMN 1.2（http://www.omg.org/spec/DMN/20180521/MODEL/）、"
        "DMN 1.3（https://www.omg.org/spec/DMN/20191111/MODEL/） 之一",
    ),
}


@pytest.mark.parametrize("case", sorted(DMN_CASES))
def test_dmn_outside_the_subset_is_refused_with_element_and_line(tmp_path: Path, case: str) -> None:
    text, element, marker, message = DMN_CASES[case]
    assert problems_of(tmp_path, "level.dmn", text) == [(element, line_of(text, marker), message)]


@pytest.mark.parametrize(
    "ns", ["http://www.omg.org/spec/DMN/20151101/dmn.xsd", "http://www.omg.org/spec/DMN/20180521/MODEL/", DMN13]
)
def test_dmn_versions_1_1_to_1_3_are_accepted(tmp_path: Path, ns: str) -> None:
    # DMN 1.2 once failed for every file: Spiff 3.2's schema for it cannot be built.
    assert problems_of(tmp_path, "level.dmn", table(ns=ns)) == []


def test_the_same_decision_id_in_two_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.dmn").write_text(table())
    (tmp_path / "b.dmn").write_text(table())
    result = validate_sources(file_sources([tmp_path / "a.dmn", tmp_path / "b.dmn"]), FORMS)
    assert [(p.file, p.element, p.line, p.message) for p in result.problems] == [
        (str(tmp_path / "b.dmn"), "level", 3, f"决策标识 level 重复（另见 {tmp_path / 'a.dmn'}）")
    ]


def test_a_parameter_file_names_each_bad_parameter_and_its_line(tmp_path: Path) -> None:
    text = (DATA / "parameters.toml").read_text() + (
        "\n[review_interval_months]\n2021-13-01 = 12\n\n[dibao_standard_urban]\n2021-07-01 = nan\n"
    )
    file = f"参数文件 {tmp_path / 'parameters.toml'}"
    assert problems_of(tmp_path, "parameters.toml", text) == [
        (
            "review_interval_months",
            line_of(text, "[review_interval_months]"),
            f"{file}：参数 review_interval_months 的生效日期 2021-13-01 不是 YYYY-MM-DD",
        ),
        (
            "dibao_standard_urban",
            line_of(text, "[dibao_standard_urban]"),
            f"{file}：参数 dibao_standard_urban 在 2021-07-01 的取值必须是有限的数（不能是 inf 或 nan）",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("[notice_days]\n2021-07-01 = \n", 2, "无效的取值（第 2 行第 14 列）"),
        ("[notice_days]\n2021-07-01 = 7\n[notice_days]\n", 3, "重复声明了同一个表（第 3 行第 13 列）"),
        ("a = " + "[" * 2000, None, "数组或内联表嵌套过深"),
    ],
)
def test_a_parameter_file_that_is_not_toml_is_refused_with_its_line(
    tmp_path: Path, text: str, line: int | None, reason: str
) -> None:
    path = tmp_path / "parameters.toml"
    assert problems_of(tmp_path, "parameters.toml", text) == [(None, line, f"参数文件 {path} 格式错误：{reason}")]


def test_a_form_definition_names_each_bad_field_and_its_line(tmp_path: Path) -> None:
    text = (FORMS / "reference_review.json").read_text()
    text = text.replace('"minLength": 1', '"minLength": -1').replace(
        '"enum": ["approve", "reject", "return"]', '"enum": []'
    )
    assert problems_of(tmp_path, "reference_review.json", text) == [
        ("decision", line_of(text, '"decision": {'), "字段 decision：x-enum-labels 只能为 enum 中的取值提供文字"),
        ("decision", line_of(text, '"decision": {'), "字段 decision：enum 必须是非空列表"),
        ("opinion", line_of(text, '"opinion": {'), "字段 opinion：minLength 必须是非负整数"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            '{"title": "x",\n "type": "object"\n "properties": {}}',
            3,
            "表单 f 的定义不是有效的 JSON：第 3 行第 2 列缺少逗号",
        ),
        (
            '{"title": "x", "type": "object", "properties": {}, "x-check": []}',
            None,
            "表单：未知的 x-check '[]'（可用：democratic_review_votes、households、gradual_exit_months、"
            "democratic_review_panel、democratic_review_vote、verification_findings）",
        ),
        (
            '{"title": "x", "type": "object", "properties": {"a": {"type": "string", "pattern": "'
            + "(a" * 2000
            + '"}}}',
            1,
            "字段 a：pattern 不是有效的正则表达式",
        ),
        (
            '{"title": "x", "type": "object", "properties": {"n": {"type": "number", "maximum": 1e999}}}',
            1,
            "字段 n：maximum 必须是数",
        ),
        ("[" * 100000, None, "表单 f 的定义不是有效的 JSON：嵌套过深"),
    ],
)
def test_broken_form_definitions_are_refused_not_crashed_on(
    tmp_path: Path, text: str, line: int | None, message: str
) -> None:
    found = problems_of(tmp_path, "f.json", text)
    assert [(ln, msg) for _, ln, msg in found] == [(line, message)]
