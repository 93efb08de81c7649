"""Who may see and do what, where: every role and org-unit scope check of the engine in one place.

Checks raise PermissionDenied with a Chinese message saying what is missing; predicates (may_…) answer
for pages that decide whether to show a link. A scope is always the user's own org unit and what lies
below it (a village assistant's village, a township's villages, a county's townships and villages).
tests/api/test_authorization_matrix.py and tests/web/test_authorization.py hold every route against
these rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.domain.roles import CASEWORK_ROLES, Level, role_label
from engine.errors import PermissionDenied
from engine.lookups import ancestor_at_level, get_user
from engine.persistence import Case, HumanTask, OrgUnit, User
from engine.workflow.bundle import DEFAULT_REGION

ADMIN = "admin"
ADMIN_DENIED_MESSAGE = "无权进行系统管理：需要系统管理角色"


# Who registers cases: caseworkers, not designers, auditors or administrators (who only see them).
STARTING_ROLES = frozenset({"village_assistant", "township_clerk", "township_head", "county_clerk", "county_approver"})


VIEWING_ROLES = CASEWORK_ROLES | {"auditor", "admin"}


def check_may_start(user: User, village: OrgUnit) -> None:
    """Caseworkers start cases for villages inside their own unit (village assistant, township, county)."""
    if not user.roles & STARTING_ROLES:
        raise PermissionDenied("只有村/社区协理员、乡镇和县民政经办人员可以登记案件")
    unit = ancestor_at_level(village, user.org_unit.level)
    if unit is None or unit.id != user.org_unit_id:
        raise PermissionDenied(f"无权为 {village.name} 登记案件")


def check_may_see_case(user: User, case: Case) -> None:
    """Caseworkers, auditors and administrators of the case's village, township or county."""
    if not user.roles & VIEWING_ROLES:
        raise PermissionDenied(f"无权查看案件 {case.number}")
    unit = ancestor_at_level(case.village, user.org_unit.level)
    if unit is None or unit.id != user.org_unit_id:
        raise PermissionDenied(f"无权查看案件 {case.number}")


DESIGNER = "designer"


AUDIT_ROLES = frozenset({"auditor", "admin"})


def user_with_role(session: Session, username: str, roles: frozenset[str], what: str) -> User:
    user = get_user(session, username)
    if not roles & user.roles:
        raise PermissionDenied(f"无权{what}：需要{'或'.join(sorted(role_label(r) for r in roles))}角色")
    return user


def designer_region(ctx: Context, username: str, region: str | None = None) -> str:
    """The region a designer works on: their own org unit's (a designer at R-county designs R only).
    PermissionDenied for a user without the designer role or for another region."""
    with ctx.db.read() as session:
        user = user_with_role(session, username, frozenset({DESIGNER}), "校验或部署流程")
        own = user.org_unit.region or DEFAULT_REGION
    if region is not None and region != own:
        raise PermissionDenied(f"无权操作地区 {region} 的流程：只能校验和部署本地区（{own}）的流程")
    return own


def check_audit_role(ctx: Context, username: str, what: str) -> None:
    """Auditors and administrators only (verifying the audit chain, its checkpoints); `what` names the action."""
    with ctx.db.read() as session:
        user_with_role(session, username, AUDIT_ROLES, what)


@dataclass(frozen=True)
class AdminScope:
    """An administrator and what they manage: their own org unit and every unit below it (admin1 at a
    county manages the county, its townships and their villages; never the units of another county)."""

    admin: User
    root: OrgUnit
    unit_ids: frozenset[int]

    def check_covers(self, unit_id: int | None, what: str) -> None:
        """PermissionDenied naming `what` ("管理用户 x") for a unit outside the scope."""
        if unit_id not in self.unit_ids:
            raise PermissionDenied(f"无权{what}：不属于{self.root.name}及其下级机构")


def unit_subtree(session: Session, root_id: int) -> set[int]:
    """The unit and every unit below it: one query per level (three for a county)."""
    ids, frontier = {root_id}, [root_id]
    while frontier:
        below = session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id.in_(frontier))).all()
        frontier = [unit_id for unit_id in below if unit_id not in ids]  # a damaged tree cannot loop
        ids.update(frontier)
    return ids


def admin_scope(session: Session, username: str) -> AdminScope:
    """The scope of a holder of the admin role; PermissionDenied for anyone else."""
    admin = get_user(session, username)
    if ADMIN not in admin.roles:
        raise PermissionDenied(ADMIN_DENIED_MESSAGE)
    return AdminScope(admin, admin.org_unit, frozenset(unit_subtree(session, admin.org_unit_id)))


def check_admin(ctx: Context, username: str) -> None:
    """The admin role check on its own, so a non-administrator hears 403 before any input is looked at."""
    with ctx.db.read() as session:
        admin_scope(session, username)


def may_work(user: User, task: HumanTask) -> bool:
    return task.role in user.roles and task.org_unit_id == user.org_unit_id


def check_may_work(user: User, task: HumanTask) -> None:
    if not may_work(user, task):
        raise PermissionDenied("无权办理该任务：角色或所属机构不符")


def check_may_see_task(user: User, task: HumanTask) -> None:
    if not (may_work(user, task) or task.assignee_id == user.id or task.completed_by_id == user.id):
        raise PermissionDenied("无权查看该任务")


# docs/rules.md#privacy: township staff see ID and income; the county's caseworkers and the data-matching centre
# work with them. Village assistants, the committee, auditors, designers and admins see them masked.
REVEALING_ROLES = frozenset(
    {"township_clerk", "township_head", "county_clerk", "county_approver", "verification_center"}
)


def may_reveal(user: User) -> bool:
    return bool(user.roles & REVEALING_ROLES)


# The village assistant helps a household apply; the township takes it (审确 Art. 2, 4, 10).
REGISTRAR_ROLES = frozenset({"village_assistant", "township_clerk", "township_head"})


NOT_REGISTRAR_MESSAGE = "只有村/社区协理员、乡镇经办人和乡镇负责人可以受理登记"


def may_register(roles: tuple[str, ...] | frozenset[str]) -> bool:
    return bool(REGISTRAR_ROLES.intersection(roles))


def may_design(roles: tuple[str, ...] | list[str] | frozenset[str]) -> bool:
    """Whether the 流程设计 link belongs in the user's header (the same rule as `workspace`)."""
    return bool({DESIGNER, ADMIN} & set(roles))


DASHBOARD_ROLES = frozenset(
    {"township_head", "county_clerk", "county_approver", "coordination_committee", "auditor", "admin"}
)


def may_view_dashboard(roles: Iterable[str]) -> bool:
    return bool(DASHBOARD_ROLES.intersection(roles))


def check_dashboard_user(user: User) -> None:
    if not may_view_dashboard(user.roles):
        raise PermissionDenied("无权查看统计看板：仅限乡镇负责人、县民政经办人和审批人、县协调机制、审计和系统管理人员")
    if user.org_unit.level not in (Level.TOWNSHIP.value, Level.COUNTY.value):
        raise PermissionDenied("统计看板只对乡镇和县级机构的人员开放")


# Who sees 待处理异议 (engine.queries.objections): the township that runs the 公示 and the 异议处理, and the
# county that confirms the case with the objections in view.
OBJECTION_ROLES = frozenset({"township_clerk", "township_head", "county_clerk", "county_approver"})


def may_see_objections(roles: Iterable[str]) -> bool:
    return bool(OBJECTION_ROLES.intersection(roles))


def check_may_see_objections(user: User) -> None:
    if not may_see_objections(user.roles):
        raise PermissionDenied("无权查看公示异议：仅限乡镇经办人、乡镇负责人和县民政经办人、审批人")


# Who may extend: the township head who runs the procedure, and the county that decides.
EXTENDING_ROLES = frozenset({"township_head", "county_approver", "county_clerk"})


def check_may_extend(user: User, case: Case) -> None:
    """The legal clock is extended by the township head or the county, within their own unit."""
    scope = ancestor_at_level(case.village, user.org_unit.level)
    if not (user.roles & EXTENDING_ROLES) or scope is None or scope.id != user.org_unit_id:
        raise PermissionDenied("无权延长该案件的办理时限")


# --- 会签 (docs/countersign.md): a member's task is theirs alone ------------------------------------


def may_work_countersign(user: User, task: HumanTask) -> bool:
    """A 会签 task for a named system user is theirs; one for a person without an account (a 民主评议
    panel member) is worked by the lane's role, like any task."""
    username = (task.member or {}).get("username")
    return not username or username == user.username


def check_countersign_member(user: User, task: HumanTask) -> None:
    if not may_work_countersign(user, task):
        member = task.member or {}
        raise PermissionDenied(f"该会签任务由 {member.get('name') or member.get('username')} 办理")


def check_countersign_keeps_member(task: HumanTask, what: str) -> None:
    """A named member's task stays theirs: it cannot be handed on (转办) or given back (取消签收)."""
    if (task.member or {}).get("username"):
        raise PermissionDenied(f"会签任务须由成员本人办理，不能{what}")
