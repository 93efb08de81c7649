"""What the admin commands share: the checks of typed input (names, roles, passwords), the generated
temporary password, and the actor their `admin.*` audit events name.

Each check returns the Chinese messages for one form field (empty when the input is fine), so a command
can collect every field's problems before raising one InvalidData.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence

from engine.context import Context
from engine.domain.roles import ROLE_LEVELS
from engine.domain.vocabulary import LEVEL_LABELS, ROLE_LABELS
from engine.persistence import OrgUnit
from engine.policy import ADMIN, AdminScope
from engine.queries.admin import level_label
from engine.records import audit
from engine.services.bootstrap import DEMO_PASSWORD

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
MAX_NAME_LENGTH = 100  # User.display_name / OrgUnit.name

# No 0/O or 1/l/I: a temporary password is read off a screen and typed in by somebody else.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - an alphabet, not a password


def actor(scope: AdminScope) -> audit.Actor:
    return audit.Actor.of(scope.admin, ADMIN)


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({v.strip() for v in values if v.strip()}))


def role_errors(roles: Sequence[str], unit: OrgUnit | None) -> list[str]:
    """A role fits the level of the user's unit (engine.domain.roles.ROLE_LEVELS)."""
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


def password_errors(ctx: Context, password: str) -> list[str]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"初始密码：至少 {MIN_PASSWORD_LENGTH} 个字符"]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [f"初始密码：不能超过 {MAX_PASSWORD_LENGTH} 个字符"]
    if not password.strip():
        return ["初始密码：不能全是空格"]
    if password == DEMO_PASSWORD and not ctx.settings.demo:
        return ["初始密码：不能使用公开的示范密码"]
    return []


def name_errors(value: str, label: str) -> list[str]:
    if not value:
        return [f"{label}：必填"]
    if len(value) > MAX_NAME_LENGTH:
        return [f"{label}：不能超过 {MAX_NAME_LENGTH} 个字"]
    return []


def generate_password() -> str:
    """16 characters in groups of four (about 93 random bits), easy to read out and type."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))
