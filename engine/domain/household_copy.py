"""The household as a verified copy (docs/household-copy.md): a form field that starts from a baseline
household (the declared or enrolled one, a workflow variable) and says only what changed.

What a client sends for such a field (the page, the API, the CLI alike):

* nothing at all: the baseline, unchanged;
* an object whose household-level keys (户籍类别 …) replace the baseline's where given, and whose
  `members` list is the verified list of members, each item one of
  - `{"_ref": i}`: baseline member i, unchanged (the page never needs its 身份证号);
  - `{"_ref": i, "_remove": true}`: baseline member i is no longer in the household;
  - `{"_ref": i, …member fields}`: baseline member i, changed; a missing or blank `id_number` keeps
    the baseline's, so an edit never makes the page hold the full number;
  - `{…member fields}` without `_ref`: a new member.
  A baseline member that no item names is removed.

`expand` turns that into a whole household for the form validator, remembering which baseline member
each verified member came from; `engine.domain.household_diff` then lists the differences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import InvalidData

WIDGET = "household-copy"
BASELINE_KEY = "x-baseline"
DIFFERENCES_KEY = "household_differences"
REF, REMOVE = "_ref", "_remove"
_TRUE = frozenset({"true", "on", "1"})


@dataclass(frozen=True)
class Expanded:
    """A copy field made whole: `origins[k]` is the baseline index of verified member k (None: new), and
    `positions[k]` where it was in the submitted list (removed members leave gaps)."""

    field: str
    baseline: Mapping[str, Any]
    origins: list[int | None]
    positions: list[int]


def copy_fields(schema: Mapping[str, Any]) -> dict[str, str]:
    """Top-level field name → the workflow variable holding its baseline, for every household-copy field."""
    properties: Mapping[str, Any] = schema.get("properties") or {}
    return {
        name: str(node[BASELINE_KEY])
        for name, node in properties.items()
        if isinstance(node, Mapping) and node.get("x-widget") == WIDGET and isinstance(node.get(BASELINE_KEY), str)
    }


def expand(
    schema: Mapping[str, Any], data: Mapping[str, Any], context: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Expanded]]:
    """`data` with every copy field replaced by the whole household it stands for.

    InvalidData (one entry per bad item, each naming the field) for a reference to no baseline member,
    a member named twice, or a reference where there is no baseline."""
    result, made, errors = dict(data), [], {}
    for name, variable in copy_fields(schema).items():
        title = str(schema["properties"][name].get("title", name))
        baseline = context.get(variable)
        submitted = data.get(name)
        if not isinstance(baseline, Mapping):
            if _mentions_refs(submitted):
                errors[name] = [f"{title}：没有可引用的原家庭情况，请完整填写"]
            continue  # nothing to copy from: the form's own rules judge what was sent
        if submitted is not None and not isinstance(submitted, Mapping):
            continue  # not an object: the validator names the field and the type
        household, origins, positions = _merge(name, title, baseline, submitted or {}, errors)
        result[name] = household
        made.append(Expanded(name, baseline, origins, positions))
    if errors:
        raise InvalidData("表单数据有误", fields=errors)
    return result, made


def _mentions_refs(submitted: Any) -> bool:
    members = submitted.get("members") if isinstance(submitted, Mapping) else None
    return isinstance(members, list) and any(isinstance(m, Mapping) and REF in m for m in members)


def _merge(
    name: str,
    title: str,
    baseline: Mapping[str, Any],
    submitted: Mapping[str, Any],
    errors: dict[str, list[str]],
) -> tuple[dict[str, Any], list[int | None], list[int]]:
    household = {key: value for key, value in baseline.items() if key != "members"}
    household.update({key: value for key, value in submitted.items() if key != "members" and not _blank(value)})
    old_members = [m for m in baseline.get("members") or [] if isinstance(m, Mapping)]
    items = submitted.get("members")
    if items is None:
        household["members"] = [dict(m) for m in old_members]
        return household, list(range(len(old_members))), list(range(len(old_members)))
    if not isinstance(items, list):
        household["members"] = items  # the validator names the wrong type
        return household, [], []
    members: list[Any] = []
    origins: list[int | None] = []
    positions: list[int] = []
    seen: set[int] = set()
    for position, item in enumerate(items):
        where, label = f"{name}.members.{position}", f"{title}·家庭成员第 {position + 1} 项"
        if not isinstance(item, Mapping) or REF not in item:
            members.append(item)  # a new member (or a wrong value the validator will name)
            origins.append(None)
            positions.append(position)
            continue
        index = _index(item[REF], len(old_members))
        if index is None:
            errors[where] = [f"{label}：引用的原家庭成员不存在（序号 {str(item[REF])[:20]}）"]
            continue
        if index in seen:
            errors[where] = [f"{label}：原家庭成员第 {index + 1} 项被重复引用"]
            continue
        seen.add(index)
        if _flag(item.get(REMOVE)):
            continue
        members.append(_member(old_members[index], item))
        origins.append(index)
        positions.append(position)
    household["members"] = members
    return household, origins, positions


def _index(value: Any, count: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 0 <= value < count else None


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)


def _member(old: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, Any]:
    """The baseline member as the item states it: unchanged when only referenced, else the item's fields
    with the baseline's 身份证号 where the item leaves it out."""
    fields = {key: value for key, value in item.items() if key not in (REF, REMOVE)}
    if not fields:
        return dict(old)
    if _blank(fields.get("id_number")) and "id_number" in old:
        fields["id_number"] = old["id_number"]
    return fields


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
