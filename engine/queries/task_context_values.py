"""How the decision-context panels word values: a form's fields with their titles and choice labels,
money in 元, times in Beijing time, 身份证号 masked. Pure functions, no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.clock import to_china
from engine.domain.id_numbers import mask_id_number
from engine.results import ContextItem

HOUSEHOLD_REF = "household"  # a form field declared {"$ref": "household"} holds a whole household


def item(label: str, value: str | None) -> list[ContextItem]:
    """The item as a one-element list, or none when there is no value (so panels show no empty rows)."""
    return [ContextItem(label, value)] if value not in (None, "") else []


def yuan(value: Any, unit: str = "元") -> str | None:
    """A money value as "900.00 元"; None for a missing or unreadable one."""
    if value is None or value == "":
        return None
    try:
        return f"{Decimal(str(value)).quantize(Decimal('0.01')):f} {unit}"
    except InvalidOperation:
        return None


def yes_no(value: Any) -> str | None:
    return ("是" if value else "否") if isinstance(value, bool) else None


def china_time(moment: datetime | None) -> str | None:
    return f"{to_china(moment):%Y-%m-%d %H:%M}" if moment is not None else None


def day(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else (str(value)[:10] if value else None)


def form_items(
    schema: Mapping[str, Any] | None, values: Mapping[str, Any], skip: Iterable[str] = ()
) -> list[ContextItem]:
    """A form's submitted values in the form's order, each under its field title and worded for a reader."""
    properties: Mapping[str, Any] = (schema or {}).get("properties") or {}
    order = [str(k) for k in (schema or {}).get("x-order") or properties]
    left_out = set(skip)
    items: list[ContextItem] = []
    for key in order:
        node = properties.get(key)
        if key in left_out or key not in values or not isinstance(node, Mapping):
            continue
        items += item(str(node.get("title") or "其他"), field_text(node, values[key]))
    return items


def field_text(node: Mapping[str, Any], value: Any) -> str | None:
    """One value as a reader sees it; nested objects other than a household are left out."""
    if value is None or value == "":
        return None
    members = value.get("members") if isinstance(value, dict) else None
    if node.get("$ref") == HOUSEHOLD_REF or isinstance(members, list):  # a household, as declared or expanded
        return f"已填写（{len(members)} 人，见“家庭情况”）" if isinstance(members, list) else None
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, list):
        inner = node.get("items")
        texts = [field_text(inner if isinstance(inner, Mapping) else {}, v) for v in value]
        return "、".join(t for t in texts if t) or None
    if isinstance(value, dict):
        return None
    labels = node.get("x-enum-labels")
    if isinstance(labels, Mapping) and str(value) in labels:
        return str(labels[str(value)])
    if node.get("format") == "money":
        return yuan(value)
    if node.get("format") == "id_number":
        return mask_id_number(str(value))
    return str(value)
