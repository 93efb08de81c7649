"""Who may register, see, triage and record feedback on 一门受理 requests (docs/intake.md). Part of
engine.policy, which re-exports these.

Registering is 首问负责: whoever the requester reaches first registers, inside their own unit (a village
assistant for their village, township staff for their township, county staff for any township of the
county). Triage (start a process, refer, close) is the township's: its clerk or head, or county staff.
Feedback is recorded by those who may triage or by the person who registered the request."""

from __future__ import annotations

from collections.abc import Iterable

from engine.domain.roles import Level, role_label
from engine.errors import PermissionDenied
from engine.lookups import ancestor_at_level
from engine.persistence import IntakeRequest, OrgUnit, User

INTAKE_REGISTER_ROLES = frozenset(
    {"village_assistant", "township_clerk", "township_head", "county_clerk", "county_approver"}
)
INTAKE_TRIAGE_ROLES = frozenset({"township_clerk", "township_head", "county_clerk", "county_approver"})
INTAKE_VIEW_ROLES = INTAKE_REGISTER_ROLES | {"auditor", "admin"}
_REGISTRARS = "、".join(sorted(role_label(r) for r in INTAKE_REGISTER_ROLES))
_TRIAGERS = "、".join(sorted(role_label(r) for r in INTAKE_TRIAGE_ROLES))


def may_use_intake(roles: Iterable[str]) -> bool:
    """Whether the 一门受理 link belongs in the user's header."""
    return bool(INTAKE_VIEW_ROLES & set(roles))


def _within(user: User, unit: OrgUnit | None) -> bool:
    """The unit lies inside the user's own unit (or is it)."""
    if unit is None:
        return False
    scope = ancestor_at_level(unit, user.org_unit.level)
    return scope is not None and scope.id == user.org_unit_id


def _place(intake: IntakeRequest) -> OrgUnit:
    return intake.village if intake.village is not None else intake.township


def check_may_register_any_intake(user: User) -> None:
    if not user.roles & INTAKE_REGISTER_ROLES:
        raise PermissionDenied(f"无权受理登记：只有{_REGISTRARS}可以登记一门受理事项")


def check_may_register_intake(user: User, township: OrgUnit, village: OrgUnit | None) -> None:
    if not user.roles & INTAKE_REGISTER_ROLES:
        raise PermissionDenied(f"无权受理登记：只有{_REGISTRARS}可以登记一门受理事项")
    if user.org_unit.level == Level.VILLAGE and village is None:
        raise PermissionDenied("村/社区协理员只能登记本村/社区的事项：请选择村/社区")
    if not _within(user, village if village is not None else township):
        place = village.name if village is not None else township.name
        raise PermissionDenied(f"无权为 {place} 登记：不在您（{user.org_unit.name}）的辖区内")


def may_see_intake(user: User, intake: IntakeRequest) -> bool:
    return bool(user.roles & INTAKE_VIEW_ROLES) and _within(user, _place(intake))


def check_may_see_intake(user: User, intake: IntakeRequest) -> None:
    if not may_see_intake(user, intake):
        raise PermissionDenied(f"无权查看受理事项 {intake.number}")


def check_may_list_intake(user: User) -> None:
    if not user.roles & INTAKE_VIEW_ROLES:
        raise PermissionDenied("无权查看一门受理登记簿")


def may_triage_intake(user: User, intake: IntakeRequest) -> bool:
    if not user.roles & INTAKE_TRIAGE_ROLES or user.org_unit.level == Level.VILLAGE:
        return False
    return _within(user, intake.township)


def check_may_triage_intake(user: User, intake: IntakeRequest) -> None:
    if not user.roles & INTAKE_TRIAGE_ROLES:
        raise PermissionDenied(f"无权分办受理事项：只有{_TRIAGERS}可以分办")
    if not may_triage_intake(user, intake):
        raise PermissionDenied(f"无权分办受理事项 {intake.number}：由{intake.township.name}分办")


def may_record_intake_feedback(user: User, intake: IntakeRequest) -> bool:
    return may_triage_intake(user, intake) or (intake.registered_by_id == user.id and may_see_intake(user, intake))


def check_may_record_intake_feedback(user: User, intake: IntakeRequest) -> None:
    if not may_record_intake_feedback(user, intake):
        raise PermissionDenied(f"无权记录受理事项 {intake.number} 的反馈：由分办的乡镇或首问登记人记录")
