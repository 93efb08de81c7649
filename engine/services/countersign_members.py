"""Start-data enrichment "committee_members": who signs a 一事一议 (docs/countersign.md).

The 会签 of a large 临时救助 has one task per member of the county's 困难群众基本生活保障协调机制. A
BPMN script cannot ask the database who they are, so the start form names this enrichment and the
members (every active holder of the coordination_committee role in the case's county, by username)
travel with the case. They are fixed when the case is registered: a committee that changes while a
case is under way does not change who was asked to sign it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.roles import Level
from engine.lookups import ancestor_at_level, get_org_unit
from engine.persistence import User, UserRole

COMMITTEE_ROLE = "coordination_committee"


def committee_members(session: Session, process_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """`committee_members`: [{"username", "name"}] of the case's county committee, by username."""
    village = get_org_unit(session, str(data.get("village") or ""))
    county = ancestor_at_level(village, Level.COUNTY)
    if county is None:
        return {"committee_members": []}
    users = session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == COMMITTEE_ROLE, User.org_unit_id == county.id, User.active.is_(True))
        .order_by(User.username)
    ).unique()
    return {"committee_members": [{"username": u.username, "name": u.display_name} for u in users]}
