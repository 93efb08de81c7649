"""Synthetic but realistic households for the what-if simulation (its benchmark and its exactness test).

Deterministic for a seed: 1–5 members, wages and pensions around the standard, some excluded incomes,
some rigid expenses, some disabled or ill members (so 单人户 appear), a few households whose property
fails. The mix puts a good share of households near the standard, where a changed standard matters.
"""

from __future__ import annotations

import random
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
        "disability": {"grade": rng.choice((1, 2, 3, 4)), "type": rng.choice(("physical", "mental"))} if disabled else None,
        "major_illness": rng.random() < 0.03,
        "self_paid_medical_last_year": "0.00",
        "employment": {"status": "employed" if incomes else "none", "started": None},
        "incomes": incomes,
    }


def households(count: int, seed: int = 18) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [household(rng) for _ in range(count)]
