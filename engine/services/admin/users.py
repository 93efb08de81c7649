"""Managing the users of the administrator's scope: create, deactivate, reactivate, reset a password,
set roles. One audited transaction each (`admin.user_*`, `admin.password_reset`, `admin.roles_changed`).

Taking access away never leaves work stranded: deactivating a user revokes their API tokens and browser
sessions and returns their claimed tasks to 待办; losing a role does the same for that role's claimed
tasks; a password reset revokes the tokens and sessions too. Nobody deactivates themselves or takes
away their own admin role. Passwords are hashed before the write transaction takes its lock (argon2
takes tens of milliseconds) and never enter the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.context import Context
from engine.errors import InvalidData, PermissionDenied
from engine.persistence import ApiToken, HumanTask, User, UserRole
from engine.policy import ADMIN, AdminScope, admin_scope, check_admin
from engine.queries.admin import managed_user, unit_field
from engine.records import audit
from engine.services import delegation, web_sessions
from engine.services.admin.common import (
    actor,
    generate_password,
    name_errors,
    password_errors,
    role_errors,
    unique,
)
from engine.services.users import hash_password

USER_INVALID = "用户信息有误"
ROLES_INVALID = "角色设置有误"

_USERNAME = re.compile(r"[a-z0-9_.-]{3,32}")


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


def _typed_errors(ctx: Context, name: str, display: str, password: str) -> dict[str, list[str]]:
    """The fields checked before any transaction: username shape, display name, a chosen password."""
    errors: dict[str, list[str]] = {}
    if not _USERNAME.fullmatch(name):
        errors["username"] = ["用户名：3–32 个字符，只能使用小写字母、数字和 _ . -"]
    if problems := name_errors(display, "姓名"):
        errors["display_name"] = problems
    if password and (problems := password_errors(ctx, password)):
        errors["password"] = problems
    return errors


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
    check_admin(ctx, username)
    name, display, wanted = new_username.strip(), display_name.strip(), unique(roles)
    errors = _typed_errors(ctx, name, display, password)
    generated = None if password else generate_password()
    password_hash = "" if errors else hash_password(password or generated or "")
    try:
        with ctx.db.write() as session:
            scope = admin_scope(session, username)
            unit = unit_field(session, scope, org_unit, "org_unit", "所属机构", errors)
            if problems := role_errors(wanted, unit):
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
                actor(scope),
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


def _sign_out_everywhere(session: Session, user: User, reason: str) -> dict[str, Any]:
    """Revoke the user's live API tokens and browser sessions; the audit details naming them."""
    now = utcnow()
    live = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
    ).all()
    for token in live:
        token.revoked_at = now
    return {
        "username": user.username,
        "org_unit": user.org_unit.code,
        "revoked_tokens": [token.id for token in live],
        "revoked_sessions": web_sessions.revoke_all(session, user.id, reason),
    }


def _release_claimed(
    session: Session, scope: AdminScope, user: User, reason: str, roles: Iterable[str] | None = None
) -> list[int]:
    """The user's claimed tasks (of `roles`, or all) back to 待办 of their unit, each with its event."""
    conditions = [HumanTask.assignee_id == user.id, HumanTask.state == "claimed"]
    if roles is not None:
        conditions.append(HumanTask.role.in_(sorted(roles)))
    claimed = session.scalars(select(HumanTask).where(*conditions).order_by(HumanTask.id)).all()
    for task in claimed:
        task.state, task.assignee_id = "open", None
        delegation.end_with_claim(session, task, scope.admin, "unclaimed")  # 委派 leaves with the holder
        audit.record_task(session, "task_unclaimed", actor(scope), task, reason=reason, assignee=user.username)
    return [task.id for task in claimed]


def deactivate_user(ctx: Context, username: str, target: str) -> Deactivation:
    """The user can no longer sign in (web or API); their tokens are revoked and claimed tasks released."""
    with ctx.db.write() as session:
        scope = admin_scope(session, username)
        user = managed_user(session, scope, target)
        if user.id == scope.admin.id:
            raise PermissionDenied("不能停用自己的账号")
        if not user.active:
            raise InvalidData(USER_INVALID, {"active": [f"账号状态：{target} 已是停用状态"]})
        user.active = False
        details = _sign_out_everywhere(session, user, "user_deactivated")
        details["released_tasks"] = _release_claimed(session, scope, user, "user_deactivated")
        audit.record(session, "admin.user_deactivated", actor(scope), details=details)
        return Deactivation(
            user.username,
            len(details["revoked_tokens"]),
            len(details["revoked_sessions"]),
            len(details["released_tasks"]),
        )


def reactivate_user(ctx: Context, username: str, target: str) -> None:
    with ctx.db.write() as session:
        scope = admin_scope(session, username)
        user = managed_user(session, scope, target)
        if user.active:
            raise InvalidData(USER_INVALID, {"active": [f"账号状态：{target} 已是启用状态"]})
        user.active = True
        audit.record(
            session,
            "admin.user_reactivated",
            actor(scope),
            details={"username": user.username, "org_unit": user.org_unit.code},
        )


def reset_password(ctx: Context, username: str, target: str) -> PasswordReset:
    """A random temporary password, returned once and stored hashed. The user's API tokens and browser
    sessions are revoked too: a reset usually means the old password may be known to someone else."""
    check_admin(ctx, username)
    password = generate_password()
    password_hash = hash_password(password)  # outside the write lock
    with ctx.db.write() as session:
        scope = admin_scope(session, username)
        user = managed_user(session, scope, target)
        user.password_hash = password_hash
        details = _sign_out_everywhere(session, user, "password_reset")
        audit.record(session, "admin.password_reset", actor(scope), details=details)
        return PasswordReset(user.username, password, len(details["revoked_tokens"]), len(details["revoked_sessions"]))


def set_roles(ctx: Context, username: str, target: str, roles: Sequence[str]) -> RolesChange:
    """Replace the user's roles. Claimed tasks of a role taken away go back to 待办."""
    wanted = unique(roles)
    with ctx.db.write() as session:
        scope = admin_scope(session, username)
        user = managed_user(session, scope, target)
        problems = role_errors(wanted, user.org_unit)
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
            actor(scope),
            details={
                "username": user.username,
                "org_unit": user.org_unit.code,
                "before": list(before),
                "after": list(wanted),
                "released_tasks": released,
            },
        )
        return RolesChange(user.username, before, wanted, len(released))
