"""What-if simulation of a parameter set (docs/policy-simulation.md): every household re-assessed under
the parameters in force and under the proposed ones, on the same day, and what changes.

Pure: rows in, outcomes and totals out. Both assessments go through the assessment's own code
(engine.domain.assessment.assess_parsed and engine.domain.benefit.benefit_proposal), so a household's
amounts are exactly what `assess` would give; only the speed-ups differ: each household is parsed once
for both parameter sets, the rules are read once per parameter set, and no explanation lines are kept.

Comparing the two re-assessments (not the new one with the amount paid today) isolates the effect of
the parameters: a household whose circumstances changed since its last check is not counted as
"changed by the policy". The amount paid today is carried along for the reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from engine.domain.assessment import Rules, assess_parsed, parse_household
from engine.domain.benefit import benefit_proposal
from engine.errors import InvalidData

OUTCOMES = ("newly_eligible", "newly_ineligible", "changed", "unchanged", "unreadable")
AFFECTING = ("newly_eligible", "newly_ineligible", "changed")
SOURCES = ("enrollment", "case")  # 在保家庭 / 近 12 个月已决定的申请
_ZERO = Decimal("0.00")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Row:
    """One household to re-assess: an active enrolment, or a recently decided application."""

    key: str  # "enrollment:12" / "case:7", unique within a run
    source: str  # one of SOURCES
    masked_name: str
    township: str
    household: Mapping[str, Any] | None
    current_amount: Decimal  # paid now (an enrolment) or decided (an application); 0 when rejected


@dataclass(frozen=True)
class Outcome:
    key: str
    source: str
    masked_name: str
    township: str
    category: str  # under the parameters in force ("dibao", "marginal", "none"; "" when unreadable)
    new_category: str
    current_amount: Decimal
    old_amount: Decimal  # re-assessed under the parameters in force
    new_amount: Decimal  # re-assessed under the proposed parameters
    outcome: str  # one of OUTCOMES

    @property
    def change(self) -> Decimal:
        return self.new_amount - self.old_amount


@dataclass
class Group:
    """Totals of one township or category: households affected, and the monthly amounts before and after."""

    name: str
    households: int = 0
    affected: int = 0
    old_monthly: Decimal = _ZERO
    new_monthly: Decimal = _ZERO

    @property
    def monthly_difference(self) -> Decimal:
        return self.new_monthly - self.old_monthly

    @property
    def yearly_difference(self) -> Decimal:
        return self.monthly_difference * 12

    def add(self, outcome: Outcome) -> None:
        self.households += 1
        self.affected += outcome.outcome in AFFECTING
        self.old_monthly += outcome.old_amount
        self.new_monthly += outcome.new_amount


@dataclass
class Totals:
    """The whole run: counts by outcome, the budget before and after, by township and by category."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    overall: Group = field(default_factory=lambda: Group("合计"))
    by_township: dict[str, Group] = field(default_factory=dict)
    by_category: dict[str, Group] = field(default_factory=dict)
    by_source: dict[str, Group] = field(default_factory=dict)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.outcome] += 1
        if outcome.outcome == "unreadable":
            return
        self.overall.add(outcome)
        for table, name in (
            (self.by_township, outcome.township),
            (self.by_category, outcome.category),
            (self.by_source, outcome.source),
        ):
            table.setdefault(name, Group(name)).add(outcome)


class Assessor:
    """Assesses parsed households under one parameter set; its rules are read once per day and registered
    type need (read_rules reads every parameter for a day, the costly part of a single assessment)."""

    def __init__(self, rules: Rules, as_of: date, region: str) -> None:
        self.rules, self.as_of, self.region = rules, as_of, region

    def amount(self, parsed: Any, household: Mapping[str, Any]) -> tuple[str, Decimal]:
        """(category, monthly amount the household would be granted): benefit_proposal's amount of the
        assessment, i.e. the whole household's 补差 when eligible, else its 单人户 members' total."""
        result = assess_parsed(parsed, self.as_of, self.rules, self.region, explain=False)
        proposal = benefit_proposal(result, household)
        return str(result["category"]), Decimal(proposal["amount"]) if proposal["basis"] != "none" else _ZERO


def outcome_of(row: Row, old: Assessor, new: Assessor) -> Outcome:
    """One household re-assessed twice; "unreadable" when its stored household is not a valid household."""
    household = row.household
    try:
        if not isinstance(household, Mapping):
            raise InvalidData("没有可用的家庭信息")
        parsed = parse_household(household)
    except InvalidData:
        return Outcome(
            row.key, row.source, row.masked_name, row.township, "", "", row.current_amount, _ZERO, _ZERO, "unreadable"
        )
    category, before = old.amount(parsed, household)
    new_category, after = new.amount(parsed, household)
    if before == 0 and after > 0:
        kind = "newly_eligible"
    elif before > 0 and after == 0:
        kind = "newly_ineligible"
    else:
        kind = "unchanged" if before == after else "changed"
    return Outcome(
        row.key,
        row.source,
        row.masked_name,
        row.township,
        category,
        new_category,
        row.current_amount,
        before,
        after,
        kind,
    )


@dataclass
class Simulation:
    totals: Totals
    affected: list[Outcome]  # newly eligible, newly ineligible or changed, in the order of the rows
    unreadable: list[Outcome]


def simulate(
    rows: Iterable[Row],
    old: Assessor,
    new: Assessor,
    progress: Callable[[int], None] | None = None,
    every: int = 2000,
) -> Simulation:
    """Every row re-assessed under `old` and `new`; `progress(done)` is called every `every` rows."""
    totals = Totals()
    affected: list[Outcome] = []
    unreadable: list[Outcome] = []
    done = 0
    for row in rows:
        outcome = outcome_of(row, old, new)
        totals.add(outcome)
        if outcome.outcome in AFFECTING:
            affected.append(outcome)
        elif outcome.outcome == "unreadable":
            unreadable.append(outcome)
        done += 1
        if progress is not None and done % every == 0:
            progress(done)
    if progress is not None:
        progress(done)
    return Simulation(totals, affected, unreadable)


def money(amount: Decimal) -> str:
    """Two decimals: every amount here is already a sum of cents, so quantizing never rounds."""
    return f"{amount.quantize(_CENT):f}"


def group_json(group: Group) -> dict[str, Any]:
    return {
        "name": group.name,
        "households": group.households,
        "affected": group.affected,
        "old_monthly": money(group.old_monthly),
        "new_monthly": money(group.new_monthly),
        "monthly_difference": money(group.monthly_difference),
        "yearly_difference": money(group.yearly_difference),
    }


def summary_json(simulation: Simulation) -> dict[str, Any]:
    """The totals as stored with the job and returned by the API (money as two-decimal strings)."""
    totals = simulation.totals
    return {
        "counts": dict(totals.counts),
        "total": group_json(totals.overall),
        "by_township": [group_json(g) for _, g in sorted(totals.by_township.items())],
        "by_category": [
            group_json(totals.by_category[c]) for c in ("dibao", "marginal", "none") if c in totals.by_category
        ],
        "by_source": [group_json(totals.by_source[s]) for s in SOURCES if s in totals.by_source],
    }


# One affected household as stored: a short list, since a region-wide change may touch every household.
ROW_FIELDS = (
    "key",
    "source",
    "masked_name",
    "township",
    "category",
    "new_category",
    "current",
    "old",
    "new",
    "outcome",
)


def outcome_json(outcome: Outcome) -> list[str]:
    return [
        outcome.key,
        outcome.source,
        outcome.masked_name,
        outcome.township,
        outcome.category,
        outcome.new_category,
        money(outcome.current_amount),
        money(outcome.old_amount),
        money(outcome.new_amount),
        outcome.outcome,
    ]
