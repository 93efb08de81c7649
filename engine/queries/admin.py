"""What the 系统管理 pages read (docs/contracts.md `/admin`): the administrator's org unit tree, their users a
page at a time, one user and one unit; and the scope-bounded lookups the admin commands
(engine.services.admin) share with these pages.

Everything is read within policy.admin_scope: the administrator's own org unit and everything below it.
A user or unit outside it that is named in an address is PermissionDenied; an input mistake (a filter
naming an unknown unit or role) is InvalidData naming the field in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from engine.clock import utcnow, wallclock
from engine.context import Context
from engine.domain.roles import CHILD_LEVEL, ROLE_LEVELS, Level
from engine.domain.vocabulary import LEVEL_LABELS, ROLE_LABELS
from engine.errors import InvalidData, NotFound
from engine.persistence import ApiToken, HumanTask, OrgUnit, User, UserRole, WebSession
from engine.policy import AdminScope, admin_scope, unit_subtree

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_QUERY_LENGTH = 64


@dataclass(frozen=True)
class RoleChoice:
    key: str
    label: str
    level: str
    level_label: str


@dataclass(frozen=True)
class OrgUnitNode:
    """One unit of the administrator's tree, in depth-first order (`depth` 0 is the admin's own unit)."""

    code: str
    name: str
    level: str
    level_label: str
    depth: int
    parent_code: str | None
    region: str
    active_users: int
    child_level: str | None  # the level a new unit below this one gets; None for a village


@dataclass(frozen=True)
class UserFilters:
    org_unit: str = ""  # a unit's code: its users and those of the units below it
    role: str = ""
    active: bool | None = None
    query: str = ""  # start of the username or of the display name


@dataclass(frozen=True)
class UserRow:
    username: str
    display_name: str
    org_unit_code: str
    org_unit_name: str
    org_unit_level: str
    roles: tuple[str, ...]
    active: bool
    created_at: datetime

    @property
    def role_labels(self) -> tuple[str, ...]:
        return tuple(ROLE_LABELS.get(r, r) for r in self.roles)


@dataclass(frozen=True)
class UserPage:
    rows: list[UserRow]
    total: int
    page: int
    page_size: int
    filters: UserFilters = field(default_factory=UserFilters)

    @property
    def pages(self) -> int:
        return max((self.total + self.page_size - 1) // self.page_size, 1)


@dataclass(frozen=True)
class UserDetail:
    user: UserRow
    role_choices: list[RoleChoice]  # the roles that fit the user's unit
    claimed_tasks: int
    live_tokens: int
    live_sessions: int
    is_self: bool


def role_choices(level: str | None = None) -> list[RoleChoice]:
    """Every role (or those fitting a unit of `level`), in the order of docs/contracts.md#data-model."""
    return [
        RoleChoice(key, label, ROLE_LEVELS[key].value, LEVEL_LABELS[ROLE_LEVELS[key]])
        for key, label in ROLE_LABELS.items()
        if level is None or ROLE_LEVELS[key].value == level
    ]


_LEVELS = {level.value: level for level in Level}


def level_label(level: str) -> str:
    known = _LEVELS.get(level)
    return LEVEL_LABELS[known] if known is not None else level


def level_below(level: str) -> Level | None:
    known = _LEVELS.get(level)
    return CHILD_LEVEL.get(known) if known is not None else None


def unit_node(unit: OrgUnit, depth: int, parent_code: str | None, active_users: int) -> OrgUnitNode:
    below = level_below(unit.level)
    return OrgUnitNode(
        unit.code,
        unit.name,
        unit.level,
        level_label(unit.level),
        depth,
        parent_code,
        unit.region,
        active_users,
        below.value if below is not None else None,
    )


def user_row(user: User) -> UserRow:
    unit = user.org_unit
    return UserRow(
        user.username,
        user.display_name,
        unit.code,
        unit.name,
        unit.level,
        tuple(sorted(user.roles)),
        user.active,
        user.created_at,
    )


# ---- lookups within the scope (the commands use them too) ----------------------------------------------


def managed_user(session: Session, scope: AdminScope, name: str) -> User:
    """A user of the scope, active or not (lookups.get_user refuses inactive ones, which admins manage)."""
    user = session.scalars(select(User).where(User.username == name)).unique().first()
    if user is None:
        raise NotFound(f"用户 {name} 不存在")
    scope.check_covers(user.org_unit_id, f"管理用户 {name}")
    return user


def managed_unit(session: Session, scope: AdminScope, code: str) -> OrgUnit:
    unit = session.scalars(select(OrgUnit).where(OrgUnit.code == code)).first()
    if unit is None:
        raise NotFound(f"组织机构 {code} 不存在")
    scope.check_covers(unit.id, f"管理组织机构 {code}")
    return unit


def unit_field(
    session: Session, scope: AdminScope, code: str, name: str, label: str, errors: dict[str, list[str]]
) -> OrgUnit | None:
    """A unit chosen in a form: None, with a message at the field, when missing or outside the scope."""
    code = code.strip()
    if not code:
        errors[name] = [f"{label}：必填"]
        return None
    unit = session.scalars(select(OrgUnit).where(OrgUnit.code == code)).first()
    if unit is None or unit.id not in scope.unit_ids:
        errors[name] = [f"{label}：{code} 不存在或不在本机构管辖范围内"]
        return None
    return unit


# ---- the pages -----------------------------------------------------------------------------------------


def list_org_units(ctx: Context, username: str) -> list[OrgUnitNode]:
    """The administrator's unit and everything below it, depth first, with active users per unit."""
    with ctx.db.read() as session:
        scope = admin_scope(session, username)
        units = session.scalars(select(OrgUnit).where(OrgUnit.id.in_(scope.unit_ids)).order_by(OrgUnit.code)).all()
        counts: dict[int, int] = {
            unit_id: int(number)
            for unit_id, number in session.execute(
                select(User.org_unit_id, func.count())
                .where(User.org_unit_id.in_(scope.unit_ids), User.active.is_(True))
                .group_by(User.org_unit_id)
            ).tuples()
        }
        children: dict[int | None, list[OrgUnit]] = {}
        for unit in units:
            children.setdefault(unit.parent_id, []).append(unit)
        nodes: list[OrgUnitNode] = []

        def visit(unit: OrgUnit, depth: int, parent_code: str | None) -> None:
            nodes.append(unit_node(unit, depth, parent_code, counts.get(unit.id, 0)))
            # A county's 部门 (docs/referrals.md) after its townships and their villages.
            for child in sorted(children.get(unit.id, []), key=lambda u: u.level == Level.DEPARTMENT.value):
                visit(child, depth + 1, unit.code)

        visit(scope.root, 0, None)
        return nodes


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def _user_conditions(session: Session, scope: AdminScope, filters: UserFilters) -> list[ColumnElement[bool]]:
    """The WHERE clause of a user list; InvalidData naming each bad filter field."""
    errors: dict[str, list[str]] = {}
    unit_ids: set[int] = set(scope.unit_ids)
    if filters.org_unit:
        unit = unit_field(session, scope, filters.org_unit, "org_unit", "所属机构", errors)
        if unit is not None:
            unit_ids = unit_subtree(session, unit.id) & scope.unit_ids
    if filters.role and filters.role not in ROLE_LABELS:
        errors["role"] = [f"角色：未知角色 {filters.role}"]
    query = filters.query.strip()
    if len(query) > MAX_QUERY_LENGTH:
        errors["query"] = [f"用户名或姓名：不能超过 {MAX_QUERY_LENGTH} 个字"]
    if errors:
        raise InvalidData("查询条件有误", errors)
    conditions: list[ColumnElement[bool]] = [User.org_unit_id.in_(unit_ids)]
    if filters.role:
        conditions.append(User.id.in_(select(UserRole.user_id).where(UserRole.role == filters.role)))
    if filters.active is not None:
        conditions.append(User.active.is_(filters.active))
    if query:
        prefix = _like_prefix(query)
        conditions.append(or_(User.username.like(prefix, escape="\\"), User.display_name.like(prefix, escape="\\")))
    return conditions


def list_users(
    ctx: Context, username: str, filters: UserFilters, page: int = 1, page_size: int = PAGE_SIZE
) -> UserPage:
    """Users of the administrator's scope matching `filters`, by username, a page at a time."""
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    with ctx.db.read() as session:
        conditions = _user_conditions(session, admin_scope(session, username), filters)
        total = session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
        users = (
            session.scalars(
                select(User).where(*conditions).order_by(User.username).limit(page_size).offset((page - 1) * page_size)
            )
            .unique()
            .all()
        )
        return UserPage([user_row(u) for u in users], int(total), page, page_size, filters)


def show_user(ctx: Context, username: str, target: str) -> UserDetail:
    with ctx.db.read() as session:
        scope = admin_scope(session, username)
        user = managed_user(session, scope, target)
        claimed = session.scalar(
            select(func.count())
            .select_from(HumanTask)
            .where(HumanTask.assignee_id == user.id, HumanTask.state == "claimed")
        )
        tokens = session.scalar(
            select(func.count())
            .select_from(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow())
        )
        return UserDetail(
            user_row(user),
            role_choices(user.org_unit.level),
            int(claimed or 0),
            int(tokens or 0),
            _live_sessions(session, user.id),
            user.id == scope.admin.id,
        )


def _live_sessions(session: Session, user_id: int) -> int:
    """Sessions of the user that would open a page now (engine.services.web_sessions: unrevoked, unexpired
    by the real clock)."""
    count = session.scalar(
        select(func.count())
        .select_from(WebSession)
        .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None), WebSession.expires_at > wallclock())
    )
    return int(count or 0)


def show_org_unit(ctx: Context, username: str, code: str) -> OrgUnitNode:
    """One unit of the scope (for its page); NotFound, or PermissionDenied outside the scope."""
    with ctx.db.read() as session:
        scope = admin_scope(session, username)
        unit = managed_unit(session, scope, code)
        users = session.scalar(
            select(func.count()).select_from(User).where(User.org_unit_id == unit.id, User.active.is_(True))
        )
        parent = unit.parent if unit.id != scope.root.id else None
        return unit_node(unit, 0, parent.code if parent is not None else None, int(users or 0))
