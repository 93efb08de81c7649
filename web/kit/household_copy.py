"""The household-copy widget (docs/household-copy.md): a verified household that starts from its baseline.

Each baseline member is shown masked, with 「有变化」 and 「删除」 checkboxes; a member posts as a reference
(`_ref`, its baseline index) and, only when 「有变化」 is ticked, with its inputs; a blank 身份证号 keeps the
baseline's, which the page never holds in full. Without JavaScript, 「修改」 posts the form back and the page
returns with the ticked members' inputs shown (like 添加/删除 in web.kit.forms_render); with it
(static/household_copy.js) ticking shows them at once. 「新增成员」 adds a member typed in full.

Built after web.kit.forms_render has rendered or parsed the form: the copy fields are replaced, the
other fields stay as they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.queries.household_copy import Baseline, BaselineMember
from web.kit.forms_parse import parse_node
from web.kit.forms_render import (
    COUNT,
    MAX_ITEMS,
    MISSING,
    PREFIX,
    Field,
    RenderedForm,
    ordered_properties,
    render_node,
)

WIDGET = "household-copy"
REFRESH = "edit"  # the op of 「修改」: show the form again with the ticked members' inputs
_ON = frozenset({"true", "on", "1"})


@dataclass
class CopyMember:
    position: int  # in the posted list
    ref: int | None  # the baseline member it stands for; None for a new member
    baseline: BaselineMember | None
    state: str  # unchanged changed removed new
    member: Field  # the member's inputs (hidden while unchanged)
    errors: list[str] = field(default_factory=list)

    def name(self, key: str) -> str:
        return f"{self.member.name}.{key}"


@dataclass
class CopyField(Field):
    household_fields: list[Field] = field(default_factory=list)
    members: list[CopyMember] = field(default_factory=list)
    members_path: str = ""

    @property
    def members_count_name(self) -> str:
        return f"{PREFIX}{self.members_path}.{COUNT}"

    @property
    def add_member_op(self) -> str:
        return f"add:{self.members_path}"

    @property
    def refresh_op(self) -> str:
        return f"{REFRESH}:{self.path}"


def copy_names(schema: Mapping[str, Any]) -> list[str]:
    return [name for name, node in ordered_properties(schema) if node.get("x-widget") == WIDGET]


def is_refresh(schema: Mapping[str, Any], op: str) -> bool:
    action, _, path = op.partition(":")
    return action == REFRESH and path in copy_names(schema)


# ---- posted form → data ---------------------------------------------------------------------------


def parse_copies(schema: Mapping[str, Any], form: Mapping[str, Any], data: dict[str, Any]) -> None:
    """Replace what parse_submission made of each copy field with the copy's own form (references)."""
    for name in copy_names(schema):
        if form.get(f"{PREFIX}{name}.members.{COUNT}") is None:
            continue  # no copy on the page (no baseline): the field was an ordinary household
        data[name] = _parse_copy(schema["properties"][name], name, form)


def _parse_copy(node: Mapping[str, Any], path: str, form: Mapping[str, Any]) -> dict[str, Any]:
    required = set(node.get("required", []))
    out: dict[str, Any] = {}
    for key, child in ordered_properties(node):
        if key != "members":
            value = parse_node(child, f"{path}.{key}", form, required=key in required)
            if value is not MISSING:
                out[key] = value
    raw = str(form.get(f"{PREFIX}{path}.members.{COUNT}", ""))
    count = int(raw) if raw.isascii() and raw.isdigit() else 0
    member_node = node["properties"]["members"]["items"]
    out["members"] = [_parse_member(member_node, f"{path}.members.{k}", form) for k in range(min(count, MAX_ITEMS))]
    return out


def _parse_member(node: Mapping[str, Any], path: str, form: Mapping[str, Any]) -> Any:
    ref = form.get(f"{PREFIX}{path}._ref")
    if ref is None:
        return parse_node(node, path, form, required=True)  # a new member
    item: dict[str, Any] = {"_ref": str(ref)}
    if _ticked(form, f"{path}._remove"):
        item["_remove"] = True
    elif _ticked(form, f"{path}._changed"):
        fields = parse_node(node, path, form, required=True)
        if isinstance(fields, dict):
            if not str(fields.get("id_number") or "").strip():
                fields.pop("id_number", None)  # kept: the baseline's number, which the page never had
            item.update(fields)
    return item


def _ticked(form: Mapping[str, Any], path: str) -> bool:
    return str(form.get(PREFIX + path, "")).lower() in _ON


# ---- data → the widget ------------------------------------------------------------------------------


def render_copies(
    rendered: RenderedForm,
    schema: Mapping[str, Any],
    values: Mapping[str, Any] | None,
    errors: Mapping[str, list[str]],
    baselines: Mapping[str, Baseline],
) -> None:
    """Replace each copy field that has a baseline with the widget; `values` None: the page's first view,
    which starts from the baseline (a value in the task's data is never shown: it holds full numbers)."""
    for position, shown in enumerate(rendered.fields):
        baseline = baselines.get(shown.path)
        if baseline is None or shown.path not in copy_names(schema):
            continue
        value = (values or {}).get(shown.path)
        node = schema["properties"][shown.path]
        rendered.fields[position] = _copy_field(
            shown, node, value if isinstance(value, Mapping) else None, errors, baseline
        )


def _copy_field(
    shown: Field,
    node: Mapping[str, Any],
    value: Mapping[str, Any] | None,
    errors: Mapping[str, list[str]],
    baseline: Baseline,
) -> CopyField:
    path, used = shown.path, set[str]()
    result = CopyField(path, WIDGET, shown.label, shown.help, shown.required, errors=list(errors.get(path, [])))
    result.members_path = f"{path}.members"
    source = value if value is not None else baseline.household
    required = set(node.get("required", []))
    for key, child in ordered_properties(node):
        if key != "members":
            current = source.get(key, baseline.household.get(key))
            label = str(child.get("title", key))
            result.household_fields.append(
                render_node(child, f"{path}.{key}", label, current, errors, used, required=key in required)
            )
    members_node = node["properties"]["members"]
    result.errors += list(errors.get(result.members_path, []))
    items = value.get("members") if value is not None else None
    if not isinstance(items, list):
        items = [{"_ref": i} for i in range(len(baseline.members))]
    for k, item in enumerate(items[:MAX_ITEMS]):
        result.members.append(_copy_member(members_node["items"], f"{path}.members.{k}", k, item, errors, baseline))
    return result


def _copy_member(
    node: Mapping[str, Any], path: str, k: int, item: Any, errors: Mapping[str, list[str]], baseline: Baseline
) -> CopyMember:
    used: set[str] = set()
    item = item if isinstance(item, Mapping) else {}
    ref = _ref(item.get("_ref"), len(baseline.members))
    own = {key: v for key, v in item.items() if not key.startswith("_")}
    if ref is None:
        member = render_node(node, path, f"新增成员（第 {k + 1} 项）", own, errors, used)
        member.can_remove = True
        return CopyMember(k, None, None, "new", member)
    state = "removed" if item.get("_remove") in (True, "true") else "changed" if own else "unchanged"
    prefill = own if own else {**baseline.household["members"][ref], "id_number": ""}
    member = render_node(node, path, f"修改：{baseline.members[ref].title}", prefill, errors, used)
    for child in member.children:
        if child.path.endswith(".id_number"):
            child.required = False
            child.help = f"原号码 {baseline.members[ref].masked_id}；不变则留空"
    # The inputs of an unchanged or removed member are hidden: their messages show beside the summary.
    messages = [m for p in sorted(used) for m in errors.get(p, [])] if state != "changed" else []
    return CopyMember(k, ref, baseline.members[ref], state, member, messages)


def _ref(value: Any, count: int) -> int | None:
    text = str(value) if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and int(text) < count else None
