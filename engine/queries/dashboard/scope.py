"""Which townships, villages and cases one dashboard user's figures cover, optionally narrowed to a region.

Every figure module filters by this and lists its rows by the same townships (zeros too), so the scope
is computed once per dashboard and lives apart from what is counted in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from engine.domain.roles import Level
from engine.errors import InvalidData
from engine.persistence import Case, OrgUnit, User

OTHER = "（其他）"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str


@dataclass
class Scope:
    unit: OrgUnit
    townships: dict[int, Unit]
    villages: dict[int, Unit]
    regions: list[str]  # all regions of the unit's villages (the filter's choices)
    region: str | None  # the one chosen, if any
    county_id: int | None  # the county every case of the scope belongs to
    narrower: list[ColumnElement[bool]]  # further conditions on cases (township, region)

    @property
    def cases(self) -> list[ColumnElement[bool]]:
        county = [Case.county_id == self.county_id] if self.county_id is not None else []
        return county + self.narrower

    @property
    def village_ids(self) -> list[int]:
        return sorted(self.villages)


def scope_of(session: Session, user: User, region: str | None) -> Scope:
    """The townships and villages below the user's unit (optionally of one region), and the matching
    conditions on cases. A township's cases also carry its county's id (set at registration from the
    village's ancestors), which lets township and county views use the same indexes, led by `county_id`."""
    unit = user.org_unit
    narrower: list[ColumnElement[bool]] = []
    if unit.level == Level.COUNTY.value:
        towns = list(
            session.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id, OrgUnit.level == Level.TOWNSHIP.value))
        )
        county_id: int | None = unit.id
    else:
        towns = [unit]
        narrower.append(Case.township_id == unit.id)
        parent = unit.parent
        county_id = parent.id if parent is not None and parent.level == Level.COUNTY.value else None
    villages = list(
        session.scalars(select(OrgUnit).where(OrgUnit.parent_id.in_([t.id for t in towns])).order_by(OrgUnit.code))
    )
    regions = sorted({v.region for v in villages} | {unit.region})
    if region is not None:
        if region not in regions:
            raise InvalidData("查询条件有误", {"region": [f"地区：{region} 不在您的管辖范围内"]})
        villages = [v for v in villages if v.region == region]
        towns = [t for t in towns if t.region == region or any(v.parent_id == t.id for v in villages)]
        narrower.append(Case.region == region)
    return Scope(
        unit,
        {t.id: Unit(t.code, t.name) for t in sorted(towns, key=lambda t: t.id)},
        {v.id: Unit(v.code, v.name) for v in villages},
        regions,
        region,
        county_id,
        narrower,
    )


def township_keys(scope: Scope, seen: Iterable[int | None]) -> list[tuple[int | None, Unit]]:
    """Every township of the scope (zero rows too, so charts compare like with like), then any other
    township id the cases named (a case moved between units keeps its registration township)."""
    keys: list[tuple[int | None, Unit]] = list(scope.townships.items())
    strays = sorted({t for t in seen if t not in scope.townships}, key=lambda t: (t is None, t or 0))
    keys += [(t, Unit("", OTHER)) for t in strays]
    return keys
