"""Signing in: password check, demo-password and inactive-user refusal, throttling, audit events.

Throttling is counted from the audit log itself (no extra table): MAX_FAILURES `login_failed` events
for one username within WINDOW, with no successful `login` after them, refuse further attempts for
that username until the oldest of them leaves the window. Refused attempts are recorded as
`login_throttled` and do not extend the lock. Works across processes because the log is shared.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.context import Context
from engine.errors import DibaoError, InvalidData
from engine.lookups import find_user
from engine.persistence import AuditEvent, User
from engine.records import audit
from engine.results import SignedInUser
from engine.services.bootstrap import DEMO_PASSWORD
from engine.services.users import hash_password, verify_password

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
_NAME_LIMIT = 64  # AuditEvent.actor_name / User.username

FAILED_MESSAGE = "用户名或密码错误"
THROTTLED_MESSAGE = f"登录失败次数过多，该账号已暂停登录，请 {WINDOW.seconds // 60} 分钟后再试"
DEMO_MESSAGE = "示范密码只能在演示模式下使用，请使用正式密码登录"
INACTIVE_MESSAGE = "该账号已停用，请联系系统管理员"


class LoginRefused(DibaoError):
    """Wrong user name or password, a demo password outside demo mode, or an inactive account."""

    code = "login_failed"


class LoginThrottled(LoginRefused):
    code = "login_throttled"


def as_signed_in(user: User) -> SignedInUser:
    """The service's view of a user row, as sessions and tokens hand it to the web layer."""
    unit = user.org_unit
    return SignedInUser(user.username, user.display_name, tuple(sorted(user.roles)), unit.code, unit.name, unit.level)


@functools.cache
def _dummy_hash() -> str:
    # Unknown users cost one verification too, so response time does not tell which names exist.
    return hash_password("dibao-no-such-user")


def recent_failures(session: Session, username: str) -> int:
    """`login_failed` events for the name within WINDOW since its last successful login (at most MAX_FAILURES)."""
    actions = session.scalars(
        select(AuditEvent.action)
        .where(
            AuditEvent.action.in_(("login", "login_failed")),
            AuditEvent.actor_name == username,
            AuditEvent.occurred_at >= utcnow() - WINDOW,
        )
        .order_by(AuditEvent.seq.desc())
        .limit(MAX_FAILURES)
    )
    failures = 0
    for action in actions:
        if action == "login":
            break
        failures += 1
    return failures


def authenticate(ctx: Context, username: str, password: str, remote_addr: str | None) -> SignedInUser:
    """The signed-in user, or LoginRefused / LoginThrottled; every attempt leaves an audit event."""
    name = username.strip()[:_NAME_LIMIT]
    if not name or not password:
        raise InvalidData(
            "请输入用户名和密码",
            {key: ["必填"] for key, value in (("username", name), ("password", password)) if not value},
        )
    details = {"username": name, "remote_addr": remote_addr}
    with ctx.db.read() as session:
        throttled = recent_failures(session, name) >= MAX_FAILURES
        user = None if throttled else find_user(session, name)
        found = (user.password_hash, user.active, as_signed_in(user), user.id) if user is not None else None
    if throttled:
        _record(ctx, "login_throttled", audit.Actor(None, name), details)
        raise LoginThrottled(THROTTLED_MESSAGE)
    # The demo password is public (docs/contracts.md#demo-data): refused outside demo mode whatever the stored hash
    # says.
    if password == DEMO_PASSWORD and not ctx.settings.demo:
        _record(ctx, "login_failed", audit.Actor(None, name), {**details, "reason": "demo_password"})
        raise LoginRefused(DEMO_MESSAGE)
    matches = verify_password(found[0] if found else _dummy_hash(), password)
    if found is None or not matches:
        reason = "unknown_user" if found is None else "wrong_password"
        _record(ctx, "login_failed", audit.Actor(None, name), {**details, "reason": reason})
        raise LoginRefused(FAILED_MESSAGE)
    _hash, active, signed_in, user_id = found
    actor = audit.Actor(user_id, signed_in.username, None, signed_in.org_unit_code)
    if not active:
        _record(ctx, "login_failed", actor, {**details, "reason": "inactive"})
        raise LoginRefused(INACTIVE_MESSAGE)
    _record(ctx, "login", actor, details)
    return signed_in


def _record(ctx: Context, action: str, actor: audit.Actor, details: Mapping[str, object]) -> None:
    # Its own short transaction: the password check (argon2, tens of ms) never holds the write lock.
    with ctx.db.write() as session:
        audit.record(session, action, actor, details=dict(details))


def load_user(ctx: Context, username: str) -> SignedInUser | None:
    """The user by name, or None once the account is gone or inactive (an API token's user: tokens.py)."""
    with ctx.db.read() as session:
        user = find_user(session, username)
        return as_signed_in(user) if user is not None and user.active else None
