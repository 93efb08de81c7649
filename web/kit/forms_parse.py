"""A posted HTML form back as form data, and the 添加/删除 operations on its lists (the other half of
web.kit.forms_render, whose module docstring describes the input names: "f.<path>", "<path>._n")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web.kit.forms_render import COUNT, MAX_ITEMS, MISSING, PREFIX, node_kind, ordered_properties

_BOOLEAN_ON = frozenset({"true", "on", "1"})


def is_index(text: str) -> bool:
    """A list position or count as posted: ASCII digits only (str.isdigit() also accepts "²", which int() refuses)."""
    return text.isascii() and text.isdigit()


def parse_submission(schema: Mapping[str, Any], form: Mapping[str, Any]) -> dict[str, Any]:
    """The posted fields as form data for the validator; values stay text (the validator converts them)."""
    return _parse_object(schema, "", form)


def _parse_object(node: Mapping[str, Any], path: str, form: Mapping[str, Any]) -> dict[str, Any]:
    required = set(node.get("required", []))
    data: dict[str, Any] = {}
    for name, child in ordered_properties(node):
        value = _parse(child, f"{path}.{name}" if path else name, form, required=name in required)
        if value is not MISSING:
            data[name] = value
    return data


def _parse(node: Mapping[str, Any], path: str, form: Mapping[str, Any], *, required: bool) -> Any:
    kind, nullable = node_kind(node)
    if kind == "object":
        value = _parse_object(node, path, form)
        if _blank(value) and not (required and not nullable):
            return None if nullable else MISSING
        return value
    if kind == "array":
        raw_count = form.get(f"{PREFIX}{path}.{COUNT}")
        if raw_count is None:
            return MISSING
        count = int(raw_count) if is_index(str(raw_count)) else 0
        item_node = node.get("items", {})
        return [_parse(item_node, f"{path}.{i}", form, required=True) for i in range(min(count, MAX_ITEMS))]
    if kind == "boolean":
        return str(form.get(PREFIX + path, "")).lower() in _BOOLEAN_ON
    raw = form.get(PREFIX + path)
    if raw is None:
        return MISSING
    text = str(raw)
    return None if nullable and not text.strip() else text


def _blank(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    if isinstance(value, str):
        return not value.strip()
    return value is None or value is False or value == []


# ---- 添加 / 删除 array items ----------------------------------------------------------------------


def apply_op(schema: Mapping[str, Any], data: dict[str, Any], op: str) -> bool:
    """Add an item to, or remove one from, an array of `data` in place; False for an op naming no array."""
    action, _, path = op.partition(":")
    parts = path.split(".") if path else []
    if action == "add":
        node = _node_at(schema, parts)
        container = _container(data, parts)
        if node is None or node_kind(node)[0] != "array" or container is None:
            return False
        items = container.get(parts[-1])
        if not isinstance(items, list):
            items = []
            container[parts[-1]] = items
        if len(items) < min(int(node.get("maxItems", MAX_ITEMS)), MAX_ITEMS):
            items.append(_blank_value(node.get("items", {})))
        return True
    if action == "remove" and len(parts) >= 2 and is_index(parts[-1]):
        node = _node_at(schema, parts[:-1])
        holder = _container(data, parts[:-1])
        items = holder.get(parts[-2]) if holder is not None else None
        if node is None or not isinstance(items, list) or int(parts[-1]) >= len(items):
            return False
        if len(items) > int(node.get("minItems", 0)):
            items.pop(int(parts[-1]))
        return True
    return False


def _node_at(schema: Mapping[str, Any], parts: list[str]) -> Mapping[str, Any] | None:
    node: Any = schema
    for part in parts:
        kind = node_kind(node)[0] if isinstance(node, Mapping) else None
        if kind == "object" and part in node.get("properties", {}):
            node = node["properties"][part]
        elif kind == "array" and is_index(part):
            node = node.get("items", {})
        else:
            return None
    return node if isinstance(node, Mapping) else None


def _container(data: dict[str, Any], parts: list[str]) -> dict[str, Any] | None:
    """The dict holding the value at `parts` (parts[-1] is the key in it), walking lists by index."""
    current: Any = data
    for position, part in enumerate(parts[:-1]):
        if isinstance(current, dict):
            if current.get(part) is None:
                if is_index(parts[position + 1]):
                    return None  # an item of an array that is not there
                current[part] = {}
            current = current[part]
        elif isinstance(current, list) and is_index(part) and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current if isinstance(current, dict) and parts else None


def _blank_value(node: Mapping[str, Any]) -> Any:
    kind = node_kind(node)[0]
    return {"object": {}, "array": [], "boolean": False}.get(kind, "")


def parse_node(node: Mapping[str, Any], path: str, form: Mapping[str, Any], *, required: bool) -> Any:
    """One posted field as form data, or MISSING."""
    return _parse(node, path, form, required=required)
