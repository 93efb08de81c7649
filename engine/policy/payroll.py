"""Who may read, prepare and approve a county's 发放名册 (docs/payments.md#who-does-what).

The county's civil-affairs clerk prepares it (generates drafts, records adjustments), the county's approver
approves it (which locks the month), and the county's auditors and administrators read it. Everyone acts on
their own county only: a roster pays the county's households from the county's budget.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.domain.roles import Level, role_label
from engine.errors import InvalidData, PermissionDenied
from engine.persistence import OrgUnit, User

PREPARING_ROLES = frozenset({"county_clerk"})
APPROVING_ROLES = frozenset({"county_approver"})
READING_ROLES = PREPARING_ROLES | APPROVING_ROLES | frozenset({"auditor", "admin"})

ACTIONS = {"read": READING_ROLES, "prepare": PREPARING_ROLES, "approve": APPROVING_ROLES}
_WHAT = {"read": "查看发放名册", "prepare": "编制发放名册", "approve": "审批发放名册"}


def may_see_payroll(roles: Iterable[str]) -> bool:
    """Whether the 发放名册 link belongs in the user's navigation."""
    return bool(READING_ROLES & set(roles))


def may(user: User, action: str) -> bool:
    return bool(user.roles & ACTIONS[action]) and user.org_unit.level == Level.COUNTY.value


def check_county(unit: OrgUnit) -> None:
    if unit.level != Level.COUNTY.value:
        raise InvalidData("发放名册按县编制", {"county": [f"{unit.name} 不是县级单位"]})


def check_payroll(user: User, county: OrgUnit, action: str) -> str:
    """PermissionDenied unless the user holds a role for `action` ("read", "prepare", "approve") at this very
    county; the role it acts in (for the audit log)."""
    check_county(county)
    held = sorted(user.roles & ACTIONS[action])
    if not held:
        who = "或".join(sorted(role_label(r) for r in ACTIONS[action]))
        raise PermissionDenied(f"无权{_WHAT[action]}：需要{who}角色")
    if user.org_unit_id != county.id:
        raise PermissionDenied(f"无权{_WHAT[action]}：{county.name} 不是您所在的县（{user.org_unit.name}）")
    return held[0]
