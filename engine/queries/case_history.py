"""A case's history: its audit events, oldest first, for whoever may see the case (policy.check_may_see_case:
staff of its village, township or county). The JSON API's `GET /api/v1/cases/<number>/history`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.context import Context
from engine.lookups import get_case, get_user
from engine.persistence import AuditEvent
from engine.policy import check_may_see_case

# Audit details a case's history leaves out: the keyed hash of an objector's address would let staff tell
# which objections to which cases came from the same sender; the rate limit needs it, readers do not.
_PRIVATE_DETAILS = frozenset({"client"})


@dataclass(frozen=True)
class HistoryEvent:
    seq: int
    occurred_at: datetime
    action: str
    actor: str | None
    actor_role: str | None
    actor_org: str | None
    task_id: int | None
    details: dict[str, Any]


def case_history(ctx: Context, number: str, username: str) -> list[HistoryEvent]:
    """The audit events of a case, oldest first, for whoever may see the case (case_view.show_case's rule)."""
    with ctx.db.read() as session:
        case = get_case(session, number)
        check_may_see_case(get_user(session, username), case)
        rows = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq))
        return [
            HistoryEvent(
                e.seq,
                e.occurred_at,
                e.action,
                e.actor_name,
                e.actor_role,
                e.actor_org,
                e.task_id,
                {k: v for k, v in (e.details or {}).items() if k not in _PRIVATE_DETAILS},
            )
            for e in rows
        ]
