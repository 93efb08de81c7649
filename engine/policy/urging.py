"""Who may 催办 (urge) an open task (docs/urge-and-copy.md). Part of engine.policy, which re-exports these.

A supervisor nudges the people working a task of their own unit or of a unit below it: a township head the
tasks of their township and its villages, the county's approver and clerk every task of their county. A
clerk or a village assistant does not urge a colleague, and nobody urges outside their scope."""

from __future__ import annotations

from engine.domain.roles import ROLE_LEVELS, role_label
from engine.errors import PermissionDenied
from engine.lookups import ancestor_at_level
from engine.persistence import HumanTask, User

URGING_ROLES = frozenset({"township_head", "county_approver", "county_clerk"})
_WHO = "、".join(sorted(role_label(role) for role in URGING_ROLES))


def urging_role(user: User) -> str | None:
    """The supervisory role the user urges with (recorded as the actor's role), at their unit's level."""
    held = sorted(role for role in user.roles & URGING_ROLES if ROLE_LEVELS[role].value == user.org_unit.level)
    return held[0] if held else None


def may_urge(user: User, task: HumanTask) -> bool:
    if urging_role(user) is None:
        return False
    scope = ancestor_at_level(task.org_unit, user.org_unit.level)
    return scope is not None and scope.id == user.org_unit_id


def check_may_urge(user: User, task: HumanTask) -> None:
    if urging_role(user) is None:
        raise PermissionDenied(f"无权催办：只有{_WHO}可以催办")
    if not may_urge(user, task):
        raise PermissionDenied(
            f"无权催办该任务：任务由{task.org_unit.name}办理，不在您（{user.org_unit.name}）的辖区内"
        )
