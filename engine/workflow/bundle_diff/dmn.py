"""The DMN part of a bundle diff: each decision table read into its columns and rules, and how a table
and a rule read when added, removed or changed. Rules are keyed by their id, or by their position when
they have none, and a changed rule is told cell by cell under its column's label.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from lxml import etree

from engine.workflow.bundle_diff.changes import Change, quote, show
from engine.workflow.bundle_diff.compare import (
    Attribute,
    Kind,
    Pair,
    attribute_changes,
    compare,
    local,
    read_elements,
    text_of,
    top_level,
)


@dataclass(frozen=True)
class _Rule:
    label: str  # "rule_township（乡镇审批）" or "第 2 条"
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass
class _Decision:
    name: str
    hit_policy: str
    inputs: list[str]  # column labels
    outputs: list[str]
    rules: dict[str, _Rule] = field(default_factory=dict)


def diff_dmn(old_files: Mapping[str, str], new_files: Mapping[str, str]) -> list[Change]:
    changes: list[Change] = []
    tag = "{*}decision"
    old, new = (
        read_elements(old_files, tag, _read_decision, changes),
        read_elements(new_files, tag, _read_decision, changes),
    )
    changes += compare(DECISIONS, Pair(old, new))
    return changes


# ---------------------------------------------------------------- reading


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local(child) == name]


def _entry(entry: etree._Element) -> str:
    text = next((text_of(child) for child in entry if local(child) == "text"), None)
    return text if text and text != "-" else "任意"


def _read_decision(decision: etree._Element) -> _Decision:
    table = next(iter(_children(decision, "decisionTable")), None)
    name = (decision.get("name") or "").strip() or str(decision.get("id"))
    if table is None:
        return _Decision(name, "", [], [])
    inputs = [
        str(i.get("label") or text_of(next(iter(i.iter("{*}text")), None)) or i.get("id") or "")
        for i in _children(table, "input")
    ]
    outputs = [str(o.get("label") or o.get("name") or o.get("id") or "") for o in _children(table, "output")]
    model = _Decision(name, str(table.get("hitPolicy") or "UNIQUE"), inputs, outputs)
    for index, rule in enumerate(_children(table, "rule"), start=1):
        description = text_of(next(iter(_children(rule, "description")), None))
        rule_id = rule.get("id")
        key = str(rule_id) if rule_id else f"#{index}"
        label = rule_id or f"第 {index} 条"
        label = f"{label}（{description}）" if description else label
        model.rules[key] = _Rule(
            label,
            tuple(_entry(e) for e in _children(rule, "inputEntry")),
            tuple(_entry(e) for e in _children(rule, "outputEntry")),
        )
    return model


# ---------------------------------------------------------------- wording


def _table(pair: Pair[_Decision]) -> str:
    """The table as every sentence about its rules names it: by its name in the new version."""
    return f"决策表{quote(pair.new.name)}"


def _column(columns: list[str], index: int) -> str:
    return columns[index] if index < len(columns) else f"第 {index + 1} 列"


def _cell(values: tuple[str, ...], index: int) -> str:
    return values[index] if index < len(values) else "（无）"


def _rule_text(rule: _Rule, decision: _Decision) -> str:
    conditions = "，".join(f"{_column(decision.inputs, i)} {v}" for i, v in enumerate(rule.inputs) if v != "任意")
    results = "，".join(f"{_column(decision.outputs, i)} = {v}" for i, v in enumerate(rule.outputs))
    return f"{conditions or '任意'} → {results or '（无结果）'}"


def _rule_changes(pair: Pair[_Decision], key: str, old: _Rule, new: _Rule) -> Iterator[str]:
    for what, before, after, columns in (
        ("条件", old.inputs, new.inputs, pair.new.inputs),
        ("结果", old.outputs, new.outputs, pair.new.outputs),
    ):
        for i in range(max(len(before), len(after))):
            if _cell(before, i) != _cell(after, i):
                change = f"{_cell(before, i)} → {_cell(after, i)}"
                yield f"{_table(pair)}规则 {new.label} 的{what}“{_column(columns, i)}”：{change}"


def _columns(columns: list[str]) -> str:
    return "、".join(columns) or "（无）"


_DECISION_ATTRIBUTES: tuple[Attribute[_Decision], ...] = (
    ("的命中策略", lambda d: d.hit_policy, show),
    ("的输入列", lambda d: d.inputs, _columns),
    ("的输出列", lambda d: d.outputs, _columns),
)

_RULES: Kind[_Decision, _Rule] = Kind(
    "rule",
    items=lambda decision: decision.rules,
    added=lambda pair, key, rule: f"{_table(pair)}新增规则 {rule.label}：{_rule_text(rule, pair.new)}",
    removed=lambda pair, key, rule: f"{_table(pair)}删除规则 {rule.label}：{_rule_text(rule, pair.old)}",
    changed=_rule_changes,
    in_file_order=True,
)
DECISIONS = top_level(
    "decision",
    "决策表",
    lambda decision: decision.name,
    changed=lambda _, did, old, new: attribute_changes(f"决策表{quote(new.name)}", old, new, _DECISION_ATTRIBUTES),
    parts=(_RULES,),
)
