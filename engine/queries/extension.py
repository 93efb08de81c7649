"""Whether the case page offers 延长办理期限 (issue 14, docs/starting-cases.md).

The form shows only where engine.records.legal_clock.extend would accept it: the user may extend the
case (policy.may_extend), its clock has started, no decision is made yet, it was not ended (终止) and it
was not extended before.
"""

from __future__ import annotations

from engine import policy
from engine.context import Context
from engine.domain.vocabulary import EXTENSION_GROUNDS
from engine.lookups import find_user, get_case


def extension_grounds(ctx: Context, number: str, username: str) -> dict[str, str]:
    """The grounds to choose from (code → Chinese label), or {} when the form is not offered."""
    with ctx.db.read() as session:
        user = find_user(session, username)
        case = get_case(session, number)
        if user is None or not policy.may_extend(user, case):
            return {}
        if case.clock_started_at is None or case.decided_at is not None or case.clock_extension_reason:
            return {}
        if case.status in ("cancelled", "closed"):
            return {}
        return dict(EXTENSION_GROUNDS)
