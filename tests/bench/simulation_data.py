"""Synthetic but realistic households for the what-if simulation (its benchmark and its exactness test).

Deterministic for a seed: 1–5 members, wages and pensions around the standard, some excluded incomes,
some rigid expenses, some disabled or ill members (so 单人户 appear), a few households whose property
fails. The mix puts a good share of households near the standard, where a changed standard matters.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

RELATIONS = ("self", "spouse", "child", "parent", "child")


def household(rng: random.Random) -> dict[str, Any]:
    n = rng.choices((1, 2, 3, 4, 5), weights=(25, 25, 25, 15, 10))[0]
    members = [_member(rng, index) for index in range(n)]
    return {
        "registered_type": rng.choice(("urban", "rural")),
        "existing_recipient": rng.random() < 0.7,
        "poverty_alleviation_registered": rng.random() < 0.1,
        "assets_pass": rng.random() < 0.95,
        "last_year_total_income": f"{rng.randrange(0, 40000)}.00",
        "members": members,
        "rigid_expenses": (
            [{"kind": rng.choice(("medical", "education", "disability", "care")), "monthly_amount": "120.00"}]
            if rng.random() < 0.2
            else []
        ),
    }


def _member(rng: random.Random, index: int) -> dict[str, Any]:
    incomes: list[dict[str, str]] = []
    if rng.random() < 0.55:
        incomes.append({"kind": "wage", "monthly_amount": f"{rng.randrange(200, 2400)}.{rng.randrange(100):02d}"})
    if rng.random() < 0.2:
        incomes.append({"kind": "basic_pension", "monthly_amount": "150.00"})
    if rng.random() < 0.1:
        incomes.append({"kind": "support", "monthly_amount": f"{rng.randrange(100, 600)}.00"})
    disabled = rng.random() < 0.08
    return {
        "name": f"成员{index + 1}",
        "id_number": f"1101051980010{index:04d}X",
        "relation": RELATIONS[index],
        "disability": {"grade": rng.choice((1, 2, 3, 4)), "type": rng.choice(("physical", "mental"))}
        if disabled
        else None,
        "major_illness": rng.random() < 0.03,
        "self_paid_medical_last_year": "0.00",
        "employment": {"status": "employed" if incomes else "none", "started": None},
        "incomes": incomes,
    }


def households(count: int, seed: int = 18) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [household(rng) for _ in range(count)]


def insert_rows(
    session: Any,
    region: str,
    village: Any,
    items: Sequence[tuple[str, Any, str | None, str, str | None]],
    *,
    decided_at: Any,
    first_number: int = 1,
) -> None:
    """Cases (and enrolments) straight into the tables, in bulk, as the process would have left them.

    Each item: (applicant name, household, enrolment status or None, case outcome, monthly amount or None).
    `village` is an OrgUnit whose parent is a township whose parent is a county.
    """
    from decimal import Decimal

    from sqlalchemy import insert, select

    from engine.persistence import Case, Enrollment

    township = village.parent
    county = township.parent
    cases = [
        {
            "number": f"SIM-{first_number + i:08d}",
            "kind": "dibao_application",
            "region": region,
            "village_id": village.id,
            "township_id": township.id,
            "county_id": county.id,
            "applicant_name": name,
            "data": {},
            "status": "closed",
            "outcome": outcome,
            "decided_at": decided_at,
            "decided_amount": Decimal(amount) if amount else None,
            "household": household,
            "created_at": decided_at,
        }
        for i, (name, household, _, outcome, amount) in enumerate(items)
    ]
    session.execute(insert(Case), cases)
    numbers = [c["number"] for c in cases]
    ids = (
        dict(session.execute(select(Case.number, Case.id).where(Case.number.in_(numbers))).all())
        if len(numbers) < 900
        else None
    )
    if ids is None:
        ids = dict(session.execute(select(Case.number, Case.id).where(Case.number.like("SIM-%"))).all())
    enrolments = [
        {
            "case_id": ids[case["number"]],
            "village_id": village.id,
            "region": region,
            "applicant_name": name,
            "masked_name": name[0] + "*",
            "persons": len(household["members"]),
            "monthly_amount": Decimal(amount or "0"),
            "starts_on": decided_at.date(),
            "status": status,
            "created_at": decided_at,
            "household": household,
        }
        for case, (name, household, status, _, amount) in zip(cases, items, strict=True)
        if status is not None
    ]
    if enrolments:
        session.execute(insert(Enrollment), enrolments)
