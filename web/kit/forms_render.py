"""A form definition (forms/definitions/*.json) as template data; web.kit.forms_parse reads the post back.

An input's name is its data path with the prefix "f." ("f.members.0.name"): the paths are the keys of
InvalidData.fields, so every error lands at its own field, and no property can collide with csrf_token
or _op. Objects render as nested fieldsets, arrays as one fieldset per item with 添加/删除 buttons that
post the form back with `_op` ("add:members", "remove:members.1"); the page is then shown again with
everything typed so far, so nested forms work without JavaScript. An array carries its item count in
"f.<path>._n", so an item left blank still exists (and gets its "必填" messages).

With JavaScript (web/static/forms.js) the same buttons add and remove items in the page: each array also
renders one blank item in a <template>, its index written as NEW_INDEX ("__new__"), which the script clones
and numbers, so a cloned item's names are exactly those forms_parse.parse_submission reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PREFIX = "f."
COUNT = "_n"
MAX_ITEMS = 200  # whatever "_n" says, a post never builds more items than this
NEW_INDEX = "__new__"  # the index of an array's blank template item (forms.js replaces it)
_RADIO_LIMIT = 4  # enums with at most this many values render as radio buttons, longer ones as a select
_MISSING: Any = object()


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass
class Field:
    path: str
    widget: str  # text textarea integer number money date id_number org_unit select radio checkbox object array
    label: str
    help: str = ""
    required: bool = False  # marked with * (the validator enforces it)
    required_attr: bool = False  # also the HTML attribute: only where the browser always sees the field
    value: str = ""
    checked: bool = False
    options: list[Option] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)  # an object's properties
    items: list[Field] = field(default_factory=list)  # an array's items
    attrs: dict[str, str] = field(default_factory=dict)
    can_add: bool = False
    can_remove: bool = False  # an array item that may be removed
    is_item: bool = False  # an item of an array (it has a 删除此项 button, hidden while it may not be removed)
    min_items: int = 0
    max_items: int = MAX_ITEMS
    template: Field | None = None  # an array's blank item, numbered NEW_INDEX (cloned by forms.js)

    @property
    def name(self) -> str:
        return PREFIX + self.path

    @property
    def html_id(self) -> str:
        return "f-" + self.path.replace(".", "-")

    @property
    def count_name(self) -> str:
        return f"{PREFIX}{self.path}.{COUNT}"

    @property
    def add_op(self) -> str:
        return f"add:{self.path}"

    @property
    def remove_op(self) -> str:
        return f"remove:{self.path}"


@dataclass
class RenderedForm:
    fields: list[Field]
    # Errors no rendered field shows (unknown keys, whole-form messages): listed above the form.
    other_errors: list[str]
    error_count: int
    # The error summary above the form: (the id of the field to jump to, or "" when none, the message),
    # in the order the fields appear.
    summary: list[tuple[str, str]] = field(default_factory=list)


def node_kind(node: Mapping[str, Any]) -> tuple[str, bool]:
    declared = node.get("type")
    if isinstance(declared, list):
        return next((t for t in declared if t != "null"), "string"), "null" in declared
    return str(declared), False


def ordered_properties(node: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    properties: Mapping[str, Any] = node.get("properties", {})
    order = [name for name in node.get("x-order", []) if name in properties]
    order += [name for name in properties if name not in order]
    return [(name, properties[name]) for name in order]


def render_form(schema: Mapping[str, Any], values: Mapping[str, Any], errors: Mapping[str, list[str]]) -> RenderedForm:
    used: set[str] = set()
    top = _object_children(schema, "", values, errors, used, present=True)
    other = [m for path, messages in errors.items() if path not in used for m in messages]
    summary = [("", m) for m in other]
    _summarise(top, summary)
    return RenderedForm(top, other, sum(len(m) for m in errors.values()), summary)


def _summarise(fields: list[Field], out: list[tuple[str, str]]) -> None:
    """Every field's messages, each linked to its field's id, in page order (a group before its members)."""
    for f in fields:
        out.extend((f.html_id, m) for m in f.errors)
        _summarise(f.children, out)
        _summarise(f.items, out)


def add_hints(fields: list[Field], hints: Mapping[str, str]) -> None:
    """Add help text by data path (e.g. the range of 渐退 months the process allows this household)."""
    for f in fields:
        if f.path in hints:
            f.help = " ".join(filter(None, [f.help, hints[f.path]]))
        add_hints(f.children, hints)


def _object_children(
    node: Mapping[str, Any],
    path: str,
    values: Any,
    errors: Mapping[str, list[str]],
    used: set[str],
    *,
    present: bool,
) -> list[Field]:
    required = set(node.get("required", []))
    current = values if isinstance(values, Mapping) else {}
    return [
        _field(
            child,
            f"{path}.{name}" if path else name,
            str(child.get("title", name)),
            current.get(name, _MISSING),
            errors,
            used,
            required=name in required,
            present=present,
        )
        for name, child in ordered_properties(node)
    ]


def _help(node: Mapping[str, Any]) -> str:
    return " ".join(str(node[k]) for k in ("description", "x-help") if node.get(k))


def _field(
    node: Mapping[str, Any],
    path: str,
    label: str,
    value: Any,
    errors: Mapping[str, list[str]],
    used: set[str],
    *,
    required: bool,
    present: bool,
) -> Field:
    used.add(path)
    kind, nullable = node_kind(node)
    result = Field(path, "text", label, _help(node), required, required and present, errors=list(errors.get(path, [])))
    if kind == "object":
        result.widget = "object"
        always = required and not nullable
        if not always:
            result.help = " ".join(filter(None, [result.help, "不适用时整组留空。"]))
        result.children = _object_children(node, path, value, errors, used, present=present and always)
        return result
    if kind == "array":
        return _array(node, result, value, errors, used, present=present)
    if kind == "boolean":
        # A checkbox always answers (unchecked is "否"), so it carries no required mark.
        result.widget, result.checked, result.required, result.required_attr = "checkbox", value is True, False, False
        return result
    result.value = "" if value is _MISSING or value is None else str(value)
    if "enum" in node:
        return _choice(node, result)
    _scalar(node, kind, result)
    return result


def _choice(node: Mapping[str, Any], result: Field) -> Field:
    labels: Mapping[str, str] = node.get("x-enum-labels", {})
    choices = [str(v) for v in node["enum"]]
    result.options = [Option(v, str(labels.get(v, v)), v == result.value) for v in choices]
    widget = node.get("x-widget")
    result.widget = widget if widget in ("select", "radio") else "radio" if len(choices) <= _RADIO_LIMIT else "select"
    return result


def _scalar(node: Mapping[str, Any], kind: str, result: Field) -> None:
    fmt = node.get("format")
    if kind in ("integer", "number"):
        # Text with a numeric keyboard, not type=number: a browser blanks what it cannot parse, and the
        # person would then see "必填" instead of their own input with the server's message.
        result.widget = kind
        result.attrs = {"inputmode": "numeric" if kind == "integer" else "decimal"}
    elif fmt in ("money", "date", "id_number", "org_unit"):
        result.widget = str(fmt)
        result.attrs = {
            "money": {"inputmode": "decimal"},
            "id_number": {"maxlength": "18", "autocomplete": "off"},
        }.get(str(fmt), {})
    elif node.get("x-widget") == "textarea":
        result.widget = "textarea"
    if "maxLength" in node:
        result.attrs["maxlength"] = str(node["maxLength"])


def _array(
    node: Mapping[str, Any],
    result: Field,
    value: Any,
    errors: Mapping[str, list[str]],
    used: set[str],
    *,
    present: bool,
) -> Field:
    result.widget = "array"
    item_node: Mapping[str, Any] = node.get("items", {})
    low, high = int(node.get("minItems", 0)), int(node.get("maxItems", MAX_ITEMS))
    result.min_items, result.max_items = low, min(high, MAX_ITEMS)
    current = value if isinstance(value, list) else [_MISSING] * max(low, 1 if result.required else 0)
    for index, item in enumerate(current):
        child = _field(
            item_node,
            f"{result.path}.{index}",
            f"{result.label} 第 {index + 1} 项",
            item,
            errors,
            used,
            required=True,
            # Items of a list inside an optional group (核实后的家庭情况) carry no HTML `required`: the
            # browser would refuse to submit the form with the optional group left empty.
            present=present,
        )
        child.can_remove = len(current) > low
        child.is_item = True
        result.items.append(child)
    result.can_add = len(current) < result.max_items
    if result.max_items > 0:
        # A blank item as apply_op would add it: no value, no errors (a throwaway `used`).
        path = f"{result.path}.{NEW_INDEX}"
        label = f"{result.label} 第 0 项"  # forms.js writes the real number
        template = _field(item_node, path, label, _MISSING, {}, set(), required=True, present=present)
        template.is_item, template.can_remove = True, True
        result.template = template
    return result


def initial_values(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """What the task's form opens with (its 暂存 draft or declared prefill), for the form's own fields."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    return {key: value for key, value in data.items() if key in properties}


# ---- for widgets built from these parts (web.kit.household_copy) -------------------------------------

MISSING: Any = _MISSING  # what parse_node (web.kit.forms_parse) returns for a field the post did not carry


def render_node(
    node: Mapping[str, Any],
    path: str,
    label: str,
    value: Any,
    errors: Mapping[str, list[str]],
    used: set[str],
    *,
    required: bool = True,
) -> Field:
    """One field of a definition as the form shows it, without the HTML `required` attribute (the
    widget may keep it hidden)."""
    shown = value if value is not None else _MISSING
    return _field(node, path, label, shown, errors, used, required=required, present=False)
