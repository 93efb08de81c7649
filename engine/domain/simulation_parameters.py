"""The proposed parameter set of a what-if simulation, and its validation report (docs/policy-simulation.md).

A proposal is either the designer's draft parameters (already a `Parameters`) or a few values typed on the
simulation page or the command line ("dibao_standard_urban = 850 from 2027-01-01"), laid over the
parameters in force. Typed values go through the same checks as the parameter form (the catalogue's
parse_value) and the proposal as a whole through the assessment's own reading of its parameters
(read_rules), so a value the assessment could not use is reported, naming the parameter, and nothing runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from engine.domain import parameter_catalogue as catalogue
from engine.domain.assessment import PARAMETER_NAMES, ParameterProblem, read_rules
from engine.domain.parameters import Parameter, Parameters, Value

# What the simulation page offers to type (a county user without drafts changes these most).
TYPED_PARAMETERS = (
    "dibao_standard_urban",
    "dibao_standard_rural",
    "marginal_multiplier",
    "disabled_topup_multiplier",
    "rigid_expense_deduction_rate",
)


@dataclass(frozen=True)
class Override:
    name: str
    value: str  # as typed
    effective: date


@dataclass(frozen=True)
class ParameterChange:
    name: str
    label: str
    old: str  # as a designer reads it (800.00 元)
    new: str


def label(name: str) -> str:
    return catalogue.entry(name).label


def with_overrides(base: Parameters, overrides: Iterable[Override]) -> tuple[Parameters, list[str]]:
    """`base` with each override in force from its date on (it replaces whatever `base` says from that
    date); the problems, one Chinese line per bad value naming the parameter. Only the assessment's
    parameters may be typed: nothing else changes what the simulation computes."""
    merged: dict[str, Parameter] = dict(base.by_name)
    problems: list[str] = []
    for override in overrides:
        name = override.name.strip()
        if name not in PARAMETER_NAMES:
            problems.append(f"参数 {name[:64]}：不是家庭经济状况评估使用的参数，模拟测算不能修改它")
            continue
        entry = catalogue.entry(name)
        try:
            value: Value = catalogue.parse_value(entry, override.value)
        except ValueError as exc:
            problems.append(f"参数“{entry.label}”（{name}）：{exc}")
            continue
        kept = tuple(p for p in merged[name].periods if p[0] < override.effective) if name in merged else ()
        merged[name] = Parameter(name, (*kept, (override.effective, value)))
    return Parameters(merged), problems


def set_problems(parameters: Parameters, as_of: date) -> list[str]:
    """What keeps the assessment from using `parameters` on `as_of` ([] when it can), naming the parameter."""
    try:
        read_rules(parameters, as_of)
    except ParameterProblem as exc:
        return [exc.message]
    return []


def changes(old: Parameters, new: Parameters, as_of: date) -> list[ParameterChange]:
    """The assessment's parameters whose value on `as_of` differs between the two sets, in catalogue order."""
    before, after = old.snapshot(as_of), new.snapshot(as_of)
    result: list[ParameterChange] = []
    for name in PARAMETER_NAMES:
        if before.get(name) != after.get(name):
            result.append(
                ParameterChange(name, label(name), _shown(name, before.get(name)), _shown(name, after.get(name)))
            )
    return result


def _shown(name: str, value: Value | None) -> str:
    return "（未设置）" if value is None else catalogue.display(catalogue.entry(name, value), value)


def change_json(change: ParameterChange) -> Mapping[str, str]:
    return {"name": change.name, "label": change.label, "old": change.old, "new": change.new}
