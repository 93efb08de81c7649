"""Who may prepare, see and approve a 年度调标 run (docs/annual-adjustment.md). Part of engine.policy, which
re-exports these.

A run belongs to one county: the county's 民政经办人 prepares it, its 民政审批人 prepares or approves it, and
the county's auditors may read it. Nobody acts on another county's run, and township or village staff not at
all: the standard is a county decision."""

from __future__ import annotations

from collections.abc import Iterable

from engine.domain.roles import Level, role_label
from engine.errors import PermissionDenied
from engine.persistence import User

PREPARING_ROLES = frozenset({"county_clerk", "county_approver"})
APPROVING_ROLES = frozenset({"county_approver"})
VIEWING_ROLES = PREPARING_ROLES | {"auditor"}


def _who(roles: frozenset[str]) -> str:
    return "或".join(sorted(role_label(role) for role in roles))


def _at_county(user: User) -> bool:
    return user.org_unit.level == Level.COUNTY.value


def may_open_recalculations(roles: Iterable[str], level: str) -> bool:
    """Whether the 年度调标 link belongs in the header of a user with these roles at an org unit of this level."""
    return bool(VIEWING_ROLES.intersection(roles)) and level == Level.COUNTY.value


def may_view_recalculations(user: User) -> bool:
    return may_open_recalculations(user.roles, user.org_unit.level)


def check_may_view_recalculations(user: User, county_id: int | None = None) -> None:
    if not may_view_recalculations(user):
        raise PermissionDenied(f"无权查看年度调标：需要县级{_who(VIEWING_ROLES)}角色")
    if county_id is not None and county_id != user.org_unit_id:
        raise PermissionDenied(f"无权查看其他县的年度调标：您只能查看{user.org_unit.name}的调标")


def check_may_prepare_recalculation(user: User) -> None:
    if not (user.roles & PREPARING_ROLES and _at_county(user)):
        raise PermissionDenied(f"无权发起年度调标：需要县级{_who(PREPARING_ROLES)}角色")


def may_approve_recalculation(user: User, county_id: int) -> bool:
    return bool(user.roles & APPROVING_ROLES) and _at_county(user) and county_id == user.org_unit_id


def check_may_approve_recalculation(user: User, county_id: int) -> None:
    if not (user.roles & APPROVING_ROLES and _at_county(user)):
        raise PermissionDenied(f"无权审批年度调标：需要县级{_who(APPROVING_ROLES)}角色")
    if county_id != user.org_unit_id:
        raise PermissionDenied(f"无权审批其他县的年度调标：您只能审批{user.org_unit.name}的调标")


def check_may_cancel_recalculation(user: User, county_id: int) -> None:
    """Whoever may prepare a run of the county may withdraw a prepared one (作废)."""
    check_may_prepare_recalculation(user)
    if county_id != user.org_unit_id:
        raise PermissionDenied(f"无权作废其他县的年度调标：您只能处理{user.org_unit.name}的调标")
