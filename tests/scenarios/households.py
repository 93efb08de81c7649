"""Households for the acceptance scenarios (docs/rules.md#scenarios), built as the application form sends them."""

from __future__ import annotations

from itertools import count
from typing import Any

from engine.domain.id_numbers import check_character

_serial = count(101)


def id_number(birth: str = "19800101", sex_digit: int = 1) -> str:
    """A checksum-valid 身份证号 (GB 11643) with a fresh sequence number each call."""
    first17 = f"110105{birth}{next(_serial) % 100:02d}{sex_digit}"
    return first17 + check_character(first17)


def member(
    name: str,
    relation: str,
    *incomes: tuple[str, str],
    disability: tuple[int, str] | None = None,
    major_illness: bool = False,
    medical: str = "0.00",
    employment: str = "none",
    started: str | None = None,
    birth: str = "19800101",
) -> dict[str, Any]:
    return {
        "name": name,
        "id_number": id_number(birth),
        "relation": relation,
        "disability": {"grade": disability[0], "type": disability[1]} if disability else None,
        "major_illness": major_illness,
        "self_paid_medical_last_year": medical,
        "employment": {"status": employment, "started": started},
        "incomes": [{"kind": kind, "monthly_amount": amount} for kind, amount in incomes],
    }


def household(
    *members: dict[str, Any], registered_type: str = "urban", last_year: str = "0.00", **flags: Any
) -> dict[str, Any]:
    return {
        "registered_type": registered_type,
        "existing_recipient": flags.get("existing_recipient", False),
        "poverty_alleviation_registered": flags.get("poverty_alleviation_registered", False),
        "assets_pass": flags.get("assets_pass", True),
        "last_year_total_income": last_year,
        "members": list(members),
        "rigid_expenses": [],
    }
