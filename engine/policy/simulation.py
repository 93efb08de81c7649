"""Who may run a what-if simulation, and over what (docs/policy-simulation.md). Part of engine.policy,
which re-exports these.

A designer simulates their own region (every county of it) and may use the region's drafts; a county
civil-affairs clerk or approver simulates their own county of their region with typed values only (drafts
are the designer's work in progress). Nobody sees another's region, nor a county user another county's runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.domain.roles import Level, role_label
from engine.errors import PermissionDenied
from engine.persistence import User
from engine.workflow.bundle import DEFAULT_REGION

SIMULATION_COUNTY_ROLES = frozenset({"county_clerk", "county_approver"})
_DESIGNER = "designer"
_WHO = f"{role_label(_DESIGNER)}或{'、'.join(sorted(role_label(r) for r in SIMULATION_COUNTY_ROLES))}"


@dataclass(frozen=True)
class SimulationScope:
    user: User | None  # None: the command line's operator (engine.services.simulation.operator_scope)
    region: str
    county_id: int | None  # None: the whole region (a designer)
    scope_name: str  # 全地区 / the county's name
    role: str  # the role the user simulates with (the audit actor's)

    @property
    def may_use_drafts(self) -> bool:
        return self.county_id is None


def may_simulate(roles: Iterable[str], level: str) -> bool:
    """Whether the 政策模拟测算 link belongs in the pages of a user with these roles at a unit of this level."""
    held = set(roles)
    return _DESIGNER in held or (bool(held & SIMULATION_COUNTY_ROLES) and level == Level.COUNTY.value)


def simulation_scope(user: User, region: str | None = None) -> SimulationScope:
    """The region (and county) the user simulates; PermissionDenied for anyone else or another region."""
    own = user.org_unit.region or DEFAULT_REGION
    if not may_simulate(user.roles, user.org_unit.level):
        raise PermissionDenied(f"无权进行政策模拟测算：需要{_WHO}角色（县级）")
    if region is not None and region != own:
        raise PermissionDenied(f"无权对地区 {region} 进行模拟测算：只能测算本地区（{own}）")
    if _DESIGNER in user.roles:
        return SimulationScope(user, own, None, "全地区", _DESIGNER)
    role = min(user.roles & SIMULATION_COUNTY_ROLES)
    return SimulationScope(user, own, user.org_unit_id, user.org_unit.name, role)


def check_may_see_simulation(scope: SimulationScope, region: str, county_id: int | None) -> None:
    """A run of the user's region, and for a county user one of their own county."""
    if region != scope.region or (scope.county_id is not None and county_id != scope.county_id):
        raise PermissionDenied("无权查看这次模拟测算：它不属于您的地区或县")
