"""What a task page may show of the baselines of its household-copy fields (docs/household-copy.md).

The baseline household is in the task's workflow data with every 身份证号 in full. The page shows each
member masked and prefills a changed member's inputs from it, so it gets a copy with every 身份证号
masked: an unchanged number stays on the server (a member submitted as a reference keeps it), and
seeing one in full stays the audited reveal of the case page (engine.services.pii).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.domain.household_copy import DIFFERENCES_KEY, copy_fields
from engine.domain.household_diff import ordered, value_text
from engine.domain.id_numbers import mask_id_number
from engine.persistence import HumanTask


@dataclass(frozen=True)
class BaselineMember:
    title: str  # 张三（本人（申请人））
    masked_id: str
    rows: list[tuple[str, str]]  # every given field in words, the 身份证号 masked


@dataclass(frozen=True)
class Baseline:
    household: dict[str, Any]  # the baseline with every 身份证号 masked (prefills a changed member)
    members: list[BaselineMember]


def masked_baselines(schema: Mapping[str, Any] | None, data: Mapping[str, Any]) -> dict[str, Baseline]:
    """Copy field name → its baseline, masked; {} for a form without a household-copy field."""
    found: dict[str, Baseline] = {}
    for name, variable in copy_fields(schema or {}).items():
        baseline = data.get(variable)
        if isinstance(baseline, Mapping) and schema is not None:
            node = schema["properties"][name]
            masked = masked_household(baseline)
            member_node = ((node.get("properties") or {}).get("members") or {}).get("items") or {}
            found[name] = Baseline(masked, [_member(member_node, m) for m in masked["members"]])
    return found


def masked_household(household: Mapping[str, Any]) -> dict[str, Any]:
    masked = dict(household)
    masked["members"] = [
        {**member, "id_number": mask_id_number(str(member.get("id_number") or ""))}
        for member in household.get("members") or []
        if isinstance(member, Mapping)
    ]
    return masked


def _member(node: Mapping[str, Any], member: Mapping[str, Any]) -> BaselineMember:
    rows = [
        (str(child.get("title") or key), value_text(member.get(key), child))
        for key, child in ordered(node)
        if member.get(key) not in (None, "", [])
    ]
    relation = (node.get("properties") or {}).get("relation") or {}
    title = f"{member.get('name') or ''}（{value_text(member.get('relation'), relation)}）"
    return BaselineMember(title, str(member.get("id_number") or ""), rows)


@dataclass(frozen=True)
class HouseholdCheck:
    """One step that verified the household (入户调查, 复核调查): who, when, and what differed."""

    task_title: str
    completed_at: datetime | None
    completed_by: str | None  # display name
    differences: list[str]  # the sentences stored with the step (身份证号 masked)


def household_checks(done: list[HumanTask]) -> list[HouseholdCheck]:
    """The completed steps (engine.queries.step_records.completed_steps) that stored a household-difference
    list, oldest first."""
    rows = [task for task in done if task.submission is not None]
    checks = []
    for task in rows:
        found = (task.submission or {}).get(DIFFERENCES_KEY)
        if isinstance(found, list):
            texts = [str(d.get("text")) for d in found if isinstance(d, Mapping) and d.get("text")]
            who = task.completed_by.display_name if task.completed_by is not None else None
            checks.append(HouseholdCheck(task.title, task.completed_at, who, texts))
    return checks
