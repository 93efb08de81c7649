"""The structured form editor's rows (docs/designer-forms.md): a definition read into one row per top-level
field, and rows turned back into a definition (national) or into a region's override (forms/overrides.py).

Pure: no files, no database. What the editor cannot show (a group's or a list's inner fields, bounds,
patterns, hints) is kept from the original node, so an edit changes only what the designer touched.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.overrides import SIMPLE_TYPES
from forms.rules import CHECKS

# The editor's field types: what a designer picks, in Chinese. "group" stands for an object or a list
# (its inner fields are edited by uploading the JSON definition), never offered for a new field.
KINDS: dict[str, str] = {
    "text": "单行文字",
    "textarea": "多行文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否",
    "money": "金额（元）",
    "date": "日期",
    "id_number": "身份证号码",
    "org_unit": "单位代码",
    "group": "分组或列表（结构请上传 JSON 修改）",
}
_FORMATS = ("money", "date", "id_number", "org_unit")
# The cross-field checks of forms/rules.py, named for a designer.
CHECK_LABELS: dict[str, str] = {
    "democratic_review_votes": "民主评议票数核对（赞成、反对、弃权之和等于到会人数）",
    "households": "家庭成员核对（有且只有一位申请人，同一人不重复）",
    "gradual_exit_months": "渐退月数在流程计算的范围内",
    "democratic_review_panel": "民主评议小组组成符合本地区规则",
    "democratic_review_vote": "评议成员表决记录核对",
    "verification_findings": "信息核对逐项结果（差异写明情况，金额写明成员与收入类别）",
}
assert set(CHECK_LABELS) == set(CHECKS)  # noqa: S101 - a new check needs its Chinese name here
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_SPLIT = re.compile(r"[,，、;；\s]+")
_TRUE, _FALSE = ("true", "是", "1"), ("false", "否", "0")


@dataclass
class Row:
    """One top-level field as the editor shows it. `options`: one "取值=中文" per line."""

    id: str
    key: str = ""
    orig: str = ""  # the key the field had when the editor opened ("" for a new field)
    title: str = ""
    kind: str = "text"
    required: bool = False
    options: str = ""
    when_field: str = ""  # required only when this other field …
    when_values: str = ""  # … holds one of these values ("、"-separated)
    national: bool = False  # in a region's editor: a national field (only its labels and required flag change)
    errors: list[str] = field(default_factory=list)


def kind_of(node: Mapping[str, Any]) -> str:
    declared = node.get("type")
    kind = next((t for t in declared if t != "null"), "") if isinstance(declared, list) else declared
    if kind == "string":
        fmt = node.get("format")
        if fmt in _FORMATS:
            return str(fmt)
        return "textarea" if node.get("x-widget") == "textarea" else "text"
    return str(kind) if kind in ("integer", "number", "boolean") else "group"


def _options_text(node: Mapping[str, Any]) -> str:
    labels: Mapping[str, Any] = node.get("x-enum-labels") or {}
    return "\n".join(f"{v}={labels[str(v)]}" if str(v) in labels else str(v) for v in node.get("enum") or [])


def ordered(schema: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    properties: Mapping[str, Any] = schema.get("properties") or {}
    order = [n for n in schema.get("x-order") or [] if n in properties]
    return [(n, properties[n]) for n in order + [n for n in properties if n not in order]]


def rows_of(schema: Mapping[str, Any], *, national: bool = False) -> list[Row]:
    """The rows of a definition's top-level fields, in display order."""
    required = set(schema.get("required") or [])
    when: Mapping[str, Any] = schema.get("x-required-when") or {}
    rows: list[Row] = []
    for i, (key, node) in enumerate(ordered(schema)):
        condition: tuple[str, list[Any]] = next(iter((when.get(key) or {}).items()), ("", []))
        rows.append(
            Row(
                str(i),
                key,
                key,
                str(node.get("title", key)),
                kind_of(node),
                key in required,
                _options_text(node),
                condition[0],
                "、".join(_shown(v) for v in condition[1]),
                national,
            )
        )
    return rows


def _shown(value: Any) -> str:
    return "是" if value is True else "否" if value is False else str(value)


def _node_for(row: Row, old: Mapping[str, Any] | None) -> dict[str, Any]:
    """The field's node: the old one with the row's title (and type, when the type changed)."""
    if old is not None and kind_of(old) == row.kind:
        node = copy.deepcopy(dict(old))
    else:
        kept = {k: v for k, v in (old or {}).items() if k in ("description", "x-help")}
        node = {"type": "string" if row.kind in ("text", "textarea", *_FORMATS) else row.kind, **kept}
        if row.kind in _FORMATS:
            node["format"] = row.kind
        if row.kind == "textarea":
            node["x-widget"] = "textarea"
    node["title"] = row.title.strip()
    return node


def _value(text: str, kind: str) -> Any:
    """A typed option or condition value; ValueError when it does not fit the field's type."""
    if kind == "integer":
        return int(text)
    if kind == "number":
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    if kind == "boolean":
        if text.lower() in _TRUE or text.lower() in _FALSE:
            return text.lower() in _TRUE
        raise ValueError(text)
    return text


def _apply_options(row: Row, node: dict[str, Any]) -> None:
    pairs = [line.split("=", 1) for line in row.options.splitlines() if line.strip()]
    if not pairs:
        node.pop("enum", None)
        node.pop("x-enum-labels", None)
        return
    if row.kind not in ("text", "integer", "number"):
        row.errors.append(f"字段「{row.title or row.key}」：只有单行文字、整数和数字字段可以设置选项")
        return
    try:
        values = [_value(p[0].strip(), row.kind) for p in pairs]
    except ValueError:
        row.errors.append(f"字段「{row.title or row.key}」：选项的取值必须是{KINDS[row.kind]}")
        return
    if len(set(map(str, values))) != len(values):
        row.errors.append(f"字段「{row.title or row.key}」：选项的取值不能重复")
    labels = {str(v): p[1].strip() for v, p in zip(values, pairs, strict=True) if len(p) > 1 and p[1].strip()}
    node["enum"] = values
    if labels:
        node["x-enum-labels"] = labels
    else:
        node.pop("x-enum-labels", None)


def _row_problems(row: Row, seen: set[str], *, new_kinds: frozenset[str]) -> None:
    name = row.title or row.key or "（新字段）"
    if not _NAME.fullmatch(row.key):
        row.errors.append(f"字段「{name}」：标识只能由英文字母、数字和下划线组成，以字母开头，最长 64 个字符")
    elif row.key in seen:
        row.errors.append(f"字段「{name}」：标识 {row.key} 与另一字段重复")
    seen.add(row.key)
    if not row.title.strip():
        row.errors.append(f"字段 {row.key or '（新字段）'}：请填写中文名称")
    if row.kind not in KINDS or (row.kind not in new_kinds and not row.orig):
        row.errors.append(f"字段「{name}」：请选择支持的字段类型")


def _condition(row: Row, kinds: Mapping[str, str]) -> dict[str, list[Any]] | None:
    if not row.when_field:
        return None
    if row.when_field not in kinds or row.when_field == row.key:
        row.errors.append(f"字段「{row.title}」：必填条件中的字段 {row.when_field} 不在本表单中")
        return None
    texts = [t for t in _SPLIT.split(row.when_values) if t]
    try:
        values = [_value(t, kinds[row.when_field]) for t in texts]
    except ValueError:
        values = []
    if not values:
        row.errors.append(f"字段「{row.title}」：请填写条件字段 {row.when_field} 的取值（多个用、分隔）")
        return None
    return {row.when_field: values}


def definition_from_rows(raw: Mapping[str, Any], title: str, check: str, rows: list[Row]) -> dict[str, Any]:
    """The national definition the rows describe, built over the original `raw` (unresolved: a $ref field
    stays a reference). Problems land in each row's `errors`; the caller checks them first."""
    old: Mapping[str, Any] = raw.get("properties") or {}
    seen: set[str] = set()
    kinds = {r.key: r.kind for r in rows}
    properties: dict[str, Any] = {}
    for row in rows:
        _row_problems(row, seen, new_kinds=frozenset(KINDS) - {"group"})
        original = old.get(row.orig) if row.orig else None
        if row.kind == "group" and original is None:
            continue
        node = _node_for(row, original)
        if row.kind != "group":
            _apply_options(row, node)
        properties[row.key] = node
    result = copy.deepcopy(dict(raw))
    result["title"] = title.strip()
    renamed = {r.orig: r.key for r in rows if r.orig in old}
    kept = [renamed[k] for k in old if k in renamed]
    result["properties"] = {k: properties[k] for k in sorted(properties, key=_in(kept, rows))}
    wanted = [r.key for r in rows if r.required]
    required = [renamed[k] for k in raw.get("required") or [] if renamed.get(k) in wanted]
    _set(result, "required", required + [k for k in wanted if k not in required], keep_empty="required" in raw)
    order = [r.key for r in rows]
    _set(result, "x-order", order if "x-order" in raw or order != list(result["properties"]) else [])
    conditions = {r.key: c for r in rows if (c := _condition(r, kinds)) is not None}
    _set(result, "x-required-when", conditions)
    _set(result, "x-check", check if check else "")
    return result


def _in(kept: list[str], rows: list[Row]) -> Any:
    """Sort key: the original fields in their original place, new fields after them in row order."""
    keys = [r.key for r in rows]
    return lambda k: (0, kept.index(k)) if k in kept else (1, keys.index(k) if k in keys else 0)


def _set(target: dict[str, Any], key: str, value: Any, *, keep_empty: bool = False) -> None:
    if value or keep_empty:
        target[key] = value
    else:
        target.pop(key, None)


def text_of(value: Any, original_text: str | None) -> str:
    """The file text for a definition or override: the original text when nothing changed (byte for byte),
    else two-space JSON like the files in forms/definitions/."""
    if original_text is not None:
        try:
            if json.loads(original_text) == value:
                return original_text
        except ValueError:
            pass
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- a region's override


def override_rows(base: Mapping[str, Any], override: Mapping[str, Any]) -> list[Row]:
    """A region's editor: the national fields (as the override changes them) then the region's own."""
    changes: Mapping[str, Any] = override.get("fields") or {}
    rows = rows_of(base, national=True)
    for row in rows:
        change = changes.get(row.key) or {}
        node = dict((base.get("properties") or {})[row.key])
        row.title = str(change.get("title", row.title))
        row.required = bool(change.get("required", row.required))
        row.when_field = row.when_values = ""
        node["x-enum-labels"] = {**(node.get("x-enum-labels") or {}), **(change.get("x-enum-labels") or {})}
        row.options = _options_text(node)
    added: Mapping[str, Any] = override.get("add") or {}
    for i, (key, spec) in enumerate(added.items()):
        own: Mapping[str, Any] = spec if isinstance(spec, Mapping) else {}
        rows.append(
            Row(f"a{i}", key, key, str(own.get("title", key)), kind_of(own), own.get("required") is True,
                _options_text(own))
        )  # fmt: skip
    return rows


def override_from_rows(base: Mapping[str, Any], override: Mapping[str, Any], rows: list[Row]) -> dict[str, Any]:
    """The override the rows describe: for each national field only what differs from the national form,
    the region's own fields in row order. Problems land in each row's `errors`."""
    properties: Mapping[str, Any] = base.get("properties") or {}
    required = set(base.get("required") or [])
    seen: set[str] = set(properties)
    changes: dict[str, Any] = {}
    added: dict[str, Any] = {}
    old_added: Mapping[str, Any] = override.get("add") or {}
    for row in rows:
        if row.national and row.key in properties:
            change = _national_change(row, properties[row.key], row.key in required)
            if change:
                changes[row.key] = change
            continue
        _row_problems(row, seen, new_kinds=frozenset(KINDS) - {"group"})
        if row.kind == "group":
            row.errors.append(f"字段「{row.title}」：地区新增的字段只能是文字、数字、是/否等简单类型")
            continue
        node = _node_for(row, old_added.get(row.orig) if row.orig else None)
        _apply_options(row, node)
        node.pop("required", None)
        added[row.key] = {**node, "required": row.required}
        assert node["type"] in SIMPLE_TYPES  # noqa: S101 - the kinds above are all simple
    result: dict[str, Any] = {}
    if changes:
        result["fields"] = changes
    if added:
        result["add"] = added
    return result


def _national_change(row: Row, node: Mapping[str, Any], required: bool) -> dict[str, Any]:
    change: dict[str, Any] = {}
    if not row.title.strip():
        row.errors.append(f"字段 {row.key}：请填写中文名称")
    elif row.title.strip() != node.get("title", row.key):
        change["title"] = row.title.strip()
    if row.required != required:
        change["required"] = row.required
    labels: Mapping[str, Any] = node.get("x-enum-labels") or {}
    values = {str(v) for v in node.get("enum") or []}
    for line in row.options.splitlines():
        value, _, label = line.partition("=")
        value, label = value.strip(), label.strip()
        if value in values and label and label != labels.get(value, value):
            change.setdefault("x-enum-labels", {})[value] = label
    return change
