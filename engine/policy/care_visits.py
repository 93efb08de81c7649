"""Who opens and who sees the monthly visits to 特困 recipients in 分散供养 (docs/tekun-visits.md). Used as
engine.policy.care_visits.

The worker opens a month's visits acting as a county clerk (县民政经办人) of the recipient's county, or where a
county has none (the seed regions) its approver (县民政审批人): the roles the process `tekun_care_visit` names
as its starters. The list of open and missed visits is read by the
casework staff, auditors and administrators of a village (its own recipients), a township or a county."""

from __future__ import annotations

from collections.abc import Iterable

from engine.domain.roles import CASEWORK_ROLES, Level
from engine.errors import PermissionDenied
from engine.persistence import User

OPENING_ROLES = frozenset({"county_clerk", "county_approver"})
PREFERRED_ROLE = "county_clerk"
VIEWING_ROLES = CASEWORK_ROLES | {"auditor", "admin"}
VIEWING_LEVELS = (Level.COUNTY.value, Level.TOWNSHIP.value, Level.VILLAGE.value)


def may_open(user: User) -> bool:
    """Whether the worker may act as this user to open a county's visits."""
    return user.active and bool(user.roles & OPENING_ROLES) and user.org_unit.level == Level.COUNTY.value


def may_see_visits_as(roles: Iterable[str], level: str) -> bool:
    """For the header link and the dashboard's link, from the signed-in user's roles and unit level."""
    return bool(VIEWING_ROLES.intersection(roles)) and level in VIEWING_LEVELS


def check_may_see_visits(user: User) -> None:
    if not may_see_visits_as(user.roles, user.org_unit.level):
        raise PermissionDenied("无权查看特困人员探访：仅限村/社区、乡镇和县的工作人员")
