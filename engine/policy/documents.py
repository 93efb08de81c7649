"""Who may 更正 an issued document and print documents in bulk (docs/documents-corrections-and-printing.md).
Part of engine.policy, which re-exports these; kept apart so that module stays one screenful of rules per
family."""

from __future__ import annotations

from collections.abc import Iterable

from engine.domain.roles import CASEWORK_ROLES, Level
from engine.errors import PermissionDenied
from engine.lookups import ancestor_at_level
from engine.persistence import Case, OrgUnit, User

# --- 更正 of an issued document and batch printing (docs/documents-corrections-and-printing.md) -----------
# A correction is made by staff of the unit that issued the document, with a casework role of that unit's
# level, or by the county's staff above it; the case lies in their scope. Auditors, designers and
# administrators only read documents.
COUNTY_CORRECTING_ROLES = frozenset({"county_clerk", "county_approver"})


def may_correct_document(user: User, case: Case, issuing_unit: OrgUnit | None) -> bool:
    roles = user.roles & CASEWORK_ROLES
    scope = ancestor_at_level(case.village, user.org_unit.level)
    if not roles or scope is None or scope.id != user.org_unit_id:
        return False
    if issuing_unit is not None and user.org_unit_id == issuing_unit.id:
        return True  # roles are granted only at their level (engine.services.admin.common)
    county = ancestor_at_level(case.village, Level.COUNTY.value)
    return bool(roles & COUNTY_CORRECTING_ROLES) and county is not None and county.id == user.org_unit_id


def check_may_correct_document(user: User, case: Case, issuing_unit: OrgUnit | None, code: str) -> None:
    if not may_correct_document(user, case, issuing_unit):
        raise PermissionDenied(f"无权更正文书 {code}：需要出具单位或其上级县民政部门本辖区的经办人员")


# Batch printing: township and county staff print the documents of their own unit's villages.
PRINTING_ROLES = frozenset({"township_clerk", "township_head", "county_clerk", "county_approver"})


def may_print_documents(roles: Iterable[str], level: str) -> bool:
    """Whether the 批量打印文书 link belongs on the user's 工作台 (check_may_print_documents's role rule)."""
    return bool(PRINTING_ROLES.intersection(roles)) and level in (Level.TOWNSHIP.value, Level.COUNTY.value)


def check_may_print_documents(user: User, unit: OrgUnit) -> None:
    """A township or county caseworker, for their own unit or (county staff) a township below it."""
    if not may_print_documents(user.roles, user.org_unit.level):
        raise PermissionDenied("无权批量打印文书：仅限乡镇和县民政经办人员")
    scope = ancestor_at_level(unit, user.org_unit.level)
    if scope is None or scope.id != user.org_unit_id:
        raise PermissionDenied(f"无权打印 {unit.name} 的文书：不在本机构辖区内")
