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
from engine.domain.democratic_review import review_result
from engine.domain.gradual_exit import exit_period, exit_rules, review_interval_months
from engine.domain.parameters import Parameters
from engine.domain.temporary import assess_temporary, settle, temporary_basis
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
    }
)
# Names Spiff itself injects while evaluating DMN cells.
ENGINE_NAMES = frozenset({"dmninputexpr"})


def build_helpers(
    parameters: Parameters,
    today: Callable[[], date] | None = None,
    *,
    region: str = DEFAULT_REGION,
    calendar_dir: Path,
) -> dict[str, Callable[..., Any]]:
    # The calendar day in China: a decision taken at 07:00 Beijing time is dated that day, not the day before.
    current_day = today or (lambda: to_china(utcnow()).date())

    def param(name: str) -> Any:
        """The region parameter `name` in force today."""
        return parameters.value(name, current_day())

    def today_iso() -> str:
        return current_day().isoformat()

    def assess(household: Mapping[str, Any], as_of_iso: str) -> dict[str, Any]:
        """The household assessment (docs/contracts.md) on `as_of_iso` under this definition's parameters.

        The result holds only strings, booleans, lists and dicts, so it can stay in task data.
        """
        if not isinstance(as_of_iso, str):
            raise ValueError("评估日期必须是 YYYY-MM-DD 格式的文字")
        try:
            as_of = date.fromisoformat(as_of_iso)
        except ValueError:
            raise ValueError(f"评估日期 {as_of_iso!r} 不是有效日期（YYYY-MM-DD）") from None
        return assess_household(household, as_of, parameters, region)

    def now_iso() -> str:
        """The current moment as an aware UTC ISO string (what Spiff's timeDate timers compare with)."""
        return utcnow().replace(tzinfo=UTC).isoformat()

    def days_later_iso(days: int) -> str:
        """A deadline `days` calendar days from now, for a timeDate timer (公示 runs in 天, not 工作日)."""
        return (utcnow().replace(tzinfo=UTC) + timedelta(days=int(days))).isoformat()

    def hours_later_iso(hours: int) -> str:
        """A deadline `hours` from now, for a timeDate timer (先行救助 within 24 hours)."""
        return (utcnow().replace(tzinfo=UTC) + timedelta(hours=int(hours))).isoformat()

    def working_days_later_iso(days: int) -> str:
        """The end of the `days`-th working day after today in China, as a task's due date is counted,
        for a timeDate timer whose limit is a region parameter (补办手续 within N working days)."""
        return calendar_for(calendar_dir, region).due_at(to_china(utcnow()), int(days)).astimezone(UTC).isoformat()

    def deadline_passed(moment_iso: str) -> bool:
        """Whether a deadline set by one of the *_later_iso helpers lies in the past (a late step)."""
        moment = datetime.fromisoformat(str(moment_iso))
        return utcnow() > (moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment)

    def basis_for_temporary(request: Mapping[str, Any]) -> dict[str, Any]:
        """临时救助: the amount and what the approval-level DMN table reads, under this definition's parameters."""
        return temporary_basis(request, parameters)

    def assessment_for_temporary(request: Mapping[str, Any], approval_level: str) -> dict[str, Any]:
        """The docs/contracts.md output with the level the process's DMN table decided (its one source of truth)."""
        return assess_temporary(request, parameters, region, lambda _basis: approval_level)

    def gradual_exit_rules(household: Mapping[str, Any], cause: str) -> dict[str, Any]:
        return exit_rules(household, cause, current_day(), param)

    def gradual_exit_period(day_iso: str, months: int) -> dict[str, Any]:
        return exit_period(date.fromisoformat(day_iso), int(months))

    def next_review_on_iso(household: Mapping[str, Any], from_iso: str) -> str:
        """When the household's next 动态复核 is due: 12 or 6 months on, by its members (审确 Art. 31)."""
        interval = review_interval_months(household, current_day(), param)
        return add_months(date.fromisoformat(from_iso), interval).isoformat()

    def first_of_next_month_iso(day_iso: str) -> str:
        return first_of_next_month(date.fromisoformat(day_iso)).isoformat()

    helpers: dict[str, Callable[..., Any]] = {
        "param": param,
        "hours_later_iso": hours_later_iso,
        "working_days_later_iso": working_days_later_iso,
        "deadline_passed": deadline_passed,
        "temporary_basis": basis_for_temporary,
        "temporary_assessment": assessment_for_temporary,
        "temporary_settlement": settle,
        "today_iso": today_iso,
        "assess": assess,
        "now_iso": now_iso,
        "days_later_iso": days_later_iso,
        "first_of_next_month_iso": first_of_next_month_iso,
        "benefit_proposal": benefit_proposal,
        "democratic_review_result": review_result,
        "gradual_exit_rules": gradual_exit_rules,
        "gradual_exit_period": gradual_exit_period,
        "review_finding": review_finding,
        "next_review_on_iso": next_review_on_iso,
    }
    assert set(helpers) == HELPER_NAMES  # noqa: S101 - keeps the validation list honest
    return helpers
