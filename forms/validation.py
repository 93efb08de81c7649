"""Validating submitted form data against a definition.

The definition is turned into marshmallow schemas once (cached per definition) with unknown=RAISE
at every level; marshmallow's nested error dict is then flattened into one entry per field path
("members.0.name") whose messages name the field by its Chinese title.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load

from engine.errors import InvalidData
from forms import fields as ff
from forms.definition import FormDefinition
from forms.problems import base_type, definition_problems
from forms.rules import cross_field_errors

# Stands in for marshmallow's "Unknown field." so the flattener can name the key instead.
_UNKNOWN = "\x00unknown"

# Messages marshmallow may still produce on its own; every field sets Chinese ones, so these are
# a safety net rather than the main path.
_ENGLISH = {
    "Missing data for required field.": "必填",
    "Field may not be null.": "不能为空",
    "Invalid input type.": "必须是对象",
    "Not a valid list.": "必须是列表",
    "Invalid value.": "不符合要求",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


class _FormSchema(Schema):
    # marshmallow configures schema messages only through this class attribute.
    error_messages = {"type": "必须是对象", "unknown": _UNKNOWN}  # noqa: RUF012

    @pre_load
    def _blank_means_not_given(self, data: Any, **kwargs: Any) -> Any:
        # An empty text box arrives as "": for a required field that is "必填", not a
        # "must be a date" error, and an optional one is simply left out.
        if not isinstance(data, Mapping):
            return data
        known = {f.data_key for f in self.load_fields.values()}
        return {k: v for k, v in data.items() if not (k in known and isinstance(v, str) and not v.strip())}


@dataclass(frozen=True)
class _Check:
    """A marshmallow validator with a fixed Chinese message (no str.format on designer text)."""

    test: Callable[[Any], bool]
    message: str

    def __call__(self, value: Any) -> None:
        if not self.test(value):
            raise ValidationError(self.message)


def validate_form(
    definition: FormDefinition,
    data: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    *,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """Cleaned, JSON-safe data, or InvalidData("表单数据有误") with one entry per bad field path.
    `today`: the day dates must not be later than (default: the machine's date)."""
    schema = _schema_for(definition)
    token = ff.VALIDATION_DAY.set(today)
    try:
        cleaned: dict[str, Any] = schema.load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors: dict[str, list[str]] = {}
        _flatten(definition.schema, messages, (), "表单数据", errors)
        # The rules across fields run on what passed, so their messages come in the same round.
        valid = exc.valid_data if isinstance(exc.valid_data, Mapping) else {}
        refused = frozenset(errors)
        for path, extra in cross_field_errors(definition.schema, valid, context, invalid=refused).items():
            errors.setdefault(path, []).extend(extra)
        raise InvalidData("表单数据有误", fields=errors) from None
    finally:
        ff.VALIDATION_DAY.reset(token)
    cross = cross_field_errors(definition.schema, cleaned, context)
    if cross:
        raise InvalidData("表单数据有误", fields=cross)
    return cleaned


@functools.lru_cache(maxsize=256)
def _schema_for(definition: FormDefinition) -> Schema:
    # Definitions built by hand rather than by from_json get the same check before use.
    problems = definition_problems(definition.schema)
    if problems:
        raise InvalidData(f"表单 {definition.key} 的定义有误：" + "；".join(problems))
    return _object_schema(definition.schema, definition.key)


def _object_schema(node: Mapping[str, Any], name: str) -> Schema:
    required = set(node.get("required", []))
    declared: dict[str, fields.Field[Any]] = {}
    for i, (key, child) in enumerate(node.get("properties", {}).items()):
        # Indexed attribute names: a property called "load" or "fields" must not shadow Schema's own.
        declared[f"f{i}"] = _field(child, f"{name}.{key}", data_key=key, attribute=key, required=key in required)
    schema_class = _FormSchema.from_dict(declared, name=f"Form_{name}")
    return schema_class(unknown=RAISE)


def _field(node: Mapping[str, Any], name: str, **kwargs: Any) -> fields.Field[Any]:
    kind, nullable = base_type(node)
    kwargs["allow_none"] = nullable
    validators: list[_Check] = []
    if "enum" in node:
        labels = node.get("x-enum-labels", {})
        choices = node["enum"]
        shown = "、".join(str(labels.get(str(c), c)) for c in choices)
        validators.append(_Check(lambda v: v in choices, f"必须是以下之一：{shown}"))
    if kind == "string":
        return _string_field(node, validators, kwargs)
    if kind in ("integer", "number"):
        validators += _bounds(node.get("minimum"), node.get("maximum"))
        field_class = ff.Integer if kind == "integer" else ff.Number
        return field_class(validate=validators, **kwargs)
    if kind == "boolean":
        return ff.Boolean(**kwargs)
    if kind == "array":
        validators += _bounds(node.get("minItems"), node.get("maxItems"), counting=" 项")
        inner = _field(node["items"], f"{name}_item")
        return ff.StrictList(inner, validate=validators, **kwargs)
    return fields.Nested(_object_schema(node, name), unknown=RAISE, error_messages=ff.COMMON_MESSAGES, **kwargs)


def _string_field(node: Mapping[str, Any], validators: list[_Check], kwargs: dict[str, Any]) -> fields.Field[Any]:
    fmt = node.get("format")
    if fmt == "money":
        low, high = node.get("minimum"), node.get("maximum")
        return ff.Money(
            minimum=None if low is None else Decimal(str(low)),
            maximum=None if high is None else Decimal(str(high)),
            **kwargs,
        )
    if fmt == "date":
        return ff.IsoDate(not_future=node.get("x-not-future", False), **kwargs)
    if fmt == "id_number":
        return ff.IdNumber(**kwargs)
    if fmt == "org_unit":
        return ff.OrgUnit(**kwargs)
    validators += _bounds(node.get("minLength"), node.get("maxLength"), counting=" 个字")
    if "pattern" in node:
        # JSON Schema patterns are unanchored, hence search() rather than fullmatch().
        pattern = re.compile(node["pattern"])
        validators.append(_Check(lambda v: pattern.search(v) is not None, "格式不正确"))
    return ff.Text(validate=validators, **kwargs)


def _bounds(low: Any, high: Any, *, counting: str | None = None) -> list[_Check]:
    """One check for a minimum and/or maximum, with a message stating the whole allowed range.

    With `counting` (the unit, " 项" or " 个字") the bounds apply to the value's length.
    """
    if low is None and high is None:
        return []
    measure: Callable[[Any], Any] = len if counting else _identity
    if counting:
        wording = {
            "both": f"必须有 {low} 到 {high}{counting}",
            "low": f"至少 {low}{counting}",
            "high": f"最多 {high}{counting}",
        }
    else:
        wording = {
            "both": f"必须在 {low} 到 {high} 之间",
            "low": f"不能小于 {low}",
            "high": f"不能大于 {high}",
        }
    if low is not None and high is not None:
        return [_Check(lambda v: low <= measure(v) <= high, wording["both"])]
    if low is not None:
        return [_Check(lambda v: low <= measure(v), wording["low"])]
    return [_Check(lambda v: measure(v) <= high, wording["high"])]


def _identity(value: Any) -> Any:
    return value


def _flatten(
    node: Mapping[str, Any], messages: Any, path: tuple[str, ...], label: str, out: dict[str, list[str]]
) -> None:
    """Walk marshmallow's error dict beside the definition, so each path gets its title-based label."""
    if not isinstance(messages, dict):
        texts = messages if isinstance(messages, list) else [messages]
        out.setdefault(".".join(path) or "_schema", []).extend(f"{label}：{_chinese(m)}" for m in texts)
        return
    kind = base_type(node)[0]
    for key, value in messages.items():
        child_path = (*path, str(key))
        if isinstance(value, list) and _UNKNOWN in value:
            out[".".join(child_path)] = [f"未知字段：{key}" if not path else f"未知字段：{label}·{key}"]
        elif key == "_schema":
            _flatten(node, value, path, label, out)
        elif kind == "array" and isinstance(key, int):
            _flatten(node["items"], value, child_path, f"{label}第 {key + 1} 项", out)
        elif kind == "object" and key in node.get("properties", {}):
            child = node["properties"][key]
            title = str(child.get("title", key))
            _flatten(child, value, child_path, title if not path else f"{label}·{title}", out)
        else:
            # Not expected from the schemas built here; reported rather than lost.
            texts = value if isinstance(value, list) else ["格式不正确"]
            out.setdefault(".".join(child_path), []).extend(f"{label}·{key}：{_chinese(t)}" for t in texts)


def _chinese(message: Any) -> str:
    text = str(message)
    if text in _ENGLISH:
        return _ENGLISH[text]
    return text if _CJK.search(text) else "格式不正确"
