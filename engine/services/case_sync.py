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

from engine.clock import utcnow
from engine.domain.privacy import mask_name
from engine.persistence import Case, Enrollment, ProcessInstance
from engine.services import audit

OUTCOMES = {"approved", "rejected", "withdrawn", "not_accepted"}


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
    if outcome in OUTCOMES and case.outcome is None:
        case.outcome = str(outcome)
        case.decided_at = _moment(data.get("decided_at")) or utcnow()
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
    """An approved application enters the long-term 公布 list (domain.md §3) as an active enrollment.

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
    )
    session.add(enrollment)
    session.flush()
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
        },
    )


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
