"""Reflect what the process recorded onto the case row, so pages and reports never restore workflows.

The processes write a few well-known data keys (processes/README.md "Data the system reads"):
`accepted_at` and `legal_limit_days` start the legal clock, `assessment` is the latest household
assessment, `outcome`, `decided_at` and `decided_amount` are the decision, and `proposal` says who
an approval covers. An approved case gets its Enrollment when the process completes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import china_today, utcnow
from engine.domain.privacy import mask_name
from engine.persistence import Case, Enrollment, ProcessInstance
from engine.records import audit
from engine.records.amounts import change_takes_effect, record_amount

# Applications end approved / rejected / withdrawn / not_accepted; re-checks and exits end with what
# they did to the enrollment.
OUTCOMES = {
    "approved",
    "rejected",
    "withdrawn",
    "not_accepted",
    "no_change",
    "raise",
    "reduce",
    "gradual_exit",
    "stop",
}


def sync_case(
    session: Session, case: Case, instance: ProcessInstance, data: dict[str, Any], actor: audit.Actor
) -> None:
    if case.clock_started_at is None and (accepted := _moment(data.get("accepted_at"))) is not None:
        case.clock_started_at = accepted
        if isinstance(limit := data.get("legal_limit_days"), int):
            case.clock_limit_days = limit
        audit.record(
            session,
            "legal_clock_started",
            actor,
            case_id=case.id,
            instance_id=instance.id,
            details={"started_at": accepted.isoformat(), "limit_working_days": case.clock_limit_days},
        )
    assessment = data.get("assessment")
    if isinstance(assessment, dict) and assessment != case.assessment:
        case.assessment = assessment
    outcome = data.get("outcome")
    decided_at = _moment(data.get("decided_at"))
    # A re-check may decide twice (渐退 first, the stop when the period ends): each decision counts.
    if outcome in OUTCOMES and (case.outcome != outcome or (decided_at and case.decided_at != decided_at)):
        case.outcome = str(outcome)
        case.decided_at = decided_at or utcnow()
        case.decided_amount = _money(data.get("decided_amount"))
        audit.record(
            session,
            "case_decided",
            actor,
            case_id=case.id,
            instance_id=instance.id,
            details={"outcome": case.outcome, "decided_amount": _text(case.decided_amount)},
        )


def enroll_if_approved(
    session: Session, case: Case, instance: ProcessInstance, data: dict[str, Any], actor: audit.Actor
) -> None:
    """An approved application enters the long-term 公布 list (docs/rules.md#public-notice) as an active enrollment.

    Only processes that grant a monthly benefit set `benefit_start`; a one-off grant (临时救助) does not."""
    if case.outcome != "approved" or data.get("outcome") != "approved" or not data.get("benefit_start"):
        return
    if session.scalars(select(Enrollment.id).where(Enrollment.case_id == case.id)).first() is not None:
        return
    raw = data.get("proposal")
    proposal: dict[str, Any] = raw if isinstance(raw, dict) else {}
    starts_on = date.fromisoformat(str(data["benefit_start"]))
    members = [str(m) for m in proposal.get("members") or []]
    enrollment = Enrollment(
        case_id=case.id,
        village_id=case.village_id,
        region=case.region,
        applicant_name=case.applicant_name or "",
        masked_name=mask_name(case.applicant_name or ""),
        persons=int(proposal.get("persons") or 0),
        covered_members="、".join(members) or None,
        monthly_amount=case.decided_amount or Decimal(0),
        starts_on=starts_on,
        status="active",
        created_at=utcnow(),
        household=data.get("household") if isinstance(data.get("household"), dict) else None,
        next_review_on=_day(data.get("next_review_on")),
        # 特困 (docs/tekun.md) says so and brings its care tier, support mode and carer; 低保 says nothing.
        programme=str(data.get("programme") or "dibao"),
        support=data.get("support") if isinstance(data.get("support"), dict) else None,
    )
    session.add(enrollment)
    session.flush()
    record_amount(session, enrollment, starts_on, enrollment.monthly_amount, "approval", case.number)
    audit.record(
        session,
        "enrollment_created",
        actor,
        case_id=case.id,
        instance_id=instance.id,
        details={
            "enrollment_id": enrollment.id,
            "monthly_amount": _text(enrollment.monthly_amount),
            "persons": enrollment.persons,
            "starts_on": starts_on.isoformat(),
            "covered_members": members,
            "programme": enrollment.programme,
        },
    )


def apply_enrollment_change(
    session: Session, case: Case, instance: ProcessInstance, data: dict[str, Any], actor: audit.Actor
) -> None:
    """A re-check or an exit changes the enrollment of the case it relates to, once per change key."""
    change = data.get("enrollment_change")
    if not isinstance(change, dict) or case.related_case_id is None:
        return
    enrollment = session.scalars(select(Enrollment).where(Enrollment.case_id == case.related_case_id)).first()
    key = f"{case.number}:{change.get('key')}"
    if enrollment is None or enrollment.last_change == key:
        return
    before = {
        "status": enrollment.status,
        "monthly_amount": _text(enrollment.monthly_amount),
        "ends_on": enrollment.ends_on.isoformat() if enrollment.ends_on else None,
    }
    enrollment.last_change = key
    if change.get("status") in ("active", "gradual_exit", "stopped"):
        enrollment.status = str(change["status"])
    amount = _money(change.get("monthly_amount"))
    if isinstance(change.get("persons"), int) and change["persons"] > 0:
        enrollment.persons = change["persons"]
    if amount is not None and amount != enrollment.monthly_amount:
        enrollment.monthly_amount = amount
        # Paid from the month after the decision (engine.persistence.amounts), as an approval is.
        record_amount(session, enrollment, change_takes_effect(china_today()), amount, "review", case.number)
    enrollment.ends_on = _day(change.get("ends_on")) if enrollment.status != "active" else None
    if isinstance(change.get("household"), dict):
        enrollment.household = change["household"]
    if isinstance(change.get("support"), dict):
        enrollment.support = change["support"]  # a 特困 care tier re-assessed, a carer changed
    # Re-checked: the next one is scheduled by the process; an exit or a stop has none.
    enrollment.next_review_on = _day(change.get("next_review_on")) if enrollment.status == "active" else None
    after = {
        "status": enrollment.status,
        "monthly_amount": _text(enrollment.monthly_amount),
        "ends_on": enrollment.ends_on.isoformat() if enrollment.ends_on else None,
    }
    audit.record(
        session,
        "enrollment_changed",
        actor,
        case_id=case.related_case_id,
        instance_id=instance.id,
        details={"by_case": case.number, "change": change.get("key"), "before": before, "after": after},
    )


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _money(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None
    except InvalidOperation:
        return None


def _text(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None
