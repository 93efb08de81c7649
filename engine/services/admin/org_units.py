"""Managing the org units of the administrator's scope: add a township under a county or a village under
a township, rename a unit. One audited transaction each (`admin.org_unit_created`, `admin.org_unit_renamed`).

A new unit takes its parent's region and the level below the parent's; a taken code is InvalidData at
the code field, never an IntegrityError.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.context import Context
from engine.domain.roles import Level
from engine.domain.vocabulary import LEVEL_LABELS
from engine.errors import InvalidData
from engine.persistence import OrgUnit
from engine.policy import AdminScope, admin_scope
from engine.queries.admin import OrgUnitNode, level_below, level_label, managed_unit, unit_field, unit_node
from engine.records import audit
from engine.services.admin.common import actor, name_errors
from engine.services.users import add_org_unit

UNIT_INVALID = "机构信息有误"

_ORG_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{1,63}")


def _new_unit_errors(
    session: Session, scope: AdminScope, code: str, name: str, level: str, parent: str
) -> tuple[dict[str, list[str]], OrgUnit | None, Level | None]:
    """The problems of each field of a new unit, with its parent and level when those are fine."""
    errors: dict[str, list[str]] = {}
    if not _ORG_CODE.fullmatch(code):
        errors["code"] = ["机构代码：2–64 个字符，只能使用小写字母、数字、- 和 _，以字母或数字开头"]
    elif session.scalar(select(OrgUnit.id).where(OrgUnit.code == code)) is not None:
        errors["code"] = [f"机构代码：{code} 已存在"]
    if problems := name_errors(name, "机构名称"):
        errors["name"] = problems
    above = unit_field(session, scope, parent, "parent", "上级机构", errors)
    expected = level_below(above.level) if above is not None else None
    if above is not None and above.level == Level.COUNTY.value and level == Level.DEPARTMENT.value:
        expected = Level.DEPARTMENT  # a county's 部门 (docs/referrals.md), beside its townships
    if above is not None and expected is None:
        errors["parent"] = [f"上级机构：{above.name}是{level_label(above.level)}，不能再设下级机构"]
    elif above is not None and expected is not None and level and level != expected.value:
        errors["level"] = [f"机构层级：{above.name}的下级机构应为{LEVEL_LABELS[expected]}"]
    return errors, above, expected


def create_org_unit(ctx: Context, username: str, *, code: str, name: str, level: str, parent: str) -> OrgUnitNode:
    """A township or a department under a county, or a village under a township of the scope; its region is
    the parent's.
    An empty `level` means the one below the parent's."""
    code, name, level = code.strip(), name.strip(), level.strip()
    try:
        with ctx.db.write() as session:
            scope = admin_scope(session, username)
            errors, above, expected = _new_unit_errors(session, scope, code, name, level, parent)
            if errors or above is None or expected is None:
                raise InvalidData(UNIT_INVALID, errors)
            unit = add_org_unit(session, code, name, expected, above)
            audit.record(
                session,
                "admin.org_unit_created",
                actor(scope),
                details={"code": code, "name": name, "level": unit.level, "parent": above.code, "region": unit.region},
            )
            return unit_node(unit, 0, above.code, 0)
    except IntegrityError:  # the same code created by someone else between the check and the insert
        raise InvalidData(UNIT_INVALID, {"code": [f"机构代码：{code} 已存在"]}) from None


def rename_org_unit(ctx: Context, username: str, code: str, name: str) -> None:
    new_name = name.strip()
    with ctx.db.write() as session:
        scope = admin_scope(session, username)
        unit = managed_unit(session, scope, code)
        if problems := name_errors(new_name, "机构名称"):
            raise InvalidData(UNIT_INVALID, {"name": problems})
        if unit.name == new_name:
            return
        before, unit.name = unit.name, new_name
        audit.record(
            session,
            "admin.org_unit_renamed",
            actor(scope),
            details={"code": unit.code, "before": before, "after": new_name},
        )
