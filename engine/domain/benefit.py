"""What an assessment means for a 低保 case: who would be covered and for how much, and from when.

The assessment (engine.domain.assessment) says whether the household qualifies; this turns it into
the proposal that 初审, 公示 and 审核确认 work with, so the BPMN only routes on its result.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any


def benefit_proposal(assessment: Mapping[str, Any], household: Mapping[str, Any]) -> dict[str, Any]:
    """The proposal for a case: the whole household when eligible, else its 单人户 members alone.

    `basis` is "household", "single_person" or "none"; `persons` is how many people the benefit
    covers (the count the 公示 shows); `amount` is the monthly total as a two-decimal string.
    """
    members = [m for m in assessment.get("single_person_members") or [] if isinstance(m, Mapping)]
    if assessment.get("eligible"):
        return {
            "basis": "household",
            "amount": _money(Decimal(str(assessment["benefit_amount"]))),
            "persons": len(household.get("members") or []),
            "members": [],
        }
    if members:
        total = sum((Decimal(str(m["benefit_amount"])) for m in members), Decimal(0))
        return {
            "basis": "single_person",
            "amount": _money(total),
            "persons": len(members),
            "members": [str(m["name"]) for m in members],
        }
    return {"basis": "none", "amount": "0.00", "persons": 0, "members": []}


def first_of_next_month(day: date) -> date:
    """Benefit is paid from the month after the decision (审确 Art. 21)."""
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def review_finding(current_amount: str, proposal: Mapping[str, Any]) -> dict[str, Any]:
    """What a re-check found against the amount paid now: no change, a raise or a reduction."""
    current = Decimal(str(current_amount))
    new = Decimal(str(proposal.get("amount") or "0"))
    change = "no_change" if new == current else "raise" if new > current else "reduce"
    return {"change": change, "previous_amount": _money(current), "new_amount": _money(new)}
