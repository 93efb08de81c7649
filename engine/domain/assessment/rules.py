"""The region's parameters as the assessment uses them: every one read and checked for one day up
front, so a misconfigured region fails with the parameter's name before any rule runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine.domain.parameter_reader import ParameterReader
from engine.domain.parameters import Parameters
from engine.domain.vocabulary import INCOME_KINDS

PARAMETER_NAMES = (
    "dibao_standard_urban",
    "dibao_standard_rural",
    "minimum_wage",
    "marginal_multiplier",
    "excluded_income_kinds",
    "rigid_expense_deduction_rate",
    "employment_cost_deduction_rate",
    "employment_cost_deduction_months",
    "disabled_topup_multiplier",
    "single_person_medical_cost_test",
)


@dataclass(frozen=True)
class Rules:
    """The parameters of one region in force on one day, as the assessment uses them."""

    standard_urban: Decimal
    standard_rural: Decimal
    minimum_wage: Decimal
    marginal_multiplier: Decimal
    excluded_kinds: frozenset[str]
    rigid_expense_rate: Decimal
    employment_cost_rate: Decimal
    employment_cost_months: int
    disabled_topup_multiplier: Decimal
    medical_cost_test: bool

    def standard(self, registered_type: str) -> Decimal:
        return self.standard_urban if registered_type == "urban" else self.standard_rural


def read_rules(parameters: Parameters, on: date) -> Rules:
    """Every parameter the assessment uses, read for `on`; ParameterProblem names the first bad one."""
    reader = ParameterReader(parameters, on, "家庭经济状况评估")
    return Rules(
        standard_urban=reader.amount("dibao_standard_urban", positive=True),
        standard_rural=reader.amount("dibao_standard_rural", positive=True),
        minimum_wage=reader.amount("minimum_wage"),
        marginal_multiplier=reader.amount("marginal_multiplier", at_least=Decimal(1)),
        excluded_kinds=reader.codes("excluded_income_kinds", INCOME_KINDS, "收入类别"),
        rigid_expense_rate=reader.amount("rigid_expense_deduction_rate"),
        employment_cost_rate=reader.amount("employment_cost_deduction_rate"),
        employment_cost_months=reader.whole("employment_cost_deduction_months"),
        disabled_topup_multiplier=reader.amount("disabled_topup_multiplier"),
        medical_cost_test=reader.flag("single_person_medical_cost_test"),
    )
