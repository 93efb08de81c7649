"""The forms part of a bundle diff: each form's JSON Schema read into its fields by dotted path
("members[].name" for an array's items), and how a form and a field read when added, removed or
changed. Separate from the XML kinds: forms are JSON and their fields nest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from engine.domain.vocabulary import FIELD_TYPES
from engine.workflow.bundle_diff.changes import Change, file_problem, quote
from engine.workflow.bundle_diff.compare import Attribute, Kind, Pair, attribute_changes, compare, top_level
from engine.workflow.catalog import FORM_PREFIX


@dataclass(frozen=True)
class _Field:
    title: str
    type: str
    required: bool
    options: tuple[str, ...]
    local: bool = False  # added or changed by the region's override (forms/overrides.py marks it x-region)


@dataclass(frozen=True)
class _Form:
    key: str
    title: str
    fields: dict[str, _Field]


def diff_forms(old_files: Mapping[str, str], new_files: Mapping[str, str]) -> list[Change]:
    changes: list[Change] = []
    # File by file, so that a file that no longer reads is reported right before its form's changes.
    for name in sorted(old_files.keys() | new_files.keys()):
        key = name[len(FORM_PREFIX) :].removesuffix(".json")
        old = _read_form(key, name, old_files[name], changes) if name in old_files else None
        new = _read_form(key, name, new_files[name], changes) if name in new_files else None
        pair = Pair({} if old is None else {key: old}, {} if new is None else {key: new})
        changes += compare(FORMS, pair)
    return changes


# ---------------------------------------------------------------- reading


def _read_fields(schema: Mapping[str, Any], prefix: str = "") -> dict[str, _Field]:
    """Fields by dotted path; an array's item fields are "members[].name"."""
    fields: dict[str, _Field] = {}
    required = set(schema.get("required") or [])
    for key, spec in (schema.get("properties") or {}).items():
        if not isinstance(spec, Mapping):
            continue
        path = f"{prefix}{key}"
        options = tuple(str(v) for v in spec.get("enum") or [])
        title, kind = str(spec.get("title") or key), str(spec.get("type") or "")
        fields[path] = _Field(title, kind, key in required, options, bool(spec.get("x-region")))
        if isinstance(spec.get("properties"), Mapping):
            fields.update(_read_fields(spec, f"{path}."))
        items = spec.get("items")
        if isinstance(items, Mapping) and isinstance(items.get("properties"), Mapping):
            fields.update(_read_fields(items, f"{path}[]."))
    return fields


def _read_form(key: str, name: str, text: str, changes: list[Change]) -> _Form | None:
    try:
        schema = json.loads(text)
    except ValueError:
        changes.append(file_problem(name, f"文件 {name} 不是有效的 JSON"))
        return None
    if not isinstance(schema, Mapping):
        return None
    return _Form(key, str(schema.get("title") or ""), _read_fields(schema))


# ---------------------------------------------------------------- wording


def _form(pair: Pair[_Form]) -> str:
    """The form as every sentence about its fields names it: by its title in the new version."""
    return f"表单{quote(pair.new.title or pair.new.key)}"


def _field_type(kind: str) -> str:
    return FIELD_TYPES.get(kind, kind)


def _field_details(spec: _Field) -> str:
    parts = [FIELD_TYPES.get(spec.type, spec.type or "未注明类型"), "必填" if spec.required else "选填"]
    if spec.options:
        parts.append(f"选项 {'、'.join(spec.options)}")
    return "，".join(parts)


_FIELD_ATTRIBUTES: tuple[Attribute[_Field], ...] = (
    ("的标题", lambda f: f.title, quote),
    ("的类型", lambda f: f.type, _field_type),
)


def _local(spec: _Field) -> str:
    return "（本地区）" if spec.local else ""


def _field_changes(pair: Pair[_Form], path: str, old: _Field, new: _Field) -> Iterator[str]:
    subject = f"{_form(pair)}字段{quote(new.title)} {path}"
    for sentence in attribute_changes(subject, old, new, _FIELD_ATTRIBUTES):
        yield sentence + _local(new)
    if old.required != new.required:
        yield f"{subject}改为{'必填' if new.required else '选填'}{_local(new)}"
    if old.options != new.options:
        added = [o for o in new.options if o not in old.options]
        removed = [o for o in old.options if o not in new.options]
        parts = ([f"新增 {'、'.join(added)}"] if added else []) + ([f"删除 {'、'.join(removed)}"] if removed else [])
        yield f"{subject}的选项：{'；'.join(parts) or '顺序调整'}"


_FIELDS: Kind[_Form, _Field] = Kind(
    "field",
    items=lambda form: form.fields,
    added=lambda pair, path, spec: (
        f"{_form(pair)}新增字段{quote(spec.title)} {path}（{_field_details(spec)}）{_local(spec)}"
    ),
    removed=lambda pair, path, spec: f"{_form(pair)}删除字段{quote(spec.title)} {path}",
    changed=_field_changes,
    in_file_order=True,
)
FORMS = top_level(
    "form",
    "表单",
    lambda form: form.title or form.key,
    changed=lambda _, key, old, new: attribute_changes(
        f"表单 {key} ", old, new, [("的标题", lambda f: f.title, quote)]
    ),
    parts=(_FIELDS,),
    removed="不再使用",
)
