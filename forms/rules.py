"""Rules across fields, which the JSON-Schema subset cannot express (a form definition opts in):

- `"x-required-when": {"missing_items": {"decision": ["supplement"]}}`: a field becomes required when
  every named field holds one of the listed values;
- `"x-check": "democratic_review_votes"`: a named check written in Python (engine.domain), for rules
  such as "the votes add up to the voters present". A check also sees the task's workflow data
  (`context`), so a rule can depend on what the process computed (渐退 months within the range the
  workflow derived from the region's parameters).

Both run on cleaned data and report per field like the rest. When some fields are refused on their own,
the rules still run on the fields that passed (validate_form passes the refused top-level fields as
`invalid`), so a person sees every problem in one round; a rule whose inputs include a refused field
waits for the next round rather than judging half the data.

A check may also state hints (`HINTS`): help text shown before submit, e.g. the range of 渐退 months.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from engine.domain.assessment import household_problems
from engine.domain.democratic_review import panel_problems, vote_problems, vote_record_problems
from engine.domain.gradual_exit import months_hints, months_problems
from engine.domain.verification import findings_problems

Check = Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, list[str]]]


def _households(data: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, list[str]]:
    """Exactly one applicant and no person twice, in `household` and (入户调查) `verified_household`."""
    problems: dict[str, list[str]] = {}
    for key in ("household", "verified_household"):
        if isinstance(data.get(key), Mapping):
            for path, messages in household_problems(data[key]).items():
                problems[key + path.removeprefix("household")] = messages
    return problems


def _votes(data: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, list[str]]:
    return vote_problems(data)


def _panel(data: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, list[str]]:
    """民主评议's panel against the region's composition rules the process put in `review_rules`."""
    rules = context.get("review_rules")
    return panel_problems(data, rules if isinstance(rules, Mapping) else {})


def _member_vote(data: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, list[str]]:
    return vote_record_problems(data)


CHECKS: dict[str, Check] = {
    "democratic_review_votes": _votes,
    "households": _households,
    "gradual_exit_months": months_problems,
    "democratic_review_panel": _panel,  # 会签 (docs/countersign.md)
    "democratic_review_vote": _member_vote,
    "verification_findings": findings_problems,  # 信息核对 (docs/verification-exchange.md)
}
# The top-level fields each check reads: it runs only when none of them was refused on its own.
# households reads inside its groups; its messages are dropped where a field they rest on was refused.
INPUTS: dict[str, frozenset[str]] = {
    "democratic_review_votes": frozenset({"participants", "votes_for", "votes_against", "votes_abstain"}),
    "households": frozenset(),
    "gradual_exit_months": frozenset({"decision", "months"}),
    "democratic_review_panel": frozenset({"panel"}),
    "democratic_review_vote": frozenset({"attendance", "decision", "signed"}),
    "verification_findings": frozenset({"result", "verification_items"}),
}
HINTS: dict[str, Callable[[Mapping[str, Any]], dict[str, str]]] = {"gradual_exit_months": months_hints}


def field_hints(node: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, str]:
    """Help text by field path that a form's check derives from the task's workflow data."""
    hints = HINTS.get(node.get("x-check") or "") if isinstance(node.get("x-check"), str) else None
    return hints(context) if hints is not None else {}


def rule_problems(node: Mapping[str, Any], where: str) -> Iterator[str]:
    """Definition problems of the two keywords (checked at deploy like every other keyword)."""
    properties = node.get("properties") if isinstance(node.get("properties"), Mapping) else {}
    assert isinstance(properties, Mapping)  # noqa: S101 - narrowed above
    # A list or an object here is a mistake too, and must not reach the dict lookup (unhashable).
    if "x-check" in node and not (isinstance(node["x-check"], str) and node["x-check"] in CHECKS):
        yield f"{where}：未知的 x-check {str(node['x-check'])[:40]!r}（可用：{'、'.join(CHECKS)}）"
    rules = node.get("x-required-when")
    if rules is None:
        return
    if not isinstance(rules, Mapping):
        yield f"{where}：x-required-when 必须是从字段名到条件的对象"
        return
    for field, conditions in rules.items():
        if field not in properties:
            yield f"{where}：x-required-when 中的字段 {field} 未定义"
        if not isinstance(conditions, Mapping) or not conditions:
            yield f"{where}：x-required-when 中 {field} 的条件必须是从字段名到取值列表的对象"
            continue
        for other, values in conditions.items():
            if other not in properties or not isinstance(values, list) or not values:
                yield f"{where}：x-required-when 中 {field} 的条件 {other} 必须是已定义字段及其取值列表"


def cross_field_errors(
    node: Mapping[str, Any],
    data: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    *,
    invalid: frozenset[str] = frozenset(),
) -> dict[str, list[str]]:
    """Errors of the two keywords on (partly) cleaned data; `invalid`: the paths of the fields refused on
    their own, which no rule may judge (their value is missing from `data`, not empty)."""
    errors: dict[str, list[str]] = {}
    properties: Mapping[str, Any] = node.get("properties") or {}
    refused_top = frozenset(path.split(".")[0] for path in invalid)
    for field, conditions in (node.get("x-required-when") or {}).items():
        if field in refused_top or data.get(field) not in (None, "", []) or refused_top.intersection(conditions):
            continue
        if all(data.get(other) in values for other, values in conditions.items()):
            when = "，".join(
                _condition_text(properties.get(other) or {}, other, values) for other, values in conditions.items()
            )
            title = (properties.get(field) or {}).get("title", field)
            errors.setdefault(field, []).append(f"{title}：{when}时必填")
    name = node.get("x-check") or ""
    check = CHECKS.get(name)
    # A field the required-when rules found missing is as unknown to a check as a refused one.
    unknown = refused_top | frozenset(errors)
    if check is not None and not unknown.intersection(INPUTS.get(name, frozenset())):
        for field, messages in check(data, context or {}).items():
            if not any(_related(field, path) for path in invalid):
                errors.setdefault(field, []).extend(messages)
    return errors


def _related(path: str, refused: str) -> bool:
    """Whether a rule's message at `path` may rest on the refused field (the same, inside it, or around
    it: "no applicant" at household.members is unsure while a member's relation was refused)."""
    return path == refused or refused.startswith(path + ".") or path.startswith(refused + ".")


def _condition_text(node: Mapping[str, Any], name: str, values: list[Any]) -> str:
    labels = node.get("x-enum-labels") or {}
    shown = "或".join(f"“{labels.get(str(v), '是' if v is True else '否' if v is False else v)}”" for v in values)
    return f"{node.get('title', name)}为{shown}"
