"""Users, org units and passwords (argon2id)."""

from __future__ import annotations

import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import CHEAPEST, RFC_9106_LOW_MEMORY
from sqlalchemy.orm import Session

from engine.domain.roles import Level
from engine.domain.vocabulary import ROLE_LABELS
from engine.errors import InvalidData
from engine.persistence import OrgUnit, User, UserRole

# The cheapest profile exists for test suites that create hundreds of users; never for deployments.
_HASHER = PasswordHasher.from_parameters(
    CHEAPEST if os.environ.get("DIBAO_FAST_PASSWORD_HASH") == "1" else RFC_9106_LOW_MEMORY
)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def add_org_unit(
    session: Session, code: str, name: str, level: Level, parent: OrgUnit | None, region: str | None = None
) -> OrgUnit:
    if parent is None and region is None:
        raise InvalidData("顶级机构必须指定所属地区", {"region": ["必填"]})
    unit = OrgUnit(
        code=code, name=name, level=level.value, parent=parent, region=region or (parent.region if parent else "")
    )
    session.add(unit)
    session.flush()
    return unit


def add_user(
    session: Session, username: str, display_name: str, password: str, org_unit: OrgUnit, roles: list[str]
) -> User:
    unknown = [r for r in roles if r not in ROLE_LABELS]
    if unknown:
        raise InvalidData("角色无效", {"roles": [f"未知角色：{r}" for r in unknown]})
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        org_unit=org_unit,
        role_rows=[UserRole(role=r) for r in roles],
    )
    session.add(user)
    session.flush()
    return user
