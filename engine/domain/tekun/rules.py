"""The region's 特困 parameters as the assessment uses them: every one read and checked for one day up
front, so a misconfigured region fails with the parameter's name before any rule runs.

The care standard is a fraction of LAST year's minimum wage (domain.md §6 item 6): the `minimum_wage`
value in force on 31 December of the year before the assessment date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine.domain.assessment import Disability
from engine.domain.parameter_reader import ParameterReader
from engine.domain.parameters import Parameters
from engine.domain.vocabulary import DISABILITY_TYPES
from engine.domain.vocabulary_tekun import (
    INCOME_THRESHOLDS,
    TEKUN_CARE_TIERS,
    TEKUN_INCOME_KINDS,
    TEKUN_SUPPORTER_STATUSES,
)

PARAMETER_NAMES = (
    "dibao_standard_urban",
    "dibao_standard_rural",
    "minimum_wage",
    "tekun_basic_multiplier",
    "tekun_income_threshold",
    "tekun_excluded_income_kinds",
    "tekun_elderly_age",
    "tekun_minor_age",
    "tekun_disability_max_grade",
    "tekun_disability_grade3_types",
    "tekun_unable_supporter_statuses",
    "tekun_adl_partial_min_failed",
    "tekun_adl_full_min_failed",
    "tekun_care_wage_divisor_self_care",
    "tekun_care_wage_divisor_partial",
    "tekun_care_wage_divisor_full",
)


@dataclass(frozen=True)
class TekunRules:
    """The parameters of one region in force on one day, as the 特困 assessment uses them."""

    standard_urban: Decimal
    standard_rural: Decimal
    last_year_minimum_wage: Decimal
    basic_multiplier: Decimal
    # What countable income is compared with (特认 第六条 says the 低保 standard; a region may choose the
    # 特困 basic standard instead): "dibao_standard" or "tekun_basic".
    income_threshold: str
    excluded_kinds: frozenset[str]
    elderly_age: int
    minor_age: int
    disability_max_grade: int
    grade3_types: frozenset[str]
    unable_statuses: frozenset[str]
    partial_min_failed: int
    full_min_failed: int
    care_divisors: Mapping[str, Decimal]

    def dibao_standard(self, registered_type: str) -> Decimal:
        return self.standard_urban if registered_type == "urban" else self.standard_rural

    def severely_disabled(self, disability: Disability) -> bool:
        """No ability to work by disability: grade 1–2 of any type, grade 3 of the listed types (by default)."""
        grade = disability.grade
        return grade <= self.disability_max_grade or (grade == 3 and disability.type in self.grade3_types)

    def care_tier(self, failed: int) -> str:
        if failed >= self.full_min_failed:
            return "full"
        return "partial" if failed >= self.partial_min_failed else "self_care"


def read_tekun_rules(parameters: Parameters, on: date) -> TekunRules:
    """Every parameter the 特困 assessment uses, read for `on`; ParameterProblem names the first bad one."""
    reader = ParameterReader(parameters, on, "特困人员认定评估")
    # Year 1 has no year before it: date.min is before any parameter, so that is a ParameterProblem too.
    last_year_end = date(on.year - 1, 12, 31) if on.year > 1 else date.min
    partial = reader.whole("tekun_adl_partial_min_failed", 1, 6)
    full = reader.whole("tekun_adl_full_min_failed", 1, 6)
    if full <= partial:
        raise reader.bad("tekun_adl_full_min_failed", full, f"必须大于半护理起点 {partial}")
    return TekunRules(
        standard_urban=reader.amount("dibao_standard_urban"),
        standard_rural=reader.amount("dibao_standard_rural"),
        last_year_minimum_wage=ParameterReader(parameters, last_year_end, "特困人员认定评估").amount("minimum_wage"),
        basic_multiplier=reader.amount("tekun_basic_multiplier"),
        income_threshold=reader.choice("tekun_income_threshold", INCOME_THRESHOLDS),
        excluded_kinds=reader.codes("tekun_excluded_income_kinds", TEKUN_INCOME_KINDS),
        elderly_age=reader.whole("tekun_elderly_age", 1, 150),
        minor_age=reader.whole("tekun_minor_age", 0, 150),
        disability_max_grade=reader.whole("tekun_disability_max_grade", 0, 4),
        grade3_types=reader.codes("tekun_disability_grade3_types", DISABILITY_TYPES),
        unable_statuses=reader.codes("tekun_unable_supporter_statuses", TEKUN_SUPPORTER_STATUSES),
        partial_min_failed=partial,
        full_min_failed=full,
        care_divisors={tier: reader.amount(f"tekun_care_wage_divisor_{tier}") for tier in TEKUN_CARE_TIERS},
    )


def tekun_basic_standard(parameters: Parameters, on: date, registered_type: str) -> Decimal:
    """The 特困 basic living standard on `on`: what a 公示 publishes, without the care standard (a care tier
    says how well a person can look after themselves, which is health information the public board must not show)."""
    rules = read_tekun_rules(parameters, on)
    return (rules.basic_multiplier * rules.dibao_standard(registered_type)).quantize(Decimal("0.01"))
