"""Form definitions (forms/, a JSON-Schema subset with Chinese labels) as OpenAPI 3.0 schemas.

The start data of a case, the household of a what-if assessment and the temporary-assistance input are
validated by the forms package, so their part of the API document is generated from the same definitions:
types, required fields, lengths, ranges, enums with their Chinese labels (`x-enum-descriptions` and the
description), formats, and `additionalProperties: false` at every level (unknown keys are refused).

Where a field accepts more spellings than JSON needs (the forms also serve HTML pages: "true"/"on" for a
boolean, "3" for an integer, surrounding blanks), the document states the canonical JSON spelling only, so
every value it allows is accepted. What a schema cannot say (a checksum, "not after today", exactly one
applicant) is said in the field's description; tests/fuzz/hooks.py follows the same sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.problems import base_type

# What str.strip() removes, spelt out: regex engines disagree on \s (ECMA's has U+FEFF, Python's U+001C-1F).
BLANK = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = f"[^{BLANK}]"
# Text is stripped before it is checked; a value with no blanks around it means the same on both sides.
TEXT_PATTERN = f"^{NOT_BLANK}(?:[\\s\\S]*{NOT_BLANK})?$"
# Yuan with at most two decimals, below 10^15 (forms.fields.Money).
MONEY_PATTERN = r"^(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,2})?$"
# GB 11643: 17 digits and a check character; the birth date and the check character are checked too.
ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9Xx]$"
ORG_UNIT_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"

ID_NUMBER_FORMAT = "id-number"
RULES = {
    "households": "家庭成员中必须有且只有一名“本人（申请人）”（relation 为 self），同一身份证号不得出现两次。",
    "democratic_review_votes": "赞成、反对、弃权票之和须等于出席评议的人数。",
    "gradual_exit_months": "渐退月数须在本地区参数规定的范围内。",
}


def _labels(node: Mapping[str, Any]) -> str:
    labels = node.get("x-enum-labels") or {}
    return "、".join(
        f"{value}（{labels[str(value)]}）" if str(value) in labels else str(value) for value in node["enum"]
    )


def _description(node: Mapping[str, Any]) -> str:
    parts = [str(node[key]) for key in ("title", "description", "x-help") if node.get(key)]
    if "enum" in node:
        parts.append(f"取值：{_labels(node)}")
    if node.get("x-not-future"):
        parts.append("不得晚于今天（北京时间）")
    when = node.get("x-required-when") or {}
    for field, conditions in when.items():
        shown = "，".join(f"{other} 为 {'/'.join(map(str, values))}" for other, values in conditions.items())
        parts.append(f"{field}：当 {shown} 时必填")
    if node.get("x-check") in RULES:
        parts.append(RULES[node["x-check"]])
    return "；".join(parts)


def _string(node: Mapping[str, Any]) -> dict[str, Any]:
    fmt = node.get("format")
    if "enum" in node and fmt is None:
        return {"type": "string"}
    if fmt == "money":
        return {"type": "string", "pattern": MONEY_PATTERN}
    if fmt == "date":
        return {"type": "string", "format": "date"}
    if fmt == "id_number":
        return {"type": "string", "format": ID_NUMBER_FORMAT, "pattern": ID_NUMBER_PATTERN}
    if fmt == "org_unit":
        return {"type": "string", "pattern": ORG_UNIT_PATTERN}
    out: dict[str, Any] = {"type": "string", "minLength": max(int(node.get("minLength", 1)), 1)}
    if "maxLength" in node:
        out["maxLength"] = int(node["maxLength"])
    if "pattern" in node:  # the definition's own pattern and the no-blank-around one, both apply
        out["allOf"] = [{"pattern": TEXT_PATTERN}, {"pattern": node["pattern"]}]
    else:
        out["pattern"] = TEXT_PATTERN
    return out


def openapi_schema(node: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.0 schema of one (resolved) form definition node."""
    kind, nullable = base_type(node)
    out: dict[str, Any]
    if kind == "string":
        out = _string(node)
    elif kind in ("integer", "number"):
        out = {"type": kind, **{key: node[key] for key in ("minimum", "maximum") if key in node}}
    elif kind == "boolean":
        out = {"type": "boolean"}
    elif kind == "array":
        out = {"type": "array", "items": openapi_schema(node["items"])}
        out.update({key: int(node[key]) for key in ("minItems", "maxItems") if key in node})
    else:
        properties = node.get("properties") or {}
        out = {
            "type": "object",
            "properties": {name: openapi_schema(child) for name, child in properties.items()},
            "additionalProperties": False,
        }
        required = [name for name in node.get("required", []) if name in properties]
        if required:
            out["required"] = required
        conditional = _required_when(node.get("x-required-when") or {})
        if conditional:
            out["allOf"] = conditional
    if "enum" in node:
        out["enum"] = list(node["enum"])
        if node.get("x-enum-labels"):
            out["x-enum-descriptions"] = {str(k): str(v) for k, v in node["x-enum-labels"].items()}
    if nullable:
        out["nullable"] = True
    description = _description(node)
    if description:
        out["description"] = description
    return out


def _required_when(rules: Mapping[str, Any]) -> list[dict[str, Any]]:
    """x-required-when as schema keywords OpenAPI 3.0 has (no if/then): the field is given, or one of its
    conditions does not hold — so a generated or hand-written body that leaves it out is known to be refused."""
    return [
        {
            "anyOf": [
                {"required": [field]},
                *({"properties": {other: {"not": {"enum": list(values)}}}} for other, values in conditions.items()),
            ]
        }
        for field, conditions in rules.items()
    ]
