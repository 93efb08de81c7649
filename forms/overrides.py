"""A region's changes to a national form, kept as a small data file beside the region's processes:
processes/regions/<region>/forms/<form_key>.json (docs/designer-forms.md).

    {
      "fields": {"opinion": {"title": "初审意见说明（含入户情况）", "required": true,
                             "x-enum-labels": {"approve": "拟予保障（烟台）"}}},
      "add": {"hukou_checked": {"type": "boolean", "title": "已核对户口簿", "required": true}}
    }

- "fields": national fields by key; each may change only its title, its enumeration's labels
  (x-enum-labels, for values the national field has) and whether it is required ("required": true/false).
- "add": the region's own top-level fields, shown after the national ones in the order given; each is a
  field of the supported subset (forms/problems.py) of a simple type (no groups or lists), with
  "required": true/false for whether it must be filled in.

The merged form is what the region's processes use: deploy validation loads it (engine.workflow.catalog),
the process version's bundle stores it, so task pages render it and step data validates against it.
Every field the override touched carries "x-region": <region>, which the version diff reads to say
"（本地区）". Problems are Chinese and name the field, so a designer can find them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.errors import InvalidData, NotFound, Problem
from forms.definition import FormDefinition, load_form
from forms.problems import definition_problems

OVERRIDES_DIR = "forms"  # under the region's directory: processes/regions/<region>/forms/
REGION_MARK = "x-region"
CHANGEABLE = frozenset({"title", "required", "x-enum-labels"})
SIMPLE_TYPES = frozenset({"string", "integer", "number", "boolean"})
_TOP_KEYS = frozenset({"fields", "add"})


def override_problems(base: Mapping[str, Any], override: Any) -> list[str]:
    """The problems of an override against its (reference-expanded) national form, [] when none."""
    if not isinstance(override, Mapping):
        return ["地区覆盖必须是一个 JSON 对象"]
    problems = [f"不支持的键 {str(k)[:40]}（只能有 fields 和 add）" for k in override if k not in _TOP_KEYS]
    properties: Mapping[str, Any] = base.get("properties") or {}
    changes, added = override.get("fields", {}), override.get("add", {})
    if not isinstance(changes, Mapping):
        problems.append("fields 必须是从全国表单字段名到修改内容的对象")
        changes = {}
    if not isinstance(added, Mapping):
        problems.append("add 必须是从新字段名到字段定义的对象")
        added = {}
    title = base.get("title", "")
    for name, change in changes.items():
        problems += _change_problems(str(name), change, properties, str(title))
    for name, node in added.items():
        problems += _added_problems(str(name), node, properties)
    return problems


def _change_problems(name: str, change: Any, properties: Mapping[str, Any], title: str) -> list[str]:
    if name not in properties:
        return [f"字段 {name}：全国表单「{title}」中没有这个字段（地区只能修改已有字段，新字段请写在 add 中）"]
    if not isinstance(change, Mapping):
        return [f"字段 {name}：修改内容必须是 JSON 对象"]
    problems = [
        f"字段 {name}：地区只能修改标题、选项文字和是否必填，不能修改 {k}" for k in change if k not in CHANGEABLE
    ]
    if "title" in change and not (isinstance(change["title"], str) and change["title"].strip()):
        problems.append(f"字段 {name}：标题不能为空")
    if "required" in change and not isinstance(change["required"], bool):
        problems.append(f"字段 {name}：required 必须是 true 或 false")
    labels = change.get("x-enum-labels")
    if labels is not None:
        values = {str(v) for v in properties[name].get("enum") or []}
        if not isinstance(labels, Mapping) or not all(isinstance(v, str) and v.strip() for v in labels.values()):
            problems.append(f"字段 {name}：选项文字必须是从取值到文字的对象")
        elif not set(labels) <= values:
            problems.append(f"字段 {name}：选项 {'、'.join(sorted(set(labels) - values))} 不是全国表单中的取值")
    return problems


def _added_problems(name: str, node: Any, properties: Mapping[str, Any]) -> list[str]:
    if name in properties:
        return [f"字段 {name}：全国表单已有同名字段，新增字段的标识不能重复"]
    if not isinstance(node, Mapping):
        return [f"字段 {name}：定义必须是 JSON 对象"]
    problems: list[str] = []
    kind = node.get("type")
    if kind not in SIMPLE_TYPES:
        problems.append(f"字段 {name}：地区新增的字段只能是文字、整数、数字或是/否（type 为 {str(kind)[:20]} 不支持）")
    if "required" in node and not isinstance(node["required"], bool):
        problems.append(f"字段 {name}：required 必须是 true 或 false")
    if not (isinstance(node.get("title"), str) and node["title"].strip()):
        problems.append(f"字段 {name}：缺少中文标题 title")
    return problems


def merge_override(base: Mapping[str, Any], override: Mapping[str, Any], region: str) -> dict[str, Any]:
    """The national form with the region's changes; call only on an override without problems."""
    merged = copy.deepcopy(dict(base))
    properties: dict[str, Any] = dict(merged.get("properties") or {})
    required: list[str] = list(merged.get("required") or [])
    order: list[str] = [n for n in merged.get("x-order") or [] if n in properties]
    order += [n for n in properties if n not in order]
    for name, change in (override.get("fields") or {}).items():
        node = dict(properties[name])
        if "title" in change:
            node["title"] = change["title"].strip()
        if "x-enum-labels" in change:
            node["x-enum-labels"] = {**(node.get("x-enum-labels") or {}), **change["x-enum-labels"]}
        properties[name] = {**node, REGION_MARK: region}
        required = _required(required, name, change.get("required"))
    for name, spec in (override.get("add") or {}).items():
        node = {k: copy.deepcopy(v) for k, v in spec.items() if k != "required"}
        properties[name] = {**node, REGION_MARK: region}
        order.append(name)
        required = _required(required, name, spec.get("required", False))
    merged["properties"], merged["x-order"] = properties, order
    if required or "required" in merged:
        merged["required"] = required
    return merged


def _required(required: list[str], name: str, flag: Any) -> list[str]:
    if flag is True and name not in required:
        return [*required, name]
    if flag is False:
        return [n for n in required if n != name]
    return required


def merged_problems(base: Mapping[str, Any], override: Any, region: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The merged form and [] when the override is good; (None, problems) otherwise. The merged form is
    checked like any definition too (an added field's bad keyword, an enumeration without values …)."""
    problems = override_problems(base, override)
    if problems:
        return None, problems
    merged = merge_override(base, override, region)
    problems = definition_problems(merged)
    return (None, problems) if problems else (merged, [])


def parse_override(text: str, origin: str) -> Any:
    """The JSON value of an override file; InvalidData naming the file when it does not read."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f"第 {exc.lineno} 行" if isinstance(exc, json.JSONDecodeError) else ""
        raise InvalidData(f"地区覆盖文件 {origin} 不是有效的 JSON{where}") from None


def load_regional_form(key: str, forms_dir: Path, override_text: str, origin: str, region: str) -> FormDefinition:
    """The national form `key` with the region's override file applied; InvalidData naming the file and
    each field with a problem (NotFound when the national form does not exist)."""
    base = load_form(key, forms_dir)
    merged, problems = merged_problems(base.schema, parse_override(override_text, origin), region)
    if merged is None:
        raise InvalidData(f"地区覆盖文件 {origin} 有误：" + "；".join(problems))
    return FormDefinition(key=key, title=merged["title"], schema=merged)


def override_file_problems(key: str, content: bytes, origin: str, forms_dir: Path, region: str) -> list[Problem]:
    """Every problem of one override file, each a Problem naming the file and (where known) the field."""
    try:
        override = parse_override(content.decode("utf-8"), origin)
        base = load_form(key, forms_dir)
    except UnicodeDecodeError:
        return [Problem(origin, "地区覆盖文件必须是 UTF-8 编码的文本")]
    except NotFound:
        return [Problem(origin, f"地区覆盖文件 {origin}：没有全国表单 {key}（forms/definitions/{key}.json）")]
    except InvalidData as exc:
        return [Problem(origin, exc.message)]
    _, problems = merged_problems(base.schema, override, region)
    return [Problem(origin, f"地区覆盖文件 {origin}：{p}", _field_of(p)) for p in problems]


def _field_of(problem: str) -> str | None:
    return problem.split("：", 1)[0].removeprefix("字段 ") if problem.startswith("字段 ") else None
