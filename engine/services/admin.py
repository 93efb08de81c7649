"""系统管理 (design.md §5 `/admin`): users, roles and org units, for holders of the admin role, within the
administrator's own org unit and everything below it. admin1 at demo-county manages the county, its
townships and their villages; never the units of another county.

Every change is one transaction with its `admin.*` audit event; a refused change writes nothing. Rules
no caller can get around:
- a role fits the level of the user's unit (engine.domain.roles.ROLE_LEVELS): township roles on a
  township, village_assistant on a village, county roles (admin included) on a county;
- nobody deactivates themselves or takes away their own admin role (the way back in for everyone else);
- deactivating a user revokes their API tokens and browser sessions and returns their claimed tasks to
  待办, so no work stays with someone who can no longer sign in; losing a role does the same for that
  role's claimed tasks; a password reset revokes the tokens and sessions too;
- passwords are stored hashed only; a generated one is returned once, for the page to show once, and
  never enters the audit log.

Input mistakes are InvalidData naming the field in Chinese (a taken username or org code too, never an
IntegrityError); a user or unit outside the scope named in an address is PermissionDenied.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.context import Context
from engine.domain.roles import CHILD_LEVEL, LEVEL_LABELS, ROLE_LABELS, ROLE_LEVELS, Level
from engine.errors import InvalidData, NotFound, PermissionDenied
from engine.lookups import get_case, get_user
from engine.persistence import ApiToken, HumanTask, OrgUnit, ProcessInstance, User, UserRole
from engine.records import audit
from engine.records.advancing import advancing
from engine.services import web_sessions
from engine.services.setup import DEMO_PASSWORD
from engine.services.users import add_org_unit, hash_password

ADMIN = "admin"
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
MAX_NAME_LENGTH = 100  # User.display_name / OrgUnit.name
MAX_QUERY_LENGTH = 64

_USERNAME = re.compile(r"[a-z0-9_.-]{3,32}")
_ORG_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{1,63}")
# No 0/O or 1/l/I: a temporary password is read off a screen and typed in by somebody else.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - an alphabet, not a password

DENIED_MESSAGE = "无权进行系统管理：需要系统管理角色"
USER_INVALID = "用户信息有误"
ROLES_INVALID = "角色设置有误"
UNIT_INVALID = "机构信息有误"


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


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    org_unit_code: str
    roles: tuple[str, ...]
    generated_password: str | None  # set only when the system chose the password: show it once


@dataclass(frozen=True)
class PasswordReset:
    username: str
    password: str  # the temporary password: show it once, it is stored only as a hash
    revoked_tokens: int
    revoked_sessions: int


@dataclass(frozen=True)
class Deactivation:
    username: str
    revoked_tokens: int
    revoked_sessions: int
    released_tasks: int


@dataclass(frozen=True)
class RolesChange:
    username: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    released_tasks: int


@dataclass(frozen=True)
class _Scope:
    admin: User
    root: OrgUnit
    unit_ids: frozenset[int]

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor.of(self.admin, ADMIN)


def role_choices(level: str | None = None) -> list[RoleChoice]:
    """Every role (or those fitting a unit of `level`), in the order of design.md §3."""
    return [
        RoleChoice(key, label, ROLE_LEVELS[key].value, LEVEL_LABELS[ROLE_LEVELS[key]])
        for key, label in ROLE_LABELS.items()
        if level is None or ROLE_LEVELS[key].value == level
    ]


_LEVELS = {level.value: level for level in Level}


def level_label(level: str) -> str:
    known = _LEVELS.get(level)
    return LEVEL_LABELS[known] if known is not None else level


def _level_below(level: str) -> Level | None:
    known = _LEVELS.get(level)
    return CHILD_LEVEL.get(known) if known is not None else None


def _node(unit: OrgUnit, depth: int, parent_code: str | None, active_users: int) -> OrgUnitNode:
    below = _level_below(unit.level)
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


# ---------------------------------------------------------------------------------------------- scope


def _subtree_ids(session: Session, root_id: int) -> set[int]:
    """The unit and every unit below it: one query per level (three for a county)."""
    ids, frontier = {root_id}, [root_id]
    while frontier:
        below = session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id.in_(frontier))).all()
        frontier = [unit_id for unit_id in below if unit_id not in ids]  # a damaged tree cannot loop
        ids.update(frontier)
    return ids


def _scope(session: Session, username: str) -> _Scope:
    admin = get_user(session, username)
    if ADMIN not in admin.roles:
        raise PermissionDenied(DENIED_MESSAGE)
    return _Scope(admin, admin.org_unit, frozenset(_subtree_ids(session, admin.org_unit_id)))


def _require_admin(ctx: Context, username: str) -> None:
    """The role check on its own, so a non-administrator hears 403 before any input is looked at."""
    with ctx.db.read() as session:
        _scope(session, username)


def _managed_user(session: Session, scope: _Scope, name: str) -> User:
    """A user of the scope, active or not (users.get_user refuses inactive ones, which admins manage)."""
    user = session.scalars(select(User).where(User.username == name)).unique().first()
    if user is None:
        raise NotFound(f"用户 {name} 不存在")
    if user.org_unit_id not in scope.unit_ids:
        raise PermissionDenied(f"无权管理用户 {name}：不属于{scope.root.name}及其下级机构")
    return user


def _managed_unit(session: Session, scope: _Scope, code: str) -> OrgUnit:
    unit = session.scalars(select(OrgUnit).where(OrgUnit.code == code)).first()
    if unit is None:
        raise NotFound(f"组织机构 {code} 不存在")
    if unit.id not in scope.unit_ids:
        raise PermissionDenied(f"无权管理组织机构 {code}：不属于{scope.root.name}及其下级机构")
    return unit


def _unit_field(
    session: Session, scope: _Scope, code: str, name: str, label: str, errors: dict[str, list[str]]
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


# ---------------------------------------------------------------------------------------------- checks


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({v.strip() for v in values if v.strip()}))


def _role_errors(roles: Sequence[str], unit: OrgUnit | None) -> list[str]:
    if not roles:
        return ["角色：请至少选择一个角色"]
    errors = []
    for role in roles:
        if role not in ROLE_LABELS:
            errors.append(f"角色：未知角色 {role}")
        elif unit is not None and ROLE_LEVELS[role].value != unit.level:
            errors.append(
                f"角色：{ROLE_LABELS[role]}只能授予{LEVEL_LABELS[ROLE_LEVELS[role]]}的人员，"
                f"{unit.name}是{level_label(unit.level)}"
            )
    return errors


def _password_errors(ctx: Context, password: str) -> list[str]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"初始密码：至少 {MIN_PASSWORD_LENGTH} 个字符"]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [f"初始密码：不能超过 {MAX_PASSWORD_LENGTH} 个字符"]
    if not password.strip():
        return ["初始密码：不能全是空格"]
    if password == DEMO_PASSWORD and not ctx.settings.demo:
        return ["初始密码：不能使用公开的示范密码"]
    return []


def _name_errors(value: str, label: str) -> list[str]:
    if not value:
        return [f"{label}：必填"]
    if len(value) > MAX_NAME_LENGTH:
        return [f"{label}：不能超过 {MAX_NAME_LENGTH} 个字"]
    return []


def generate_password() -> str:
    """16 characters in groups of four (about 93 random bits), easy to read out and type."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def _row(user: User) -> UserRow:
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


# ---------------------------------------------------------------------------------------------- reading


def list_org_units(ctx: Context, username: str) -> list[OrgUnitNode]:
    """The administrator's unit and everything below it, depth first, with active users per unit."""
    with ctx.db.read() as session:
        scope = _scope(session, username)
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
            nodes.append(_node(unit, depth, parent_code, counts.get(unit.id, 0)))
            for child in children.get(unit.id, []):
                visit(child, depth + 1, unit.code)

        visit(scope.root, 0, None)
        return nodes


def list_users(
    ctx: Context, username: str, filters: UserFilters, page: int = 1, page_size: int = PAGE_SIZE
) -> UserPage:
    """Users of the administrator's scope matching `filters`, by username, a page at a time."""
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    with ctx.db.read() as session:
        scope = _scope(session, username)
        errors: dict[str, list[str]] = {}
        unit_ids: set[int] = set(scope.unit_ids)
        if filters.org_unit:
            unit = _unit_field(session, scope, filters.org_unit, "org_unit", "所属机构", errors)
            if unit is not None:
                unit_ids = _subtree_ids(session, unit.id) & scope.unit_ids
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
        total = session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
        users = (
            session.scalars(
                select(User).where(*conditions).order_by(User.username).limit(page_size).offset((page - 1) * page_size)
            )
            .unique()
            .all()
        )
        return UserPage([_row(u) for u in users], int(total), page, page_size, filters)


def show_user(ctx: Context, username: str, target: str) -> UserDetail:
    with ctx.db.read() as session:
        scope = _scope(session, username)
        user = _managed_user(session, scope, target)
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
            _row(user),
            role_choices(user.org_unit.level),
            int(claimed or 0),
            int(tokens or 0),
            web_sessions.live_count(session, user.id),
            user.id == scope.admin.id,
        )


# ---------------------------------------------------------------------------------------------- users


def create_user(
    ctx: Context,
    username: str,
    *,
    new_username: str,
    display_name: str,
    org_unit: str,
    roles: Sequence[str],
    password: str = "",
) -> NewUser:
    """A new active user. An empty `password` makes the system generate one (returned once)."""
    _require_admin(ctx, username)
    name, display, wanted = new_username.strip(), display_name.strip(), _unique(roles)
    errors: dict[str, list[str]] = {}
    if not _USERNAME.fullmatch(name):
        errors["username"] = ["用户名：3–32 个字符，只能使用小写字母、数字和 _ . -"]
    if problems := _name_errors(display, "姓名"):
        errors["display_name"] = problems
    generated = None if password else generate_password()
    if password and (problems := _password_errors(ctx, password)):
        errors["password"] = problems
    # Hashing (argon2, tens of milliseconds) happens before the write transaction takes the write lock.
    password_hash = "" if errors else hash_password(password or generated or "")
    try:
        with ctx.db.write() as session:
            scope = _scope(session, username)
            unit = _unit_field(session, scope, org_unit, "org_unit", "所属机构", errors)
            if problems := _role_errors(wanted, unit):
                errors["roles"] = problems
            taken = session.scalar(select(User.id).where(User.username == name)) if "username" not in errors else None
            if taken is not None:
                errors["username"] = [f"用户名：{name} 已被使用"]
            if errors or unit is None:
                raise InvalidData(USER_INVALID, errors)
            user = User(
                username=name,
                display_name=display,
                password_hash=password_hash,
                org_unit=unit,
                active=True,
                role_rows=[UserRole(role=r) for r in wanted],
            )
            session.add(user)
            session.flush()
            audit.record(
                session,
                "admin.user_created",
                scope.actor,
                details={
                    "username": name,
                    "display_name": display,
                    "org_unit": unit.code,
                    "roles": list(wanted),
                    "password": "generated" if generated else "set_by_admin",
                },
            )
            return NewUser(name, display, unit.code, wanted, generated)
    except IntegrityError:  # the same name registered by someone else between the check and the insert
        raise InvalidData(USER_INVALID, {"username": [f"用户名：{name} 已被使用"]}) from None


def _revoke_tokens(session: Session, user: User) -> list[int]:
    now = utcnow()
    live = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
    ).all()
    for token in live:
        token.revoked_at = now
    return [token.id for token in live]


def _release_claimed(
    session: Session, scope: _Scope, user: User, reason: str, roles: Iterable[str] | None = None
) -> list[int]:
    """The user's claimed tasks (of `roles`, or all) back to 待办 of their unit, each with its event."""
    conditions = [HumanTask.assignee_id == user.id, HumanTask.state == "claimed"]
    if roles is not None:
        conditions.append(HumanTask.role.in_(sorted(roles)))
    claimed = session.scalars(select(HumanTask).where(*conditions).order_by(HumanTask.id)).all()
    for task in claimed:
        task.state, task.assignee_id = "open", None
        audit.record_task(session, "task_unclaimed", scope.actor, task, reason=reason, assignee=user.username)
    return [task.id for task in claimed]


def deactivate_user(ctx: Context, username: str, target: str) -> Deactivation:
    """The user can no longer sign in (web or API); their tokens are revoked and claimed tasks released."""
    with ctx.db.write() as session:
        scope = _scope(session, username)
        user = _managed_user(session, scope, target)
        if user.id == scope.admin.id:
            raise PermissionDenied("不能停用自己的账号")
        if not user.active:
            raise InvalidData(USER_INVALID, {"active": [f"账号状态：{target} 已是停用状态"]})
        user.active = False
        tokens = _revoke_tokens(session, user)
        sessions = web_sessions.revoke_all(session, user.id, "user_deactivated")
        released = _release_claimed(session, scope, user, "user_deactivated")
        audit.record(
            session,
            "admin.user_deactivated",
            scope.actor,
            details={
                "username": user.username,
                "org_unit": user.org_unit.code,
                "revoked_tokens": tokens,
                "revoked_sessions": sessions,
                "released_tasks": released,
            },
        )
        return Deactivation(user.username, len(tokens), len(sessions), len(released))


def reactivate_user(ctx: Context, username: str, target: str) -> None:
    with ctx.db.write() as session:
        scope = _scope(session, username)
        user = _managed_user(session, scope, target)
        if user.active:
            raise InvalidData(USER_INVALID, {"active": [f"账号状态：{target} 已是启用状态"]})
        user.active = True
        audit.record(
            session,
            "admin.user_reactivated",
            scope.actor,
            details={"username": user.username, "org_unit": user.org_unit.code},
        )


def reset_password(ctx: Context, username: str, target: str) -> PasswordReset:
    """A random temporary password, returned once and stored hashed. The user's API tokens and browser
    sessions are revoked too: a reset usually means the old password may be known to someone else."""
    _require_admin(ctx, username)
    password = generate_password()
    password_hash = hash_password(password)  # outside the write lock
    with ctx.db.write() as session:
        scope = _scope(session, username)
        user = _managed_user(session, scope, target)
        user.password_hash = password_hash
        tokens = _revoke_tokens(session, user)
        sessions = web_sessions.revoke_all(session, user.id, "password_reset")
        audit.record(
            session,
            "admin.password_reset",
            scope.actor,
            details={
                "username": user.username,
                "org_unit": user.org_unit.code,
                "revoked_tokens": tokens,
                "revoked_sessions": sessions,
            },
        )
        return PasswordReset(user.username, password, len(tokens), len(sessions))


def set_roles(ctx: Context, username: str, target: str, roles: Sequence[str]) -> RolesChange:
    """Replace the user's roles. Claimed tasks of a role taken away go back to 待办."""
    wanted = _unique(roles)
    with ctx.db.write() as session:
        scope = _scope(session, username)
        user = _managed_user(session, scope, target)
        problems = _role_errors(wanted, user.org_unit)
        if user.id == scope.admin.id and ADMIN not in wanted:
            problems.append("角色：不能取消自己的系统管理角色")
        if problems:
            raise InvalidData(ROLES_INVALID, {"roles": problems})
        before = tuple(sorted(user.roles))
        if before == wanted:
            return RolesChange(user.username, before, wanted, 0)
        removed = set(before) - set(wanted)
        # Only the rows that change: deleting and re-inserting a kept (user_id, role) key in one flush clashes.
        for row in [r for r in user.role_rows if r.role in removed]:
            user.role_rows.remove(row)
        for role in wanted:
            if role not in before:
                user.role_rows.append(UserRole(role=role))
        released = _release_claimed(session, scope, user, "role_removed", removed) if removed else []
        audit.record(
            session,
            "admin.roles_changed",
            scope.actor,
            details={
                "username": user.username,
                "org_unit": user.org_unit.code,
                "before": list(before),
                "after": list(wanted),
                "released_tasks": released,
            },
        )
        return RolesChange(user.username, before, wanted, len(released))


# ---------------------------------------------------------------------------------------------- org units


def create_org_unit(ctx: Context, username: str, *, code: str, name: str, level: str, parent: str) -> OrgUnitNode:
    """A township under a county or a village under a township of the scope; its region is the parent's.
    An empty `level` means the one below the parent's."""
    code, name, level = code.strip(), name.strip(), level.strip()
    try:
        with ctx.db.write() as session:
            scope = _scope(session, username)
            errors: dict[str, list[str]] = {}
            if not _ORG_CODE.fullmatch(code):
                errors["code"] = ["机构代码：2–64 个字符，只能使用小写字母、数字、- 和 _，以字母或数字开头"]
            elif session.scalar(select(OrgUnit.id).where(OrgUnit.code == code)) is not None:
                errors["code"] = [f"机构代码：{code} 已存在"]
            if problems := _name_errors(name, "机构名称"):
                errors["name"] = problems
            above = _unit_field(session, scope, parent, "parent", "上级机构", errors)
            expected = _level_below(above.level) if above is not None else None
            if above is not None and expected is None:
                errors["parent"] = [f"上级机构：{above.name}是{level_label(above.level)}，不能再设下级机构"]
            elif above is not None and expected is not None and level and level != expected.value:
                errors["level"] = [f"机构层级：{above.name}的下级机构应为{LEVEL_LABELS[expected]}"]
            if errors or above is None or expected is None:
                raise InvalidData(UNIT_INVALID, errors)
            unit = add_org_unit(session, code, name, expected, above)
            audit.record(
                session,
                "admin.org_unit_created",
                scope.actor,
                details={"code": code, "name": name, "level": unit.level, "parent": above.code, "region": unit.region},
            )
            return _node(unit, 0, above.code, 0)
    except IntegrityError:  # the same code created by someone else between the check and the insert
        raise InvalidData(UNIT_INVALID, {"code": [f"机构代码：{code} 已存在"]}) from None


def rename_org_unit(ctx: Context, username: str, code: str, name: str) -> None:
    new_name = name.strip()
    with ctx.db.write() as session:
        scope = _scope(session, username)
        unit = _managed_unit(session, scope, code)
        if problems := _name_errors(new_name, "机构名称"):
            raise InvalidData(UNIT_INVALID, {"name": problems})
        if unit.name == new_name:
            return
        before, unit.name = unit.name, new_name
        audit.record(
            session,
            "admin.org_unit_renamed",
            scope.actor,
            details={"code": unit.code, "before": before, "after": new_name},
        )


def show_org_unit(ctx: Context, username: str, code: str) -> OrgUnitNode:
    """One unit of the scope (for its page); NotFound, or PermissionDenied outside the scope."""
    with ctx.db.read() as session:
        scope = _scope(session, username)
        unit = _managed_unit(session, scope, code)
        users = session.scalar(
            select(func.count()).select_from(User).where(User.org_unit_id == unit.id, User.active.is_(True))
        )
        parent = unit.parent if unit.id != scope.root.id else None
        return _node(unit, 0, parent.code if parent is not None else None, int(users or 0))


# ---------------------------------------------------------------------------------------------- instances


@dataclass(frozen=True)
class Retry:
    case_number: str
    status: str  # the instance's status afterwards: running, waiting or completed
    stage: str | None


def retry_instance(ctx: Context, username: str, number: str) -> Retry:
    """Take a case's instance out of `error`: restore its last good state (what the failed transaction
    left stored), run the engine steps again (due timers fire) and persist, in one audited transaction.
    A step that fails again leaves the instance in `error` with the new message (writeback.mark_error)
    and raises WorkflowFailed; a failure at a task completion is retried by completing the task again."""
    with advancing(ctx) as step:
        scope = _scope(step.session, username)
        case = get_case(step.session, number)
        if case.village_id not in scope.unit_ids:
            raise PermissionDenied(f"无权处理案件 {number}：不属于{scope.root.name}及其下级机构")
        instance = step.session.scalars(
            select(ProcessInstance)
            .where(ProcessInstance.case_id == case.id, ProcessInstance.status == "error")
            .order_by(ProcessInstance.id.desc())
        ).first()
        if instance is None:
            raise InvalidData("无需重试", {"instance": [f"案件 {number} 的流程没有处于出错状态"]})
        previous = {"message": instance.error_message, "element": instance.error_element}
        run = step.begin(instance, scope.actor, retry=True)
        run.advance()
        details = {"previous_error": previous}
        audit.record(
            step.session,
            "admin.instance_retried",
            scope.actor,
            case_id=case.id,
            instance_id=instance.id,
            details=details,
        )
        step.finish(case, run)
        return Retry(case.number, instance.status, case.stage)
