"""Checking a form definition against the supported JSON Schema subset.

Anything outside the subset is reported rather than ignored: a keyword the validator does not
enforce (say `multipleOf` or `default`) would look like a rule to the designer while letting any
value through.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from engine.domain.household_copy import WIDGET as COPY_WIDGET
from forms.rules import rule_problems

TYPES = ("string", "integer", "number", "boolean", "object", "array")
FORMATS = ("money", "date", "id_number", "org_unit")
LABEL_KEYS = frozenset({"title", "description"})
# Keywords each type accepts besides "type" and the labels.
TYPE_KEYWORDS: dict[str, frozenset[str]] = {
    "string": frozenset({"enum", "minLength", "maxLength", "pattern", "format", "minimum", "maximum"}),
    "integer": frozenset({"enum", "minimum", "maximum"}),
    "number": frozenset({"enum", "minimum", "maximum"}),
    "boolean": frozenset(),
    "object": frozenset({"properties", "required"}),
    "array": frozenset({"items", "minItems", "maxItems"}),
}
_KNOWN = frozenset().union(*TYPE_KEYWORDS.values()) | LABEL_KEYS | {"type"}
# A formatted string has its own rules; only money takes bounds.
_FORMAT_KEYWORDS: dict[str, frozenset[str]] = {
    "money": frozenset({"minimum", "maximum"}),
    "date": frozenset(),
    "id_number": frozenset(),
    "org_unit": frozenset(),
}
# Property names become error paths ("members.0.name"), so no dots or brackets.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_MAX_DEPTH = 12


def base_type(node: Mapping[str, Any]) -> tuple[str, bool]:
    """The node's type and whether null is allowed; call only on a definition without problems."""
    declared = node["type"]
    if isinstance(declared, str):
        return declared, False
    return next(t for t in declared if t != "null"), True


def definition_problems(raw: Mapping[str, Any]) -> list[str]:
    """Every problem in a definition, in Chinese, naming where it is; [] when the definition is fine."""
    problems: list[str] = []
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append("缺少表单标题 title")
    if raw.get("type") != "object":
        problems.append('表单的 type 必须是 "object"')
    if not isinstance(raw.get("properties"), Mapping):
        problems.append("缺少字段定义 properties")
    if raw.get("type") == "object":
        problems += _node_problems(raw, "表单", 0, top=True)
        properties = raw.get("properties")
        fields = properties.values() if isinstance(properties, Mapping) else []
        copies = [n for n in fields if isinstance(n, Mapping) and _is_copy(n)]
        if len(copies) > 1:
            problems.append(f"一个表单最多只能有一个 x-widget 为 {COPY_WIDGET} 的字段（差异列表只有一份）")
    return list(dict.fromkeys(problems))


def _node_problems(node: Any, where: str, depth: int, *, top: bool = False) -> Iterator[str]:
    if not isinstance(node, Mapping):
        yield f"{where}：定义必须是 JSON 对象"
        return
    if depth > _MAX_DEPTH:
        yield f"{where}：嵌套超过 {_MAX_DEPTH} 层"
        return
    if "$ref" in node:
        # References are expanded by forms.refs when a definition is loaded from its directory;
        # one still here came by another road (a bundle, a dict built in code) and means nothing.
        yield f"{where}：引用 $ref {node['$ref']!r} 未展开（引用只在从表单目录加载定义时展开）"
        return
    kind = _declared_type(node)
    if kind is None:
        yield f'{where}：type 必须是 {"/".join(TYPES)} 之一，或 [类型, "null"]'
        return
    yield from _keyword_problems(node, kind, where)
    for key in LABEL_KEYS & node.keys():
        if not isinstance(node[key], str):
            yield f"{where}：{key} 必须是文字"
    yield from _ui_problems(node, kind, where)
    yield from _copy_problems(node, kind, where, depth)
    if kind == "object":
        yield from rule_problems(node, where)
    elif {"x-required-when", "x-check"} & node.keys():
        yield f"{where}：x-required-when 与 x-check 只适用于 object 类型"
    if kind == "string":
        yield from _string_problems(node, where)
    elif kind in ("integer", "number"):
        yield from _number_problems(node, kind, where)
    elif kind == "object":
        yield from _object_problems(node, where, depth, top=top)
    elif kind == "array":
        yield from _array_problems(node, where, depth)


def _declared_type(node: Mapping[str, Any]) -> str | None:
    declared = node.get("type")
    if isinstance(declared, str):
        return declared if declared in TYPES else None
    if isinstance(declared, list) and len(declared) == 2 and "null" in declared:
        other = next((t for t in declared if t != "null"), None)
        return other if other in TYPES else None
    return None


def _keyword_problems(node: Mapping[Any, Any], kind: str, where: str) -> Iterator[str]:
    allowed = TYPE_KEYWORDS[kind] | LABEL_KEYS | {"type"}
    fmt = node.get("format")
    format_keywords = _FORMAT_KEYWORDS.get(fmt) if kind == "string" and isinstance(fmt, str) else None
    formatted = format_keywords is not None
    if format_keywords is not None:
        allowed = format_keywords | LABEL_KEYS | {"type", "format"}
    elif kind == "string":
        allowed = allowed - {"minimum", "maximum"}
    for key in node:
        if not isinstance(key, str):
            yield f"{where}：关键字必须是文字"
        elif key.startswith("x-"):
            continue
        elif key not in _KNOWN:
            yield f"{where}：不支持的关键字 {key}"
        elif key not in allowed:
            what = f"format {fmt} 的字段" if formatted else f"{kind} 类型"
            yield f"{where}：关键字 {key} 不适用于 {what}"


def _ui_problems(node: Mapping[str, Any], kind: str, where: str) -> Iterator[str]:
    for key in ("x-widget", "x-help"):
        if key in node and not isinstance(node[key], str):
            yield f"{where}：{key} 必须是文字"
    if "x-not-future" in node:
        if not isinstance(node["x-not-future"], bool):
            yield f"{where}：x-not-future 必须是 true 或 false"
        if kind != "string" or node.get("format") != "date":
            yield f"{where}：x-not-future 只适用于 format 为 date 的字段"
    if "x-enum-labels" in node:
        labels = node["x-enum-labels"]
        enum = node.get("enum")
        if not isinstance(labels, Mapping) or not all(isinstance(v, str) for v in labels.values()):
            yield f"{where}：x-enum-labels 必须是从取值到文字的对象"
        elif not isinstance(enum, list) or not set(labels) <= {str(v) for v in enum}:
            yield f"{where}：x-enum-labels 只能为 enum 中的取值提供文字"
    if "x-order" in node:
        order = node["x-order"]
        properties = node.get("properties")
        names = set(properties) if kind == "object" and isinstance(properties, Mapping) else set()
        if not isinstance(order, list) or len(set(map(str, order))) != len(order):
            yield f"{where}：x-order 必须是不重复的字段名列表"
        elif not all(isinstance(n, str) and n in names for n in order):
            yield f"{where}：x-order 中有未定义的字段"


def _is_copy(node: Mapping[str, Any]) -> bool:
    return node.get("x-widget") == COPY_WIDGET


def _copy_problems(node: Mapping[str, Any], kind: str, where: str, depth: int) -> Iterator[str]:
    """A household copy (docs/household-copy.md) is a top-level household object with a baseline variable."""
    if not _is_copy(node):
        if "x-baseline" in node:
            yield f"{where}：x-baseline 只适用于 x-widget 为 {COPY_WIDGET} 的字段"
        return
    properties = node.get("properties")
    members = properties.get("members") if isinstance(properties, Mapping) else None
    items = members.get("items") if isinstance(members, Mapping) else None
    if kind != "object" or not isinstance(items, Mapping) or items.get("type") != "object":
        yield f"{where}：x-widget {COPY_WIDGET} 只适用于家庭情况（引用 household 的字段）"
    if depth != 1:
        yield f"{where}：x-widget {COPY_WIDGET} 只能用于表单的顶层字段"
    baseline = node.get("x-baseline")
    if not isinstance(baseline, str) or _NAME.fullmatch(baseline) is None:
        yield f"{where}：x-widget {COPY_WIDGET} 须用 x-baseline 写明作为原始数据的流程变量名（如 household）"


def _string_problems(node: Mapping[str, Any], where: str) -> Iterator[str]:
    fmt = node.get("format")
    if fmt is not None and fmt not in FORMATS:
        yield f"{where}：不支持的 format {fmt!r}（可用：{'、'.join(FORMATS)}）"
    yield from _length_problems(node, "minLength", "maxLength", where)
    if "pattern" in node:
        pattern = node["pattern"]
        try:
            valid = isinstance(pattern, str) and re.compile(pattern) is not None
        except (re.error, RecursionError, OverflowError):
            # sre's parser recurses once per nested group and caps the compiled size: both are the pattern's fault.
            valid = False
        if not valid:
            yield f"{where}：pattern 不是有效的正则表达式"
    if "enum" in node:
        yield from _enum_problems(node["enum"], lambda v: isinstance(v, str), "文字", where)
    if fmt == "money":
        low, high = (_money_bound(node[key]) if key in node else Decimal(0) for key in ("minimum", "maximum"))
        if low is None or high is None:
            yield f"{where}：金额的 minimum/maximum 必须是不小于 0、最多两位小数的数"
        elif "maximum" in node and low > high:
            yield f"{where}：minimum 大于 maximum"


def _number_problems(node: Mapping[str, Any], kind: str, where: str) -> Iterator[str]:
    def fits(value: Any) -> TypeGuard[int | float]:
        if isinstance(value, bool):
            return False
        if isinstance(value, float) and not math.isfinite(value):
            return False  # JSON's 1e999 and NaN arrive as inf and nan, which bound nothing
        return isinstance(value, int) if kind == "integer" else isinstance(value, int | float)

    what = "整数" if kind == "integer" else "数"
    for key in ("minimum", "maximum"):
        if key in node and not fits(node[key]):
            yield f"{where}：{key} 必须是{what}"
    low, high = node.get("minimum"), node.get("maximum")
    if fits(low) and fits(high) and low > high:
        yield f"{where}：minimum 大于 maximum"
    if "enum" in node:
        yield from _enum_problems(node["enum"], fits, what, where)


def _object_problems(node: Mapping[str, Any], where: str, depth: int, *, top: bool) -> Iterator[str]:
    properties = node.get("properties", {})
    if not isinstance(properties, Mapping):
        yield f"{where}：properties 必须是对象"
        return
    for name, child in properties.items():
        if not isinstance(name, str) or _NAME.fullmatch(name) is None:
            yield f"{where}：字段名 {name!r} 不合法（字母开头，只含字母、数字、下划线，最长 64）"
            continue
        yield from _node_problems(child, f"字段 {name}" if top else f"{where}.{name}", depth + 1)
    required = node.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        yield f"{where}：required 必须是字段名列表"
    else:
        for name in required:
            if name not in properties:
                yield f"{where}：required 中的 {name} 没有定义"
        if len(set(required)) != len(required):
            yield f"{where}：required 中有重复的字段名"


def _array_problems(node: Mapping[str, Any], where: str, depth: int) -> Iterator[str]:
    yield from _length_problems(node, "minItems", "maxItems", where)
    if "items" not in node:
        yield f"{where}：数组必须用 items 定义每一项"
    else:
        yield from _node_problems(node["items"], f"{where}[]", depth + 1)


def _length_problems(node: Mapping[str, Any], low_key: str, high_key: str, where: str) -> Iterator[str]:
    def fits(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    for key in (low_key, high_key):
        if key in node and not fits(node[key]):
            yield f"{where}：{key} 必须是非负整数"
    low, high = node.get(low_key), node.get(high_key)
    if isinstance(low, int) and isinstance(high, int) and low > high:
        yield f"{where}：{low_key} 大于 {high_key}"


def _enum_problems(enum: Any, fits: Callable[[Any], bool], what: str, where: str) -> Iterator[str]:
    if not isinstance(enum, list) or not enum:
        yield f"{where}：enum 必须是非空列表"
    elif not all(fits(v) for v in enum):
        yield f"{where}：enum 的每个取值都必须是{what}"
    elif len({repr(v) for v in enum}) != len(enum):
        yield f"{where}：enum 中有重复的取值"


def _money_bound(value: Any) -> Decimal | None:
    """A money bound as Decimal, or None when it is not a non-negative amount with at most 2 decimals."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        amount = Decimal(str(value))
        exact = amount.is_finite() and amount == amount.quantize(Decimal("0.01"))
    except InvalidOperation:  # quantize refuses numbers beyond the context precision
        return None
    return amount if exact and amount >= 0 else None
