"""What a village decides for 受理登记 (docs/contracts.md `/cases/new`): who may register for it, its region
(the parameters a 试算 uses), the start form of a process there, and its public name (the 公示 board).

Scope follows cases.start_case: staff register cases for villages inside their own org unit. The page
is for the staff who take applications (docs/rules.md#intake); start_case itself still
checks scope
for every caller, so this module only keeps the page from offering what would be refused anyway.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from engine import policy
from engine.context import Context
from engine.domain.roles import Level
from engine.errors import InvalidData, NotFound, PermissionDenied
from engine.lookups import ancestor_at_level, find_user, get_user, latest_definition
from engine.persistence import OrgUnit, User, UserRole
from engine.results import OrgUnitRef, Person
from engine.workflow.catalog import START_FORM_SUFFIX


def registration_villages(ctx: Context, username: str) -> list[OrgUnitRef]:
    """The villages the user may register applications for; PermissionDenied for other roles."""
    with ctx.db.read() as session:
        roles = get_user(session, username).roles
    if not policy.may_register(roles):
        raise PermissionDenied(policy.NOT_REGISTRAR_MESSAGE)
    return villages_in_scope(ctx, username)


def region_of_village(ctx: Context, code: str, username: str) -> str:
    """The region whose processes and parameters apply in the village, for a user who may start cases there.

    NotFound for an unknown code, InvalidData (at `village`) for a unit that is not a village,
    PermissionDenied outside the user's own unit (the same rule as cases.start_case)."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        village = session.scalars(select(OrgUnit).where(OrgUnit.code == code)).first()
        if village is None:
            raise NotFound(f"村/社区 {code} 不存在")
        if village.level != Level.VILLAGE:
            raise InvalidData("村/社区有误", {"village": [f"户籍所在村/社区：{village.name} 不是村/社区"]})
        unit = ancestor_at_level(village, user.org_unit.level)
        if unit is None or unit.id != user.org_unit_id:
            raise PermissionDenied(f"无权为 {village.name} 登记案件")
        return village.region


def start_form(ctx: Context, process_id: str, region: str) -> dict[str, Any] | None:
    """The start form of the newest version deployed for the region (the one start_case validates
    against), or None when the process has none. NotFound when the process is not deployed."""
    with ctx.db.read() as session:
        definition = latest_definition(session, process_id, region)
        form = ctx.process(definition).forms.get(f"{process_id}{START_FORM_SUFFIX}")
        return dict(form.schema) if form is not None else None


def public_village(ctx: Context, code: str) -> OrgUnitRef:
    """A village's code and name for the public board; NotFound for anything that is not a village."""
    with ctx.db.read() as session:
        row = session.execute(
            select(OrgUnit.code, OrgUnit.name).where(OrgUnit.code == code, OrgUnit.level == Level.VILLAGE.value)
        ).first()
        if row is None:
            raise NotFound(f"村/社区 {code} 不存在")
        return OrgUnitRef(row.code, row.name)


def villages_in_scope(ctx: Context, username: str) -> list[OrgUnitRef]:
    """The villages inside the user's own org unit (itself, a township's or a county's), for filters."""
    with ctx.db.read() as session:
        user = find_user(session, username)
        return villages_of(session, user) if user is not None else []


def villages_of(session: Session, user: User) -> list[OrgUnitRef]:
    unit_id = user.org_unit_id
    town = aliased(OrgUnit)
    rows = session.execute(
        select(OrgUnit.code, OrgUnit.name)
        .outerjoin(town, town.id == OrgUnit.parent_id)
        .where(
            OrgUnit.level == Level.VILLAGE.value,
            or_(OrgUnit.id == unit_id, OrgUnit.parent_id == unit_id, town.parent_id == unit_id),
        )
        .order_by(OrgUnit.code)
    ).all()
    return [OrgUnitRef(code, name) for code, name in rows]


def colleagues(ctx: Context, username: str, role: str) -> list[Person]:
    """Other active users of the user's org unit holding `role`: the candidates of a 转办."""
    with ctx.db.read() as session:
        user = find_user(session, username)
        return colleagues_of(session, user, role) if user is not None else []


def colleagues_of(session: Session, user: User, role: str) -> list[Person]:
    rows = session.execute(
        select(User.username, User.display_name)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.org_unit_id == user.org_unit_id,
            User.active.is_(True),
            User.id != user.id,
            UserRole.role == role,
        )
        .order_by(User.username)
    ).all()
    return [Person(name, display) for name, display in rows]
