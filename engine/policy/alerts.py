"""Who may import and see monitoring alerts (监测预警, docs/alerts.md). Used as engine.policy.alerts.

County civil-affairs staff (县民政经办人、县民政审批人) import their county's batches. The register is read by
caseworkers, auditors and administrators of a county (its alerts) or a township (the alerts matched to its
villages); a village assistant does not see the register."""

from __future__ import annotations

from collections.abc import Iterable

from engine.domain.roles import CASEWORK_ROLES, Level
from engine.errors import PermissionDenied
from engine.persistence import User
from engine.persistence.alerts import Alert

IMPORTING_ROLES = frozenset({"county_clerk", "county_approver"})
VIEWING_ROLES = (CASEWORK_ROLES - {"village_assistant"}) | {"auditor", "admin"}
VIEWING_LEVELS = (Level.COUNTY.value, Level.TOWNSHIP.value)


def may_import(user: User) -> bool:
    return bool(user.roles & IMPORTING_ROLES) and user.org_unit.level == Level.COUNTY.value


def check_may_import(user: User) -> None:
    if not may_import(user):
        raise PermissionDenied("无权导入监测预警：仅限县民政经办人员和审批人员")


def may_see_register_as(roles: Iterable[str], level: str) -> bool:
    """For the header link, from the signed-in user's roles and unit level."""
    return bool(VIEWING_ROLES.intersection(roles)) and level in VIEWING_LEVELS


def may_see_register(user: User) -> bool:
    return may_see_register_as(user.roles, user.org_unit.level)


def check_may_see_register(user: User) -> None:
    if not may_see_register(user):
        raise PermissionDenied("无权查看监测预警：仅限县、乡镇工作人员")


def check_may_see_alert(user: User, alert: Alert) -> None:
    check_may_see_register(user)
    unit = alert.county_id if user.org_unit.level == Level.COUNTY.value else alert.township_id
    if unit != user.org_unit_id:
        raise PermissionDenied(f"无权查看预警 {alert.id}")
