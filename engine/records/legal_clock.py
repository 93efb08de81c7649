"""The legal clock of a case (docs/rules.md#legal-clock): 30 working days from 受理, extendable to
45 with a
recorded reason; a case past its limit is flagged (scenario 15: at working day 31 with no extension)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import to_china, utcnow
from engine.context import Context
from engine.domain.calendar import WorkingCalendar
from engine.domain.vocabulary import EXTENSION_GROUNDS
from engine.errors import Conflict, InvalidData
from engine.lookups import get_user
from engine.persistence import Case, ProcessInstance
from engine.records import audit
from engine.results import LegalClock


def legal_clock(case: Case, calendar: WorkingCalendar, now: datetime | None = None) -> LegalClock | None:
    if case.clock_started_at is None or case.clock_limit_days is None:
        return None
    started = to_china(case.clock_started_at).date()
    # A case ended without a decision (终止, engine.records.ending) stops its clock when it was closed.
    until = to_china(case.decided_at or case.closed_at or now or utcnow()).date()
    used = calendar.working_days_between(started, until)
    return LegalClock(
        started_on=started,
        limit_days=case.clock_limit_days,
        due_on=calendar.add_working_days(started, case.clock_limit_days),
        working_days_used=used,
        stopped=case.decided_at is not None or case.closed_at is not None,
        overdue=used > case.clock_limit_days,
        extension_reason=case.clock_extension_reason,
    )


def extend(ctx: Context, session: Session, case: Case, username: str, ground: str, reason: str) -> None:
    """Extend the limit to the region's maximum, once, with the ground and a written reason."""
    user = get_user(session, username)
    policy.check_may_extend(user, case)
    errors: dict[str, list[str]] = {}
    if ground not in EXTENSION_GROUNDS:
        errors["ground"] = ["延长事由：必须是 " + "、".join(EXTENSION_GROUNDS.values()) + " 之一"]
    if not reason.strip():
        errors["reason"] = ["延长说明：必填"]
    if errors:
        raise InvalidData("延长时限的信息有误", errors)
    if case.clock_started_at is None:
        raise Conflict("案件尚未受理，法定时限还没有开始计算")
    if case.decided_at is not None:
        raise Conflict("案件已作出决定，无需延长时限")
    if case.status in ("cancelled", "closed"):  # 终止 or ended otherwise: the clock has stopped
        raise Conflict("案件已终止或已办结，无需延长时限")
    if case.clock_extension_reason:
        raise Conflict("该案件的办理时限已延长过一次")
    instance = session.scalars(
        select(ProcessInstance).where(ProcessInstance.case_id == case.id).order_by(ProcessInstance.id.desc())
    ).first()
    if instance is None:
        raise Conflict("案件没有流程实例")
    today = to_china(utcnow()).date()
    extended = int(ctx.process(instance.definition).parameters.value("legal_limit_extended_days", today))
    before = case.clock_limit_days
    case.clock_limit_days = max(extended, before or 0)
    case.clock_extension_reason = f"{EXTENSION_GROUNDS[ground]}：{reason.strip()}"
    role = min(user.roles & policy.EXTENDING_ROLES)
    audit.record(
        session,
        "legal_clock_extended",
        audit.Actor.of(user, role),
        case_id=case.id,
        instance_id=instance.id,
        details={"from": before, "to": case.clock_limit_days, "reason": case.clock_extension_reason},
    )
