"""Hypothesis strategies for DMN tables, form definitions and parameter files: wild ones drawn from
pieces (most of which are refused), and near-valid ones, the project's own files with one or two
defects, which reach the later checks and, when accepted, the engine.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from engine.settings import PROJECT_ROOT
from tests.unit.bpmn_documents import xml_text as texts

DMN_FILES = [
    PROJECT_ROOT / "processes" / "default" / "temporary_approval_level.dmn",
    PROJECT_ROOT / "processes" / "default" / "reference_approval_level.dmn",
    PROJECT_ROOT / "processes" / "regions" / "huining" / "temporary_approval_level.dmn",
    PROJECT_ROOT / "tests" / "data" / "bpmn_subset" / "subset_level.dmn",
]
FORM_FILES = sorted((PROJECT_ROOT / "forms" / "definitions").glob("*.json"))
REGIONS = PROJECT_ROOT / "processes" / "regions"
PARAMETER_FILES = [
    PROJECT_ROOT / "processes" / "default" / "parameters.toml",
    *sorted(REGIONS.glob("*/parameters.toml")),
]


# ---- DMN ----------------------------------------------------------------------------------------

NAMESPACES = [
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "https://example.org/not-dmn",
]
CELLS = ["-", "", "&gt;= 3200", '? in ("fire", "major_illness")', '"south","east"', "[1..10]", "not(5)",
         "__import__('os')", "1 &lt;= ? &lt; 10", "(", "True"]  # fmt: skip
EXPRESSIONS = ["amount", "cause", 'grant_basis["cause"]', "", "amount +", "_secret"]
OUTPUTS = ["level", "level.detail", "", "approval level", "level"]
OUTPUT_CELLS = ['"county"', "amount // 10", "if x then y", "", "open('x')"]


@st.composite
def wild_decision_tables(draw: st.DrawFn) -> str:
    ns = draw(st.sampled_from(NAMESPACES))
    inputs = draw(st.integers(0, 3))
    outputs = draw(st.integers(0, 2))
    policy = draw(st.sampled_from(["", ' hitPolicy="FIRST"', ' hitPolicy="COLLECT"', ' hitPolicy="PRIORITY"',
                                   ' hitPolicy="COLLECT" aggregation="SUM"', ' hitPolicy="unique"']))  # fmt: skip
    lines = [f'<definitions xmlns="{ns}" id="defs" name="t" namespace="https://dibao.local/t">']
    for _ in range(draw(st.sampled_from([1, 1, 1, 0, 2]))):
        decision_id = draw(st.sampled_from(["subset_level", "other", "", "a b"]))
        lines.append(f'<decision id="{decision_id}" name="{draw(st.sampled_from(["层级", ""]))}">')
        if draw(st.integers(0, 9)) == 0:
            lines.append('<literalExpression id="lit"><text>1</text></literalExpression>')
        lines.append(f'<decisionTable id="{draw(st.sampled_from(["table", ""]))}"{policy}>')
        for column in range(inputs):
            expression = draw(st.sampled_from(EXPRESSIONS))
            text = f"<text>{expression}</text>"
            lines.append(f'<input id="in{column}"><inputExpression id="ie{column}">{text}</inputExpression></input>')
        for column in range(outputs):
            lines.append(f'<output id="out{column}" name="{draw(st.sampled_from(OUTPUTS))}"/>')
        for row in range(draw(st.integers(0, 3))):
            cells = "".join(
                f'<inputEntry id="r{row}i{c}"><text>{draw(st.sampled_from(CELLS))}</text></inputEntry>'
                for c in range(inputs + draw(st.sampled_from([0, 0, 0, 1, -1])))
            )
            results = "".join(
                f'<outputEntry id="r{row}o{c}"><text>{draw(st.sampled_from(OUTPUT_CELLS))}</text></outputEntry>'
                for c in range(outputs)
            )
            lines.append(f'<rule id="{draw(st.sampled_from([f"r{row}", ""]))}">{cells}{results}</rule>')
        if draw(st.integers(0, 9)) == 0:
            lines.append('<annotation name="备注"/>')
        lines.append("</decisionTable></decision>")
    lines.append("</definitions>")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(lines) + "\n"


DMN_ATTRIBUTES = ["id", "hitPolicy", "aggregation", "name", "typeRef", "label"]
DMN_VALUES = ["", "FIRST", "PRIORITY", "SUM", "a b", "level", "x" * 101, "approval_level"]


@st.composite
def near_decision_tables(draw: st.DrawFn) -> str:
    root = etree.fromstring(draw(st.sampled_from(DMN_FILES)).read_bytes())
    for _ in range(draw(st.integers(0, 2))):
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        target = draw(st.sampled_from(elements))
        parent = target.getparent()
        kind = draw(st.sampled_from(["attribute", "remove", "copy", "text", "text"]))
        if kind == "attribute":
            target.set(draw(st.sampled_from(DMN_ATTRIBUTES)), draw(st.sampled_from(DMN_VALUES)))
        elif kind == "remove" and parent is not None:
            parent.remove(target)
        elif kind == "copy" and parent is not None:
            parent.append(copy.deepcopy(target))
        else:
            target.text = draw(st.sampled_from(CELLS + OUTPUT_CELLS + EXPRESSIONS).map(_unescape))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()


def _unescape(cell: str) -> str:
    return cell.replace("&gt;", ">").replace("&lt;", "<")


decision_tables = st.one_of(wild_decision_tables(), near_decision_tables(), near_decision_tables())


# ---- form definitions ---------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=12,
)
KEYWORDS = ["type", "title", "properties", "required", "enum", "items", "minimum", "maximum", "minLength",
            "format", "pattern", "x-order", "x-check", "x-required-when", "x-enum-labels", "$ref", "x-not-future",
            "minItems"]  # fmt: skip
VALUES = st.sampled_from(
    ["string", "object", "array", "integer", "money", "date", "household", ["a"], [], {}, -1, 3, "(a"]
)


def schema_nodes(depth: int = 0) -> st.SearchStrategy[Any]:
    leaf = st.dictionaries(st.sampled_from(KEYWORDS), VALUES | json_values, max_size=5)
    if depth >= 3:
        return leaf
    children = st.dictionaries(st.sampled_from(["a", "b", "name", "1x", ""]), schema_nodes(depth + 1), max_size=3)
    return st.builds(lambda node, props: {**node, "properties": props} if props else node, leaf, children)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


wild_form_texts = st.one_of(
    schema_nodes().map(lambda n: _json({"title": "表", "type": "object", **n})),
    json_values.map(_json),
    texts,
    st.integers(1, 3000).map(lambda n: "[" * n),
)


@st.composite
def near_form_texts(draw: st.DrawFn) -> str:
    """A real definition with one or two keys changed, dropped or added anywhere in it."""
    definition = json.loads(draw(st.sampled_from(FORM_FILES)).read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(0, 2))):
        nodes = list(_dicts(definition))
        node = draw(st.sampled_from(nodes))
        kind = draw(st.sampled_from(["set", "drop", "add"]))
        if kind == "drop" and node:
            del node[draw(st.sampled_from(sorted(node)))]
        elif kind == "set" and node:
            node[draw(st.sampled_from(sorted(node)))] = draw(VALUES | json_values)
        else:
            node[draw(st.sampled_from(KEYWORDS))] = draw(VALUES | json_values)
    return _json(definition)


def _dicts(value: Any) -> Any:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _dicts(child)
    elif isinstance(value, list):
        for child in value:
            yield from _dicts(child)


form_texts = st.one_of(wild_form_texts, near_form_texts(), near_form_texts())


# ---- parameter files ----------------------------------------------------------------------------

dates = st.sampled_from(["2021-07-01", "2026-01-01", "2021-13-01", "2021-7-1", "yesterday", '"2021-07-01"'])
toml_values = st.sampled_from(["7", "800.5", '"county"', "true", "nan", "inf", "-1e999", "[1, 2]", "{a = 1}",
                               "2021-07-01", "", '"""x"""', "[[[[1]]]]", "0x1F"])  # fmt: skip


@st.composite
def wild_parameter_files(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(["notice_days", "dibao_standard_urban", "bad name", "1x", "notice_days", '"q"']))
        lines.append(f"[{name}]")
        for _ in range(draw(st.integers(0, 3))):
            lines.append(f"{draw(dates)} = {draw(toml_values)}")
    text = "\n".join(lines) + "\n"
    if draw(st.integers(0, 4)) == 0:
        text += draw(texts)
    return text


@st.composite
def near_parameter_files(draw: st.DrawFn) -> str:
    """A region's real parameter file with a line or two replaced, doubled, dropped or added."""
    lines = draw(st.sampled_from(PARAMETER_FILES)).read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(lines)))
        kind = draw(st.sampled_from(["value", "double", "drop", "add"]))
        if kind == "value" and at < len(lines) and "=" in lines[at]:
            lines[at] = f"{lines[at].split('=', 1)[0]}= {draw(toml_values)}"
        elif kind == "double" and at < len(lines):
            lines.insert(at, lines[at])
        elif kind == "drop" and at < len(lines):
            del lines[at]
        else:
            lines.insert(at, draw(st.sampled_from(["[notice_days]", "[bad name]", f"{draw(dates)} = 1", "x ="])))
    return "\n".join(lines) + "\n"


parameter_files = st.one_of(wild_parameter_files(), near_parameter_files(), near_parameter_files())
