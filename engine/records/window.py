"""What the one-window pieces (一门受理, 转介, 监测预警; docs/one-window.md) share when they write: the
region's parameters in force, working-day deadlines from them, registering a request (at the window, or by
a 特困 termination's transfer), and opening a referral, which both an intake's triage and a case's 专项救助
hand-over do."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from engine.clock import to_china, to_utc, utcnow
from engine.context import Context
from engine.domain.parameters import Parameters
from engine.errors import InvalidData
from engine.lookups import latest_definition
from engine.persistence import Case, OrgUnit, User
from engine.persistence.intake import IntakeRequest
from engine.persistence.referrals import Referral
from engine.records import audit

# The region's parameters are those of its deployed 低保 procedure: every region deploys it, and a region's
# parameters.toml is shared by all its processes.
PARAMETER_PROCESS = "dibao_application"
REFERRAL_DAYS = "referral_feedback_days"
DEPARTMENT_LEVEL = "department"


def parameters_in_force(ctx: Context, session: Session, region: str) -> Parameters:
    return ctx.process(latest_definition(session, PARAMETER_PROCESS, region)).parameters


def working_days_due(ctx: Context, session: Session, region: str, parameter: str, start: datetime) -> datetime:
    """The end of the working day `parameter` working days after `start` (UTC in, UTC out)."""
    days = parameters_in_force(ctx, session, region).value(parameter, to_china(start).date())
    return to_utc(ctx.calendar(region).due_at(to_china(start), int(days)))


def next_number(session: Session, column: InstrumentedAttribute[str], prefix: str, at: datetime) -> str:
    """`prefix`-year-sequence, counted per year (ZJ-2027-000001); the unique column settles a race."""
    stem = f"{prefix}-{to_china(at).year}-"
    used = session.scalar(select(func.count()).where(column.like(f"{stem}%"))) or 0
    return f"{stem}{used + 1:06d}"


def open_referral(
    ctx: Context,
    session: Session,
    user: User,
    department: OrgUnit,
    *,
    kind: str,
    reason: str,
    person_name: str,
    id_number: str | None = None,
    case: Case | None = None,
    source: str = "case",
) -> Referral:
    """A pending referral to `department` with its feedback deadline, recorded as `referral_opened`. The
    caller has checked the user may refer; this checks the receiving unit is a department of the county."""
    county = department.parent
    if department.level != DEPARTMENT_LEVEL or county is None:
        raise InvalidData("转介对象有误", fields={"department": [f"{department.name} 不是部门，不能接收转介"]})
    now = utcnow()
    referral = Referral(
        number=next_number(session, Referral.number, "ZJ", now),
        region=department.region,
        county_id=county.id,
        department_id=department.id,
        kind=kind,
        source=source,
        case_id=case.id if case is not None else None,
        person_name=person_name,
        id_number=id_number,
        reason=reason,
        referred_by_id=user.id,
        referred_at=now,
        due_at=working_days_due(ctx, session, department.region, REFERRAL_DAYS, now),
        status="pending",
    )
    session.add(referral)
    session.flush()
    audit.record(
        session,
        "referral_opened",
        audit.Actor.of(user),
        case_id=referral.case_id,
        details={
            "referral": referral.number,
            "department": department.code,
            "department_name": department.name,
            "kind": kind,
            "source": source,
        },
    )
    return referral


def register_request(
    ctx: Context, session: Session, *, region: str, channel: str, registered_by_id: int, **fields: Any
) -> IntakeRequest:
    """A new 一门受理 request (docs/intake.md), numbered, due in its channel's working days, added and flushed;
    `fields` are the request's own (county, township, person, need …)."""
    now = utcnow()
    request = IntakeRequest(
        number=next_number(session, IntakeRequest.number, "SL", now),
        region=region,
        channel=channel,
        registered_by_id=registered_by_id,
        registered_at=now,
        due_at=working_days_due(ctx, session, region, f"intake_deadline_days_{channel}", now),
        status="registered",
        **fields,
    )
    session.add(request)
    session.flush()
    return request
