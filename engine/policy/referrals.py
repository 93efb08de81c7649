"""Who may refer a case to a department, and who sees and answers a 转介 (docs/referrals.md). Part of
engine.policy, used as `policy.referrals`.

Township and county staff refer the cases of their own unit; a department's 部门经办人 sees and answers
only the referrals sent to their own department; township and county staff see the referrals of their
scope (a township: its cases' and its own; a county: every referral of the county)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select

from engine.domain.roles import Level
from engine.errors import PermissionDenied
from engine.lookups import ancestor_at_level
from engine.persistence import Case, User
from engine.persistence.referrals import Referral

REFERRING_ROLES = frozenset({"township_clerk", "township_head", "county_clerk", "county_approver"})
DEPARTMENT_ROLE = "department_staff"
# Who sees the referrals of their scope without referring: the county's auditors and administrators.
WATCHING_ROLES = REFERRING_ROLES | {"auditor", "admin"}

NOT_REFERRER_MESSAGE = "无权转介：只有本辖区的乡镇经办人、乡镇负责人和县民政经办人、审批人可以转介"


def may_refer(user: User, case: Case) -> bool:
    """A township or county caseworker whose own unit is the case's township or county."""
    if not user.roles & REFERRING_ROLES or user.org_unit.level not in (Level.TOWNSHIP.value, Level.COUNTY.value):
        return False
    unit = ancestor_at_level(case.village, user.org_unit.level)
    return unit is not None and unit.id == user.org_unit_id


def check_may_refer(user: User, case: Case) -> None:
    if not may_refer(user, case):
        raise PermissionDenied(f"{NOT_REFERRER_MESSAGE}（案件 {case.number}）")


def is_department_user(user: User) -> bool:
    return DEPARTMENT_ROLE in user.roles and user.org_unit.level == Level.DEPARTMENT.value


def may_answer(user: User, referral: Referral) -> bool:
    return is_department_user(user) and user.org_unit_id == referral.department_id


def check_may_answer(user: User, referral: Referral) -> None:
    if not may_answer(user, referral):
        raise PermissionDenied(f"无权办理转介 {referral.number}：只有{referral.department.name}的部门经办人可以办理")


def scope_filter(user: User) -> ColumnElement[bool]:
    """The referrals the user may see, as a WHERE clause over Referral (joined to Case where it has one)."""
    unit = user.org_unit
    if is_department_user(user):
        return Referral.department_id == unit.id
    if not user.roles & WATCHING_ROLES:
        return false()
    if unit.level == Level.COUNTY.value:
        return Referral.county_id == unit.id
    if unit.level == Level.TOWNSHIP.value:
        township_cases = Referral.case_id.in_(select(Case.id).where(Case.township_id == unit.id))
        return or_(township_cases, Referral.referred_by_id == user.id)
    return false()


def may_see(user: User, referral: Referral) -> bool:
    unit = user.org_unit
    if is_department_user(user):
        return referral.department_id == unit.id
    if not user.roles & WATCHING_ROLES:
        return False
    if unit.level == Level.COUNTY.value:
        return referral.county_id == unit.id
    if unit.level == Level.TOWNSHIP.value:
        case = referral.case
        return referral.referred_by_id == user.id or (case is not None and case.township_id == unit.id)
    return False


def check_may_see(user: User, referral: Referral) -> None:
    if not may_see(user, referral):
        raise PermissionDenied(f"无权查看转介 {referral.number}")


def check_may_list(user: User) -> None:
    if not (is_department_user(user) or user.roles & WATCHING_ROLES):
        raise PermissionDenied("无权查看转介：仅限部门经办人和乡镇、县民政经办人员")
