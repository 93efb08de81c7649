"""Domain helpers that BPMN scripts, conditions, timers and DMN cells may call by name.

The set of names is fixed here so deploy-time validation can refuse calls to anything else.
Each helper is bound to one deployed definition (its region and parameters).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, timedelta
from typing import Any

from engine.clock import to_china, utcnow
from engine.domain.assessment import assess as assess_household
from engine.domain.benefit import benefit_proposal, first_of_next_month
from engine.domain.democratic_review import review_result
from engine.domain.parameters import Parameters
from engine.workflow.bundle import DEFAULT_REGION

HELPER_NAMES = frozenset(
    {
        "param",
        "today_iso",
        "assess",
        "now_iso",
        "days_later_iso",
        "first_of_next_month_iso",
        "benefit_proposal",
        "democratic_review_result",
    }
)
# Names Spiff itself injects while evaluating DMN cells.
ENGINE_NAMES = frozenset({"dmninputexpr"})


def build_helpers(
    parameters: Parameters,
    today: Callable[[], date] | None = None,
    *,
    region: str = DEFAULT_REGION,
) -> dict[str, Callable[..., Any]]:
    # The calendar day in China: a decision taken at 07:00 Beijing time is dated that day, not the day before.
    current_day = today or (lambda: to_china(utcnow()).date())

    def param(name: str) -> Any:
        """The region parameter `name` in force today."""
        return parameters.value(name, current_day())

    def today_iso() -> str:
        return current_day().isoformat()

    def assess(household: Mapping[str, Any], as_of_iso: str) -> dict[str, Any]:
        """The household assessment (design.md §5) on `as_of_iso` under this definition's parameters.

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

    def first_of_next_month_iso(day_iso: str) -> str:
        return first_of_next_month(date.fromisoformat(day_iso)).isoformat()

    helpers: dict[str, Callable[..., Any]] = {
        "param": param,
        "today_iso": today_iso,
        "assess": assess,
        "now_iso": now_iso,
        "days_later_iso": days_later_iso,
        "first_of_next_month_iso": first_of_next_month_iso,
        "benefit_proposal": benefit_proposal,
        "democratic_review_result": review_result,
    }
    assert set(helpers) == HELPER_NAMES  # noqa: S101 - keeps the validation list honest
    return helpers
