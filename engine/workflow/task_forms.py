"""Validating a user task's submission: the form's rules, plus what a household-copy field adds.

A household-copy field (docs/household-copy.md) arrives as references to its baseline household (a
variable in the task's data) and the changes; it is made whole from the baseline before the form checks
it, so the verified household passes the same household rules as a declared one, and the differences
are added to the cleaned data as `household_differences`, which the step stores with the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from engine.domain.household_copy import DIFFERENCES_KEY, Expanded, expand
from engine.domain.household_diff import differences
from engine.errors import InvalidData
from forms import FormDefinition, validate_form


def validate_task_form(
    form: FormDefinition, data: Mapping[str, Any], context: Mapping[str, Any], *, today: date
) -> dict[str, Any]:
    """Cleaned data for completing the task, or InvalidData naming each bad field."""
    whole, expanded = expand(form.schema, data, context)
    try:
        clean = validate_form(form, whole, context=context, today=today)
    except InvalidData as exc:
        raise InvalidData(exc.message, _as_submitted(exc.fields, expanded)) from None
    for made in expanded:
        node = form.schema["properties"][made.field]
        verified = clean.get(made.field)
        if isinstance(verified, Mapping):
            clean[DIFFERENCES_KEY] = differences(node, made.baseline, verified, made.origins)
    return clean


def _as_submitted(fields: dict[str, list[str]], expanded: list[Expanded]) -> dict[str, list[str]]:
    """Errors about member k of a verified household, moved to where that member was in the submitted
    list (a removed member is left out of the whole household, so later members moved up)."""
    out: dict[str, list[str]] = {}
    for path, messages in fields.items():
        for made in expanded:
            match = re.fullmatch(rf"{re.escape(made.field)}\.members\.(\d+)(\..*)?", path)
            if match is None or int(match.group(1)) >= len(made.positions):
                continue
            k, p = int(match.group(1)), made.positions[int(match.group(1))]
            if k != p:
                path = f"{made.field}.members.{p}{match.group(2) or ''}"
                messages = [m.replace(f"家庭成员第 {k + 1} 项", f"家庭成员第 {p + 1} 项", 1) for m in messages]
        out.setdefault(path, []).extend(messages)
    return out
