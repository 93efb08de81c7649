"""Personal data on case pages (docs/rules.md#privacy): ID numbers masked unless a role that needs them asks,
with a reason, and every such view logged as the audit event `pii_viewed`.

The household is shown as the case recorded it at registration (its start data), in a view that
never carries a clear ID number unless it came from `reveal_household`.
"""

from __future__ import annotations

from engine import policy
from engine.context import Context
from engine.errors import InvalidData, PermissionDenied
from engine.lookups import get_case, get_user
from engine.policy import check_may_see_case
from engine.queries.household import HouseholdView, household_view
from engine.records import audit

MAX_REASON = 500
REVEALED_FIELDS = ["household.members.id_number"]


def reveal_household(ctx: Context, number: str, username: str, reason: str) -> HouseholdView | None:
    """The household with full ID numbers, for a user whose role needs them and who gives a reason;
    the view is recorded as `pii_viewed` (case, fields, reason) in the same transaction."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        case = get_case(session, number)
        check_may_see_case(user, case)
        if not policy.may_reveal(user):
            raise PermissionDenied("您的角色无权查看完整身份证号（只能查看遮蔽后的号码）")
        text = reason.strip()
        if not text:
            raise InvalidData("查看完整身份证号须说明理由", {"reason": ["查看理由：必填"]})
        if len(text) > MAX_REASON:
            raise InvalidData("查看完整身份证号须说明理由", {"reason": [f"查看理由：不能超过 {MAX_REASON} 字"]})
        view = household_view(dict(case.data), reveal=True)
        audit.record(
            session,
            "pii_viewed",
            audit.Actor.of(user, min(user.roles & policy.REVEALING_ROLES)),
            case_id=case.id,
            details={
                "case_number": case.number,
                "fields": REVEALED_FIELDS,
                "members": len(view.members) if view else 0,
                "reason": text,
            },
        )
        return view
