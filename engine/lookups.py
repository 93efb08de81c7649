"""Finding rows by the keys people type or the system keeps: a user by name, an org unit by code and its
ancestors, a case by number, the definition a new case of a process in a region runs on.

Each raises NotFound (with a Chinese message naming the key) rather than returning None, so callers
need no checks of their own; commands, read models and records all use them."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.persistence import Case, OrgUnit, ProcessDefinition, User
from engine.workflow.bundle import DEFAULT_REGION

# Hot statements are built once; a bind parameter carries the value (every service call loads its user).
_USER_BY_NAME = select(User).where(User.username == bindparam("username"))


def get_user(session: Session, username: str) -> User:
    user = session.scalars(_USER_BY_NAME, {"username": username}).unique().first()
    if user is None or not user.active:
        raise NotFound(f"用户 {username} 不存在或已停用")
    return user


def get_org_unit(session: Session, code: str) -> OrgUnit:
    unit = session.scalars(select(OrgUnit).where(OrgUnit.code == code)).first()
    if unit is None:
        raise NotFound(f"组织机构 {code} 不存在")
    return unit


def ancestor_at_level(unit: OrgUnit, level: str) -> OrgUnit | None:
    current: OrgUnit | None = unit
    while current is not None and current.level != level:
        current = current.parent
    return current


def get_case(session: Session, number: str) -> Case:
    case = session.scalars(select(Case).where(Case.number == number)).first()
    if case is None:
        raise NotFound(f"案件 {number} 不存在")
    return case


def latest_version_in(session: Session, process_id: str, region: str) -> ProcessDefinition | None:
    """The newest version deployed for exactly this region, if any."""
    return session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id, ProcessDefinition.region == region)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()


def latest_definition(session: Session, process_id: str, region: str) -> ProcessDefinition:
    """The newest version for the region, falling back to the default region's."""
    for candidate in (region, DEFAULT_REGION):
        definition = latest_version_in(session, process_id, candidate)
        if definition is not None:
            return definition
    raise NotFound(f"流程 {process_id} 尚未部署（地区 {region}）")


def find_user(session: Session, username: str) -> User | None:
    """The user whether active or not (users.get_user refuses inactive ones, which login must tell apart)."""
    return session.scalars(select(User).where(User.username == username)).unique().first()
