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
from engine.errors import Conflict, InvalidData, PermissionDenied
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


# --- 终止 a case (issue 14 part 4; docs/ending-and-pausing-cases.md) ----------------------------------


def parse_roles(value: object) -> frozenset[str]:
    """A parameter naming roles, comma-separated ("township_head,county_approver")."""
    return frozenset(part.strip() for part in str(value or "").split(",") if part.strip())


def may_terminate(user: User, case: Case, roles: frozenset[str]) -> bool:
    """A holder of one of the process's `termination_roles` whose own unit is the case's village,
    township or county at the unit's level (a township head for the township's villages)."""
    if not user.roles & roles:
        return False
    unit = ancestor_at_level(case.village, user.org_unit.level)
    return unit is not None and unit.id == user.org_unit_id


def check_may_terminate(user: User, case: Case, roles: frozenset[str]) -> None:
    if not may_terminate(user, case, roles):
        allowed = "、".join(sorted(role_label(r) for r in roles)) or "（流程未配置）"
        raise PermissionDenied(f"无权终止案件 {case.number}：需要本辖区的{allowed}")


# --- 委派 (delegation, issue 14 part 5; docs/delegation.md) -----------------------------------------------
# The holder of a claimed task (its assignee) hands it to a colleague of the same unit with the task's role to
# fill in; the delegate may only 暂存 and 交回, the holder reviews and completes.


def _person(user: User) -> str:
    return f"{user.display_name}（{user.username}）"


def delegate_name(task: HumanTask) -> str:
    return _person(task.delegate) if task.delegate is not None else "他人"


def is_active_delegate(user: User, task: HumanTask) -> bool:
    """The user is who the claimed task is delegated to now (and still holds its role in its unit)."""
    return task.state == "claimed" and task.delegated and task.delegate_id == user.id and may_work(user, task)


def check_is_holder(user: User, task: HumanTask, what: str) -> None:
    if task.state != "claimed" or task.assignee_id != user.id:
        raise PermissionDenied(f"只有该任务的签收人可以{what}：请先签收")


def check_may_delegate(user: User, task: HumanTask, target: User | None, to: str) -> User:
    """Holder only (403); not while delegated (409); the delegate is another active user of the task's unit
    with its role (422 on `to`, naming the person)."""
    check_is_holder(user, task, "委派")
    if task.delegated:
        raise Conflict(f"任务已委派给 {delegate_name(task)}，请先收回后再委派")
    problem = None
    if target is None:
        problem = f"被委派人：用户 {to} 不存在"
    elif target.id == user.id:
        problem = "被委派人：不能委派给自己"
    elif not target.active:
        problem = f"被委派人：{_person(target)}已停用"
    elif target.org_unit_id != task.org_unit_id:
        problem = f"被委派人：{_person(target)}不属于{task.org_unit.name}"
    elif task.role not in target.roles:
        problem = f"被委派人：{_person(target)}没有{role_label(task.role)}角色"
    if problem is not None or target is None:
        raise InvalidData("委派信息有误", {"to": [problem or "被委派人：必填"]})
    return target


def check_may_hand_back(user: User, task: HumanTask) -> None:
    if not is_active_delegate(user, task):
        raise PermissionDenied("只有该任务的被委派人可以交回")


def check_may_recall(user: User, task: HumanTask) -> None:
    check_is_holder(user, task, "收回委派")
    if not task.delegated:
        raise Conflict("该任务没有正在进行的委派，无需收回")


def check_delegation_allows_completion(user: User, task: HumanTask) -> None:
    """The delegate never completes (403); the holder does not while the task is with the delegate (409)."""
    if task.delegate_id == user.id and task.assignee_id != user.id:
        raise PermissionDenied("被委派人只能暂存和交回，不能提交：请交回签收人审核后提交")
    if task.delegated and task.state == "claimed":
        raise Conflict(f"任务已委派给 {delegate_name(task)}，请先收回或等待交回")


# --- Starting each process (issue 14, helper A: docs/starting-cases.md) ---
# A deployed definition names the roles that may start it (engine.workflow.starters); start_case, the
# 受理登记 tabs and the API list all ask these two functions, so what is offered is what is accepted.


def may_start_process(user: User, roles: frozenset[str]) -> bool:
    return bool(user.roles & roles & STARTING_ROLES)


def check_may_start_process(user: User, village: OrgUnit, title: str, roles: frozenset[str]) -> None:
    """The user holds a role the definition names, and the village lies inside the user's own unit."""
    if not may_start_process(user, roles):
        needed = "、".join(sorted(role_label(r) for r in roles & STARTING_ROLES)) or "（无）"
        raise PermissionDenied(f"无权发起{title}：需要{needed}角色")
    check_may_start(user, village)


def may_start_any(roles: Iterable[str]) -> bool:
    """Whether the 受理登记 link belongs in the header: a caseworker who may start something somewhere."""
    return bool(STARTING_ROLES.intersection(roles))


NOT_STARTER_MESSAGE = "您的角色不能发起任何流程：受理登记由村/社区协理员、乡镇和县民政经办人员办理"


# --- 延长办理期限 from the case page (issue 14, helper A) ---


def may_extend(user: User, case: Case) -> bool:
    """Whether the 延长办理期限 form belongs on the case page (check_may_extend's rule as a predicate)."""
    try:
        check_may_extend(user, case)
    except PermissionDenied:
        return False
    return True


# Who starts the due re-checks in bulk (the batch page and `dibao cases start periodic_review --due`): the
# township or county staff whose unit the enrolments lie in.
DUE_REVIEW_ROLES = frozenset({"township_clerk", "township_head", "county_clerk", "county_approver"})


def check_may_start_due_reviews(user: User) -> None:
    if not user.roles & DUE_REVIEW_ROLES or user.org_unit.level not in (Level.TOWNSHIP.value, Level.COUNTY.value):
        raise PermissionDenied("无权批量启动动态复核：仅限乡镇和县民政经办人员")


# --- 撤回, 退回 and an administrator's move (docs/withdraw-and-return.md) -------------------------------
def may_withdraw(user: User, task: HumanTask) -> bool:
    """Only the person who completed the step, still holding its role in its unit, takes it back."""
    return task.completed_by_id == user.id and may_work(user, task)


def check_may_withdraw(user: User, task: HumanTask) -> None:
    if not may_withdraw(user, task):
        raise PermissionDenied("无权撤回该步骤：只有办理该步骤的本人可以撤回")


def check_may_return(user: User, task: HumanTask) -> None:
    """Whoever may complete a step may send the case back from it."""
    if not may_work(user, task):
        raise PermissionDenied("无权退回该任务：角色或所属机构不符")


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


# 文书: 更正 and batch printing live in engine/policy/documents.py (this module stays under 400 lines) and
# are re-exported, so every check is still engine.policy's.
from engine.policy import documents as _documents  # noqa: E402

COUNTY_CORRECTING_ROLES = _documents.COUNTY_CORRECTING_ROLES
PRINTING_ROLES = _documents.PRINTING_ROLES
check_may_correct_document = _documents.check_may_correct_document
check_may_print_documents = _documents.check_may_print_documents
may_correct_document = _documents.may_correct_document
may_print_documents = _documents.may_print_documents

# 催办 (docs/urge-and-copy.md) lives in engine/policy/urging.py, re-exported here.
from engine.policy import urging as _urging  # noqa: E402

check_may_urge = _urging.check_may_urge
may_urge = _urging.may_urge

# Newer areas live in their own modules (policy.intake, policy.tekun …; each names its docs/*.md).
# isort: off
from engine.policy import alerts, care_visits, intake, migration, recalculation  # noqa: E402, F401
from engine.policy import referrals, simulation, tekun  # noqa: E402, F401
# isort: on
