"""Roles, their Chinese labels and the org-unit level whose staff hold them (design.md §3)."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


LEVEL_LABELS: dict[Level, str] = {
    Level.COUNTY: "县（市、区）",
    Level.TOWNSHIP: "乡镇（街道）",
    Level.VILLAGE: "村（社区）",
}

# The level of the units directly below a unit of this level (a village has none).
CHILD_LEVEL: dict[Level, Level] = {Level.COUNTY: Level.TOWNSHIP, Level.TOWNSHIP: Level.VILLAGE}

ROLE_LABELS: dict[str, str] = {
    "village_assistant": "村/社区协理员",
    "township_clerk": "乡镇经办人",
    "township_head": "乡镇负责人",
    "verification_center": "县核对机构",
    "county_clerk": "县民政经办人",
    "county_approver": "县民政审批人",
    "coordination_committee": "县困难群众基本生活保障协调机制",
    "designer": "流程设计",
    "auditor": "审计",
    "admin": "系统管理",
}

# The level of the org unit that works a task in a lane of this role.
ROLE_LEVELS: dict[str, Level] = {
    "village_assistant": Level.VILLAGE,
    "township_clerk": Level.TOWNSHIP,
    "township_head": Level.TOWNSHIP,
    "verification_center": Level.COUNTY,
    "county_clerk": Level.COUNTY,
    "county_approver": Level.COUNTY,
    "coordination_committee": Level.COUNTY,
    "designer": Level.COUNTY,
    "auditor": Level.COUNTY,
    "admin": Level.COUNTY,
}

# Roles that may own a lane, i.e. work casework tasks.
CASEWORK_ROLES = frozenset(ROLE_LEVELS) - {"designer", "auditor", "admin"}

_BY_LABEL = {label: key for key, label in ROLE_LABELS.items()}


def role_for_lane(lane: str | None) -> str | None:
    """The role key a BPMN lane names, by key or by Chinese label; None when it names no casework role."""
    if lane is None:
        return None
    name = lane.strip()
    key = name if name in ROLE_LABELS else _BY_LABEL.get(name)
    return key if key in CASEWORK_ROLES else None


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
