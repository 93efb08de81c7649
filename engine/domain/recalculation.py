"""年度调标 (docs/annual-adjustment.md): what a new parameter version means for one enrolled household.

The household as last verified is assessed again under the new parameters on the effective month's first
day, exactly as an application or a re-check assesses it (engine.domain.assessment, then
engine.domain.benefit). Only the amount may change automatically: a household whose basis of cover would
change (whole household ↔ 单人户 ↔ none), whose 单人户 members would change, or whose new amount would be
zero "crosses the line" and is flagged for a re-check by people instead. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from engine.domain.assessment import assess
from engine.domain.benefit import benefit_proposal
from engine.domain.months import month_start as month_start  # rules.month_start for the service
from engine.domain.parameters import Parameters
from engine.errors import InvalidData

RAISE, REDUCE, UNCHANGED, FLAGGED, SKIPPED = "raise", "reduce", "unchanged", "flagged", "skipped"
CHANGES = (RAISE, REDUCE, UNCHANGED, FLAGGED, SKIPPED)
# The changes a run applies when approved (flagged households get a re-check date instead).
APPLIED = (RAISE, REDUCE)
BASIS_LABELS = {"household": "全户保障", "single_person": "单人户保障", "none": "不符合保障条件"}


@dataclass(frozen=True)
class Enrolled:
    """What an enrolment is now, as the classification needs it."""

    status: str  # active, gradual_exit, stopped
    amount: Decimal
    persons: int
    covered_members: Sequence[str]  # 单人户: the covered members' names; empty when the whole household is
    household: Mapping[str, Any] | None


@dataclass(frozen=True)
class Outcome:
    change: str  # one of CHANGES
    new_amount: Decimal | None
    new_persons: int | None
    reason: str | None  # Chinese, for flagged and skipped


def classify(enrolled: Enrolled, effective_month: date, parameters: Parameters, region: str) -> Outcome:
    """The outcome for one enrolment. ParameterProblem (a configuration error of the whole run) propagates;
    a household the assessment cannot read is flagged, since only a re-check can complete it."""
    if enrolled.status != "active":
        return Outcome(SKIPPED, None, None, _skip_reason(enrolled.status))
    if not enrolled.household:
        return Outcome(FLAGGED, None, None, "没有核实过的家庭数据，无法重新评估，需入户复核")
    try:
        assessment = assess(enrolled.household, month_start(effective_month), parameters, region)
    except InvalidData as exc:
        return Outcome(FLAGGED, None, None, f"家庭数据不完整，无法重新评估（{exc.message}），需入户复核")
    proposal = benefit_proposal(assessment, enrolled.household)
    new_amount = Decimal(str(proposal["amount"]))
    new_persons = int(proposal["persons"])
    basis_before = "single_person" if enrolled.covered_members else "household"
    basis_after = str(proposal["basis"])
    if basis_after != basis_before:
        reason = f"保障方式将由{BASIS_LABELS[basis_before]}变为{BASIS_LABELS.get(basis_after, basis_after)}，需复核"
        return Outcome(FLAGGED, new_amount, new_persons, reason)
    if new_amount <= 0:
        return Outcome(FLAGGED, new_amount, new_persons, "按新标准测算保障金额为 0，需复核")
    if basis_after == "single_person" and sorted(proposal["members"]) != sorted(enrolled.covered_members):
        names = "、".join(str(name) for name in proposal["members"])
        return Outcome(FLAGGED, new_amount, new_persons, f"单人户保障成员将变为 {names}，需复核")
    if new_amount == enrolled.amount:
        return Outcome(UNCHANGED, new_amount, new_persons, None)
    return Outcome(RAISE if new_amount > enrolled.amount else REDUCE, new_amount, new_persons, None)


def _skip_reason(status: str) -> str:
    if status == "gradual_exit":
        return "渐退期内，按渐退安排发放，不参与调标"
    return "已停发，不参与调标"


def budget(amounts: Sequence[Decimal]) -> Decimal:
    """A monthly total to the cent."""
    return sum(amounts, Decimal(0)).quantize(Decimal("0.01"))
