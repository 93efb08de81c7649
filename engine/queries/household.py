"""A case's household as pages show it, in plain Chinese, with ID numbers masked unless the caller may
reveal them (engine.policy.may_reveal; revealing is audited by engine.services.pii)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.domain.id_numbers import mask_id_number
from engine.domain.vocabulary import (
    DISABILITY_GRADES,
    DISABILITY_TYPES,
    EMPLOYMENT_LABELS,
    REGISTERED_TYPES,
    RELATION_LABELS,
)


@dataclass(frozen=True)
class MemberView:
    name: str
    relation: str
    id_number: str  # masked unless the view was revealed
    disability: str | None
    major_illness: bool
    employment: str | None
    monthly_income: str


@dataclass(frozen=True)
class HouseholdView:
    registered_type: str | None
    existing_recipient: bool
    assets_pass: bool | None
    last_year_total_income: str | None
    members: list[MemberView]
    revealed: bool


def household_view(data: dict[str, Any], *, reveal: bool = False) -> HouseholdView | None:
    """The household of a case's start data; ID numbers masked unless `reveal` (only reveal_household)."""
    household = data.get("household")
    if not isinstance(household, dict):
        return None
    members = [_member(m, reveal) for m in household.get("members") or [] if isinstance(m, dict)]
    assets = household.get("assets_pass")
    return HouseholdView(
        REGISTERED_TYPES.get(str(household.get("registered_type"))),
        bool(household.get("existing_recipient")),
        assets if isinstance(assets, bool) else None,
        _money(household.get("last_year_total_income")),
        members,
        reveal,
    )


def _member(member: dict[str, Any], reveal: bool) -> MemberView:
    raw_id = str(member.get("id_number") or "")
    disability = member.get("disability")
    disability_text = None
    if isinstance(disability, dict):
        raw_grade = disability.get("grade")
        grade = DISABILITY_GRADES.get(raw_grade, str(raw_grade)) if isinstance(raw_grade, int) else str(raw_grade or "")
        kind = DISABILITY_TYPES.get(str(disability.get("type")), str(disability.get("type") or ""))
        disability_text = f"{grade}{kind}".strip() or "有"
    employment = member.get("employment")
    status = employment.get("status") if isinstance(employment, dict) else None
    total = Decimal(0)
    for income in member.get("incomes") or []:
        if isinstance(income, dict):
            total += _decimal(income.get("monthly_amount"))
    return MemberView(
        name=str(member.get("name") or ""),
        relation=RELATION_LABELS.get(str(member.get("relation")), str(member.get("relation") or "")),
        id_number=raw_id if reveal else mask_id_number(raw_id),
        disability=disability_text,
        major_illness=bool(member.get("major_illness")),
        employment=EMPLOYMENT_LABELS.get(str(status), str(status)) if status else None,
        monthly_income=f"{total:.2f}",
    )


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _money(value: Any) -> str | None:
    return f"{_decimal(value):.2f}" if value not in (None, "") else None
