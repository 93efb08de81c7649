"""The differences between a baseline household and its verified copy (docs/household-copy.md), in words.

Each difference is a small JSON object, stored with the task's data (`household_differences`) and shown
on the case page and in the dossier as it was worded when the step was completed:

    {"change": "household" | "member_changed" | "member_added" | "member_removed",
     "member": name or None, "field": key or None, "label": title or None,
     "old": text or None, "new": text or None, "text": the whole sentence}

Values are worded from the form's own definition (titles, x-enum-labels), and a 身份证号 only ever
appears masked. Members are paired by where the verified copy came from (a reference to a baseline
member), else by the same 身份证号, so a client that sends a whole household gets the same list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.domain.id_numbers import mask_id_number

_NONE = "（无）"


def differences(
    node: Mapping[str, Any],
    baseline: Mapping[str, Any],
    verified: Mapping[str, Any],
    origins: Sequence[int | None] = (),
) -> list[dict[str, Any]]:
    """What changed from `baseline` to `verified`; `node` is the household's form definition node."""
    properties: Mapping[str, Any] = node.get("properties") or {}
    found = [
        _entry("household", None, key, _title(child, key), baseline.get(key), verified.get(key), child)
        for key, child in ordered(node)
        if key != "members" and value_text(baseline.get(key), child) != value_text(verified.get(key), child)
    ]
    member_node: Mapping[str, Any] = (properties.get("members") or {}).get("items") or {}
    old = [m for m in baseline.get("members") or [] if isinstance(m, Mapping)]
    new = [m for m in verified.get("members") or [] if isinstance(m, Mapping)]
    pairs = _pairs(old, new, origins)
    for position, member in enumerate(new):
        index = pairs.get(position)
        if index is None:
            found.append(_whole("member_added", member, member_node))
        else:
            found += _member_changes(member_node, old[index], member)
    paired = set(pairs.values())
    found += [_whole("member_removed", member, member_node) for i, member in enumerate(old) if i not in paired]
    return found


def _pairs(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]], origins: Sequence[int | None]
) -> dict[int, int]:
    """Verified position → baseline index: by reference first, then by the same 身份证号."""
    pairs = {k: i for k, i in enumerate(origins) if i is not None and k < len(new) and i < len(old)}
    taken = set(pairs.values())
    by_id = {str(m.get("id_number")): i for i, m in enumerate(old) if m.get("id_number")}
    for position, member in enumerate(new):
        index = by_id.get(str(member.get("id_number")))
        if position not in pairs and index is not None and index not in taken:
            pairs[position] = index
            taken.add(index)
    return pairs


def _member_changes(node: Mapping[str, Any], old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    name = str(new.get("name") or old.get("name") or "")
    return [
        _entry("member_changed", name, key, _title(child, key), old.get(key), new.get(key), child)
        for key, child in ordered(node)
        if value_text(old.get(key), child) != value_text(new.get(key), child)
    ]


def _whole(change: str, member: Mapping[str, Any], node: Mapping[str, Any]) -> dict[str, Any]:
    name = str(member.get("name") or "")
    properties: Mapping[str, Any] = node.get("properties") or {}
    shown = "，".join(
        f"{_title(properties[key], key)} {value_text(member.get(key), properties[key])}"
        for key in ("relation", "id_number")
        if key in properties
    )
    described = f"{name}（{shown}）" if shown else name
    verb = "新增成员" if change == "member_added" else "减少成员"
    old, new = (None, described) if change == "member_added" else (described, None)
    return {
        "change": change,
        "member": name,
        "field": None,
        "label": None,
        "old": old,
        "new": new,
        "text": f"{verb}：{described}",
    }


def _entry(
    change: str, member: str | None, key: str, label: str, old: Any, new: Any, node: Mapping[str, Any]
) -> dict[str, Any]:
    before, after = value_text(old, node), value_text(new, node)
    where = f"{member}·{label}" if member else label
    return {
        "change": change,
        "member": member,
        "field": key,
        "label": label,
        "old": before,
        "new": after,
        "text": f"{where}：{before} → {after}",
    }


def ordered(node: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """An object node's properties in the order its form shows them (x-order first)."""
    properties: Mapping[str, Any] = node.get("properties") or {}
    order = [name for name in node.get("x-order") or [] if name in properties]
    order += [name for name in properties if name not in order]
    return [(name, properties[name]) for name in order]


def _title(node: Mapping[str, Any], key: str) -> str:
    return str(node.get("title") or key)


def value_text(value: Any, node: Mapping[str, Any]) -> str:
    """A value in words, by its definition: labels for choices, masked ID numbers, 是/否, nested parts."""
    if value is None or value == "" or value == []:
        return _NONE
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Mapping):
        parts = [
            f"{_title(child, key)} {value_text(value.get(key), child)}"
            for key, child in ordered(node)
            if value.get(key) not in (None, "")
        ]
        return "，".join(parts) or _NONE
    if isinstance(value, list):
        items: Mapping[str, Any] = node.get("items") or {}
        if items.get("type") == "object":
            return "；".join(" ".join(_bare(item, items)) for item in value)
        return "、".join(value_text(item, items) for item in value)
    if node.get("format") == "id_number":
        return mask_id_number(str(value))
    labels = node.get("x-enum-labels") or {}
    return str(labels.get(str(value), value))


def _bare(item: Any, node: Mapping[str, Any]) -> list[str]:
    """An object item's values without their titles (收入: "工资性收入 1500.00")."""
    if not isinstance(item, Mapping):
        return [value_text(item, node)]
    return [value_text(item.get(key), child) for key, child in ordered(node) if item.get(key) not in (None, "")]
