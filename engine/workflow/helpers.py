"""Domain helpers that BPMN scripts, conditions, timers and DMN cells may call by name.

The set of names is fixed here so deploy-time validation can refuse calls to anything else.
Each helper is bound to one deployed definition (its region's parameters).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from engine.clock import utcnow
from engine.domain.parameters import Parameters

HELPER_NAMES = frozenset({"param", "today_iso"})
# Names Spiff itself injects while evaluating DMN cells.
ENGINE_NAMES = frozenset({"dmninputexpr"})


def build_helpers(parameters: Parameters, today: Callable[[], date] | None = None) -> dict[str, Callable[..., Any]]:
    current_day = today or (lambda: utcnow().date())

    def param(name: str) -> Any:
        """The region parameter `name` in force today."""
        return parameters.value(name, current_day())

    def today_iso() -> str:
        return current_day().isoformat()

    helpers: dict[str, Callable[..., Any]] = {"param": param, "today_iso": today_iso}
    assert set(helpers) == HELPER_NAMES  # noqa: S101 - keeps the validation list honest
    return helpers
