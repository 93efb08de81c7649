"""The DMN subset the engine runs (docs/bpmn-subset.md), checked on the XML before Spiff sees it.

Spiff's DMN parser reads one decision table of one decision and indexes attributes and lists
without looking (a rule with one cell too many, an input without an id or a namespace prefix other
than `dmn` end in IndexError, KeyError or an XPath error), and its hit policies beyond UNIQUE and
COLLECT quietly behave like "first match". Each of these is refused here by name and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from engine.errors import Problem
from engine.workflow.subset import element_of, local, namespace

DMN_NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "DMN 1.1",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "DMN 1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "DMN 1.3",
}
# UNIQUE stops at the first matching row (Spiff does not look for overlaps); FIRST means the same.
HIT_POLICIES = frozenset({"UNIQUE", "FIRST", "COLLECT"})
# Decision logic other than a table, and requirement graphs Spiff does not evaluate.
_REFUSED = {
    "literalExpression": "文字表达式",
    "context": "上下文表达式",
    "invocation": "调用表达式",
    "relation": "关系表达式",
    "list": "列表表达式",
    "functionDefinition": "函数定义",
    "decisionService": "决策服务",
    "businessKnowledgeModel": "业务知识模型",
    "knowledgeRequirement": "知识需求",
}
_TABLE_PARTS = frozenset({"input", "output", "rule"})
_OUTPUT_NAME = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$", re.ASCII)
_FEEL_RANGE = re.compile(r"^\s*[\[\(\]].*\.\..*[\]\)\[]\s*$", re.DOTALL)


def _problem(origin: str, node: etree._Element, message: str) -> Problem:
    return Problem(origin, message, element_of(node), node.sourceline)


def decision_ids(tree: etree._ElementTree) -> set[str]:
    return {d.get("id") or "" for d in tree.getroot() if isinstance(d.tag, str) and local(d) == "decision"}


def dmn_problems(origin: str, tree: etree._ElementTree) -> Iterator[Problem]:
    root = tree.getroot()
    ns = namespace(root)
    if local(root) != "definitions" or ns not in DMN_NAMESPACES:
        known = "、".join(f"{v}（{k}）" for k, v in DMN_NAMESPACES.items())
        yield _problem(origin, root, f"不是受支持的 DMN 文件：根元素应为 definitions，命名空间为 {known} 之一")
        return
    # Spiff looks elements up through the prefix "dmn", or the default namespace renamed to it.
    prefixes = dict(root.nsmap)
    if None in prefixes:
        prefixes["dmn"] = prefixes.pop(None)
    if prefixes.get("dmn") != ns:
        yield _problem(origin, root, "DMN 元素须使用默认命名空间或前缀 dmn（本文件用的前缀 Spiff 无法识别）")
        return
    for node in root.iter():
        if isinstance(node.tag, str) and namespace(node) == ns and local(node) in _REFUSED:
            yield _problem(origin, node, f"不支持{_REFUSED[local(node)]} {local(node)}：只执行决策表 decisionTable")
    decisions = [d for d in root if isinstance(d.tag, str) and namespace(d) == ns and local(d) == "decision"]
    if len(decisions) != 1:
        yield _problem(origin, root, f"一个 DMN 文件必须恰好有一个决策 decision（现有 {len(decisions)} 个）")
        return
    yield from _decision_problems(origin, decisions[0], ns)


def _children(node: etree._Element, ns: str, name: str) -> list[etree._Element]:
    return [c for c in node if isinstance(c.tag, str) and namespace(c) == ns and local(c) == name]


def _decision_problems(origin: str, decision: etree._Element, ns: str) -> Iterator[Problem]:
    yield from _needs_id(origin, decision, "决策")
    tables = _children(decision, ns, "decisionTable")
    if len(tables) != 1:
        yield _problem(origin, decision, "决策必须有且只有一个决策表 decisionTable")
        return
    table = tables[0]
    yield from _needs_id(origin, table, "决策表")
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    if policy not in HIT_POLICIES:
        yield _problem(origin, table, f"不支持命中策略 {policy}：请用 FIRST（自上而下取第一条匹配）或 COLLECT")
    if table.get("aggregation") is not None:
        yield _problem(origin, table, "不支持 COLLECT 的聚合 aggregation（SUM、COUNT 等）：结果是各行输出的列表")
    for child in table:
        if isinstance(child.tag, str) and not (namespace(child) == ns and local(child) in _TABLE_PARTS):
            yield _problem(origin, child, f"决策表中不支持 {local(child)}：只能有输入列、输出列和规则行")
    inputs, outputs = _children(table, ns, "input"), _children(table, ns, "output")
    if not outputs:
        yield _problem(origin, table, "决策表没有输出列")
    yield from _column_problems(origin, ns, inputs, outputs)
    for row, rule in enumerate(_children(table, ns, "rule"), start=1):
        yield from _rule_problems(origin, ns, rule, row, len(inputs), len(outputs))


def _needs_id(origin: str, node: etree._Element, what: str) -> Iterator[Problem]:
    if not (node.get("id") or "").strip():
        yield _problem(origin, node, f"{what}缺少标识 id")


def _column_problems(
    origin: str, ns: str, inputs: list[etree._Element], outputs: list[etree._Element]
) -> Iterator[Problem]:
    for column in inputs:
        yield from _needs_id(origin, column, "输入列")
        texts = [t for e in _children(column, ns, "inputExpression") for t in _children(e, ns, "text")]
        if len(texts) != 1 or not (texts[0].text or "").strip():
            yield _problem(origin, column, "输入列必须有一个非空的输入表达式（inputExpression/text）")
    names: set[str] = set()
    for column in outputs:
        yield from _needs_id(origin, column, "输出列")
        name = (column.get("name") or "").strip()
        if not name:
            yield _problem(origin, column, "输出列缺少名称 name（它是写入流程数据的键，标签 label 不能代替）")
        elif not _OUTPUT_NAME.match(name):
            yield _problem(origin, column, f"输出列的名称 name“{name[:40]}”须是变量名（它是写入流程数据的键）")
        elif name in names:
            yield _problem(origin, column, f"输出列名称 {name} 重复")
        names.add(name)


def _rule_problems(
    origin: str, ns: str, rule: etree._Element, row: int, inputs: int, outputs: int
) -> Iterator[Problem]:
    yield from _needs_id(origin, rule, f"第 {row} 行规则")
    entries = _children(rule, ns, "inputEntry")
    results = _children(rule, ns, "outputEntry")
    if len(entries) != inputs or len(results) != outputs:
        counts = f"第 {row} 行有 {len(entries)} 个条件、{len(results)} 个输出"
        yield _problem(origin, rule, f"{counts}，而决策表有 {inputs} 个输入列、{outputs} 个输出列")
    for entry in [*entries, *results]:
        yield from _needs_id(origin, entry, f"第 {row} 行的单元格")
    for entry in entries:
        text = next((t.text or "" for t in _children(entry, ns, "text")), "")
        if _FEEL_RANGE.match(text):
            cell = text.strip()[:40]
            yield _problem(
                origin,
                entry,
                f"第 {row} 行的条件“{cell}”是 FEEL 区间写法：请写成 1 <= ? <= 10 这样的 Python 比较",
            )
