"""The proposal an assessment leads to, the benefit start, the 民主评议 tally and the public name mask."""

from __future__ import annotations

from datetime import date

import pytest

from engine.domain.benefit import benefit_proposal, first_of_next_month
from engine.domain.democratic_review import review_result
from engine.domain.privacy import mask_name

HOUSEHOLD = {"members": [{"name": "甲"}, {"name": "乙"}, {"name": "丙"}]}


def test_eligible_household_is_covered_as_a_whole() -> None:
    proposal = benefit_proposal({"eligible": True, "benefit_amount": "900.00", "single_person_members": []}, HOUSEHOLD)
    assert proposal == {"basis": "household", "amount": "900.00", "persons": 3, "members": []}


def test_marginal_household_covers_its_single_person_members_alone() -> None:
    assessment = {
        "eligible": False,
        "benefit_amount": "0.00",
        "single_person_members": [
            {"name": "乙", "reason": "重残", "benefit_amount": "800.00"},
            {"name": "丙", "reason": "重病", "benefit_amount": "650.50"},
        ],
    }
    assert benefit_proposal(assessment, HOUSEHOLD) == {
        "basis": "single_person",
        "amount": "1450.50",
        "persons": 2,
        "members": ["乙", "丙"],
    }


def test_nothing_to_propose() -> None:
    assessment = {"eligible": False, "benefit_amount": "0.00", "single_person_members": []}
    assert benefit_proposal(assessment, HOUSEHOLD)["basis"] == "none"


@pytest.mark.parametrize(
    ("decided", "first"),
    [
        (date(2026, 11, 30), date(2026, 12, 1)),
        (date(2026, 12, 1), date(2027, 1, 1)),
        (date(2027, 1, 31), date(2027, 2, 1)),
    ],
)
def test_benefit_starts_the_month_after_the_decision(decided: date, first: date) -> None:
    assert first_of_next_month(decided) == first


def _people(present: int, recused: int = 0) -> list[dict[str, object]]:
    return [{"name": f"p{i}", "present": True, "related_to_applicant": i < recused} for i in range(present)]


@pytest.mark.parametrize(
    ("people", "votes_for", "passed"),
    [
        (_people(3), 2, True),  # exactly two thirds
        (_people(9), 5, False),  # 5/9 < 2/3
        (_people(16, recused=1), 10, True),  # 15 voters present: 10/15 = 2/3
        (_people(16, recused=1), 9, False),
    ],
)
def test_two_thirds_of_the_voters_present_excluding_recused(
    people: list[dict[str, object]], votes_for: int, passed: bool
) -> None:
    result = review_result(people, votes_for, 0, 0, 2, 3)
    assert result["passed"] is passed


def test_recused_members_are_listed() -> None:
    assert review_result(_people(4, recused=1), 3, 0, 0, 2, 3)["recused"] == ["p0"]


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("王小明", "王*明"), ("欧阳娜娜", "欧**娜"), ("李", "李")]
)
def test_public_name_mask(name: str, masked: str) -> None:
    assert mask_name(name) == masked
