"""Roles, their Chinese labels and the org-unit level whose staff hold them (docs/contracts.md#data-model)."""

from __future__ import annotations

import re
from enum import StrEnum

from engine.domain.vocabulary import ROLE_LABELS


class Level(StrEnum):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    # A county's 部门 (医保, 教育, 住建 …) receiving 转介 (docs/referrals.md): beside the townships, not above any.
    DEPARTMENT = "department"


# The level of the units directly below a unit of this level (a village has none).
CHILD_LEVEL: dict[Level, Level] = {Level.COUNTY: Level.TOWNSHIP, Level.TOWNSHIP: Level.VILLAGE}


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
    "department_staff": Level.DEPARTMENT,
}

# Roles that may own a lane, i.e. work casework tasks.
CASEWORK_ROLES = frozenset(ROLE_LEVELS) - {"designer", "auditor", "admin", "department_staff"}

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


# Between the roles of a list a designer writes (startRoles, copies): commas (either width), 、, semicolons, spaces.
_ROLE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def split_roles(value: str | None) -> tuple[list[str], list[str]]:
    """The casework role keys a list of roles names (by key or Chinese label, each once, in order), and the
    names that are no casework role."""
    known: list[str] = []
    unknown: list[str] = []
    for name in _ROLE_SEPARATORS.split(value or ""):
        if not name:
            continue
        role = role_for_lane(name)
        if role is None:
            unknown.append(name)
        elif role not in known:
            known.append(role)
    return known, unknown
