"""Domain helpers that BPMN scripts, conditions, timers and DMN cells may call by name.

The set of names is fixed here so deploy-time validation can refuse calls to anything else.
Each helper is bound to one deployed definition (its region and parameters) and to the working-day
calendar's data directory the caller was configured with (engine.workflow.bundle.calendar_dir).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from engine.clock import to_china, utcnow
from engine.domain.assessment import add_months
from engine.domain.assessment import assess as assess_household
from engine.domain.benefit import benefit_proposal, first_of_next_month, review_finding
from engine.domain.calendar import calendar_for
from engine.domain.countersign import countersign_decided, countersign_outcome
from engine.domain.democratic_review import panel_tally, review_result, seats
from engine.domain.gradual_exit import exit_period, exit_rules, review_interval_months
from engine.domain.parameters import Parameters
from engine.domain.tekun import assess_tekun
from engine.domain.temporary import assess_temporary, settle, temporary_basis
from engine.domain.verification import apply_findings
from engine.workflow.bundle import DEFAULT_REGION

HELPER_NAMES = frozenset(
    {
        "param",
        "hours_later_iso",
        "working_days_later_iso",
        "deadline_passed",
        "temporary_basis",
        "temporary_assessment",
        "temporary_settlement",
        "today_iso",
        "assess",
        "now_iso",
        "days_later_iso",
        "first_of_next_month_iso",
        "benefit_proposal",
        "democratic_review_result",
        "gradual_exit_rules",
        "gradual_exit_period",
        "review_finding",
        "next_review_on_iso",
        # 会签 (docs/countersign.md)
        "countersign_decided",
        "countersign_outcome",
        "democratic_review_seats",
        "democratic_review_tally",
        # 特困人员认定评估 (docs/tekun-assessment.md) and its procedure (docs/tekun.md)
        "assess_tekun",
        "months_later_iso",
        # 信息核对 (docs/verification-exchange.md)
        "verification_applied",
        # 特困人员救助供养终止 (docs/tekun-exit.md): the last month paid
        "month_end_iso",
    }
)
# Names Spiff itself injects while evaluating DMN cells.
ENGINE_NAMES = frozenset({"dmninputexpr"})


# --- helpers that depend on nothing but the clock and the domain ------------------------------------


def now_iso() -> str:
    """The current moment as an aware UTC ISO string (what Spiff's timeDate timers compare with)."""
    return utcnow().replace(tzinfo=UTC).isoformat()


def days_later_iso(days: int) -> str:
    """A deadline `days` calendar days from now, for a timeDate timer (公示 runs in 天, not 工作日)."""
    return (utcnow().replace(tzinfo=UTC) + timedelta(days=int(days))).isoformat()


def hours_later_iso(hours: int) -> str:
    """A deadline `hours` from now, for a timeDate timer (先行救助 within 24 hours)."""
    return (utcnow().replace(tzinfo=UTC) + timedelta(hours=int(hours))).isoformat()


def deadline_passed(moment_iso: str) -> bool:
    """Whether a deadline set by one of the *_later_iso helpers lies in the past (a late step)."""
    moment = datetime.fromisoformat(str(moment_iso))
    return utcnow() > (moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment)


def gradual_exit_period(day_iso: str, months: int) -> dict[str, Any]:
    return exit_period(date.fromisoformat(day_iso), int(months))


def first_of_next_month_iso(day_iso: str) -> str:
    return first_of_next_month(date.fromisoformat(day_iso)).isoformat()


def months_later_iso(day_iso: str, months: int) -> str:
    """The same day `months` later, clamped to the month's end (a 特困 re-check a year after support starts)."""
    return add_months(date.fromisoformat(day_iso), int(months)).isoformat()


def month_end_iso(day_iso: str) -> str:
    """The last day of `day_iso`'s month: a 特困 support stopped by a decision is paid to its month's end."""
    return (first_of_next_month(date.fromisoformat(day_iso)) - timedelta(days=1)).isoformat()


_CLOCK_AND_DOMAIN: dict[str, Callable[..., Any]] = {
    "month_end_iso": month_end_iso,
    "now_iso": now_iso,
    "days_later_iso": days_later_iso,
    "hours_later_iso": hours_later_iso,
    "deadline_passed": deadline_passed,
    "gradual_exit_period": gradual_exit_period,
    "first_of_next_month_iso": first_of_next_month_iso,
    "months_later_iso": months_later_iso,
    "benefit_proposal": benefit_proposal,
    "democratic_review_result": review_result,
    "review_finding": review_finding,
    "temporary_settlement": settle,
    "countersign_decided": countersign_decided,
    "countersign_outcome": countersign_outcome,
    "democratic_review_seats": seats,
    "democratic_review_tally": panel_tally,
    "verification_applied": apply_findings,
}


# --- helpers bound to one deployed definition: its parameters, region and calendar -----------------


_BOUND_NAMES = (
    "param",
    "today_iso",
    "assess",
    "working_days_later_iso",
    "temporary_basis",
    "temporary_assessment",
    "gradual_exit_rules",
    "next_review_on_iso",
    "assess_tekun",
)


class _DefinitionHelpers:
    def __init__(self, parameters: Parameters, today: Callable[[], date], region: str, calendar_dir: Path) -> None:
        self.parameters, self.current_day, self.region, self.calendar_dir = parameters, today, region, calendar_dir

    def param(self, name: str) -> Any:
        """The region parameter `name` in force today."""
        return self.parameters.value(name, self.current_day())

    def today_iso(self) -> str:
        return self.current_day().isoformat()

    def assess(self, household: Mapping[str, Any], as_of_iso: str) -> dict[str, Any]:
        """The household assessment (docs/contracts.md#assessment-output) on `as_of_iso` under this
        definition's parameters. The result holds only strings, booleans, lists and dicts, so it can stay
        in task data."""
        if not isinstance(as_of_iso, str):
            raise ValueError("评估日期必须是 YYYY-MM-DD 格式的文字")
        try:
            as_of = date.fromisoformat(as_of_iso)
        except ValueError:
            raise ValueError(f"评估日期 {as_of_iso!r} 不是有效日期（YYYY-MM-DD）") from None
        return assess_household(household, as_of, self.parameters, self.region)

    def working_days_later_iso(self, days: int) -> str:
        """The end of the `days`-th working day after today in China, as a task's due date is counted,
        for a timeDate timer whose limit is a region parameter (补办手续 within N working days)."""
        calendar = calendar_for(self.calendar_dir, self.region)
        return calendar.due_at(to_china(utcnow()), int(days)).astimezone(UTC).isoformat()

    def temporary_basis(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """临时救助: the amount and what the approval-level DMN table reads, under this definition's parameters."""
        return temporary_basis(request, self.parameters)

    def temporary_assessment(self, request: Mapping[str, Any], approval_level: str) -> dict[str, Any]:
        """The temporary-assistance output with the level the process's DMN table decided (its one source
        of truth)."""
        return assess_temporary(request, self.parameters, self.region, lambda _basis: approval_level)

    def gradual_exit_rules(self, household: Mapping[str, Any], cause: str) -> dict[str, Any]:
        return exit_rules(household, cause, self.current_day(), self.param)

    def next_review_on_iso(self, household: Mapping[str, Any], from_iso: str) -> str:
        """When the household's next 动态复核 is due: 12 or 6 months on, by its members (审确 Art. 31)."""
        interval = review_interval_months(household, self.current_day(), self.param)
        return add_months(date.fromisoformat(from_iso), interval).isoformat()

    def assess_tekun(self, person_and_supporters: Mapping[str, Any], as_of_iso: str) -> dict[str, Any]:
        """The 特困 assessment (docs/tekun-assessment.md) of `{"person", "supporters"}` on `as_of_iso` under this
        definition's parameters; bad data is InvalidData naming the field, like the what-if assessment."""
        if not isinstance(person_and_supporters, Mapping):
            raise ValueError("特困人员认定评估的数据必须是对象（person、supporters）")
        return assess_tekun({**person_and_supporters, "as_of": as_of_iso}, self.parameters, self.region)

    def as_dict(self) -> dict[str, Callable[..., Any]]:
        return {name: getattr(self, name) for name in _BOUND_NAMES}


def build_helpers(
    parameters: Parameters,
    today: Callable[[], date] | None = None,
    *,
    region: str = DEFAULT_REGION,
    calendar_dir: Path,
) -> dict[str, Callable[..., Any]]:
    """Every helper BPMN may call, bound to one definition's parameters, region and calendar."""
    # The calendar day in China: a decision taken at 07:00 Beijing time is dated that day, not the day before.
    current_day = today or (lambda: to_china(utcnow()).date())
    helpers = {**_CLOCK_AND_DOMAIN, **_DefinitionHelpers(parameters, current_day, region, calendar_dir).as_dict()}
    if set(helpers) != HELPER_NAMES:  # keeps the validation list honest
        raise RuntimeError(f"helper names differ from HELPER_NAMES: {sorted(set(helpers) ^ HELPER_NAMES)}")
    return helpers
