"""The 低保 household assessment (docs/rules.md#assessment, docs/contracts.md#assessment-output, docs/rules.md#choices).

countable income I (income kinds not excluded by the region) → deductions D (刚性支出, 就业成本)
→ per-capita income p = max(I − D, 0) / n → category (低保 if p < S, 边缘 if S ≤ p < m·S, both only
when the household's property passes) → benefit (补差) (S − p) × n plus the disabled top-up →
单人户 for the severely disabled or ill members of a 边缘 household.

Pure functions: the household is the JSON the household form cleans (money as two-decimal strings),
parameters come in as a `Parameters` and are read for `as_of`. Amounts stay exact Decimals until the
output, where each is rounded half-up to the cent once.

One module per concern: codes (the household's codes and their names), household (the typed
household), shape (reading and checking the JSON), rules (the region's parameters), income,
deductions, decision (category and benefit), single_person (单人户), explanation (how figures are
written) and run (the order of the rules and the output). This package exposes what callers use.
"""

from __future__ import annotations

from engine.domain.assessment.codes import CATEGORIES, EMPLOYMENT_STATUSES, RELATIONS
from engine.domain.assessment.deductions import add_months
from engine.domain.assessment.household import Disability, Expense, Household, Income, Member
from engine.domain.assessment.rules import PARAMETER_NAMES, Rules, read_rules
from engine.domain.assessment.run import assess, assess_parsed
from engine.domain.assessment.shape import household_problems, parse_household
from engine.domain.parameter_reader import ParameterProblem
from engine.domain.vocabulary import DISABILITY_TYPES, EXPENSE_KINDS, INCOME_KINDS, REGISTERED_TYPES

__all__ = [
    "CATEGORIES",
    "DISABILITY_TYPES",
    "EMPLOYMENT_STATUSES",
    "EXPENSE_KINDS",
    "INCOME_KINDS",
    "PARAMETER_NAMES",
    "REGISTERED_TYPES",
    "RELATIONS",
    "Disability",
    "Expense",
    "Household",
    "Income",
    "Member",
    "ParameterProblem",
    "Rules",
    "add_months",
    "assess",
    "assess_parsed",
    "household_problems",
    "parse_household",
    "read_rules",
]
