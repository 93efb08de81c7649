"""The household as the assessment reads it: typed, with money as exact Decimals.

shape.py builds it from the household JSON; every rule of the assessment reads only these types, so
the rules never meet a missing key or a string amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine.domain.vocabulary import DISABILITY_GRADES, DISABILITY_TYPES

# 重残: grade 1–2 of any type, or grade 3 of these types (docs/rules.md#single-person-households).
_SEVERE_AT_GRADE_3 = frozenset({"intellectual", "mental"})


@dataclass(frozen=True)
class Income:
    kind: str
    monthly: Decimal


@dataclass(frozen=True)
class Disability:
    grade: int
    type: str

    @property
    def severe(self) -> bool:
        return self.grade <= 2 or (self.grade == 3 and self.type in _SEVERE_AT_GRADE_3)

    @property
    def label(self) -> str:
        return f"{DISABILITY_GRADES[self.grade]}{DISABILITY_TYPES[self.type]}"


@dataclass(frozen=True)
class Member:
    name: str
    relation: str
    disability: Disability | None
    major_illness: bool
    self_paid_medical_last_year: Decimal
    employment_status: str | None
    employment_started: date | None
    incomes: tuple[Income, ...]


@dataclass(frozen=True)
class Expense:
    kind: str
    monthly: Decimal


@dataclass(frozen=True)
class Household:
    registered_type: str
    existing_recipient: bool
    poverty_alleviation_registered: bool
    assets_pass: bool
    last_year_total_income: Decimal | None
    members: tuple[Member, ...]
    rigid_expenses: tuple[Expense, ...]
