"""Many enrolled households at once, inserted directly (Case, Enrollment and its approval amount rows): what a
年度调标 run reads, without running thousands of applications (tests/scenarios/test_recalculation.py and
tests/bench/recalculation.py).

Five kinds in a fixed mix, each with its amounts worked out by hand under the national standard 800.00 and a
standard of 850.00 (processes/default/parameters.toml `dibao_standard_urban`):

- FAMILY (6 in 10): three people, one wage of 1,500: (800 − 500) × 3 = 900 → (850 − 500) × 3 = 1,050, a raise;
- ALONE (1 in 10): one person without income: 800 → 850, a raise;
- SINGLE (1 in 10): two people, a wage of 2,000 (1,000 each, 边缘 under both standards), the spouse 一级残疾
  covered alone (单人户): 800 → 850, a raise;
- CROSSING (1 in 10): two people, a wage of 1,650 (825 each): 边缘 under 800, so the disabled spouse alone
  gets 800; under 850 the whole household qualifies ((850 − 825) × 2 = 50): the basis changes, flagged;
- LAST (1 in 10), alternately LOW (one person, a wage of 780: 20 → 70, a raise) and EXITING (a 渐退 household,
  skipped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select

from engine.context import Context
from engine.persistence import Case, Enrollment, EnrollmentAmount, OrgUnit
from tests.scenarios.households import household, member

VILLAGES = ("demo-village-1-1", "demo-village-1-2", "demo-village-2-1")


@dataclass(frozen=True)
class Kind:
    name: str
    household: dict[str, Any]
    amount: Decimal
    persons: int
    covered: str | None
    status: str = "active"


def _kinds() -> dict[str, Kind]:
    disabled = (1, "physical")
    return {
        "family": Kind(
            "family",
            household(member("张三", "self", ("wage", "1500.00")), member("李芳", "spouse"), member("张小", "child")),
            Decimal("900.00"),
            3,
            None,
        ),
        "alone": Kind("alone", household(member("王五", "self")), Decimal("800.00"), 1, None),
        "single": Kind(
            "single",
            household(member("赵六", "self", ("wage", "2000.00")), member("钱七", "spouse", disability=disabled)),
            Decimal("800.00"),
            1,
            "钱七",
        ),
        "crossing": Kind(
            "crossing",
            household(member("孙八", "self", ("wage", "1650.00")), member("周九", "spouse", disability=disabled)),
            Decimal("800.00"),
            1,
            "周九",
        ),
        "low": Kind("low", household(member("吴十", "self", ("wage", "780.00"))), Decimal("20.00"), 1, None),
        "exiting": Kind(
            "exiting",
            household(member("郑一", "self", ("wage", "1200.00"))),
            Decimal("400.00"),
            1,
            None,
            "gradual_exit",
        ),
    }


def kind_of(index: int) -> str:
    slot = index % 10
    if slot < 6:
        return "family"
    if slot == 9:
        return "low" if (index // 10) % 2 == 0 else "exiting"
    return ("alone", "single", "crossing")[slot - 6]


def seed_enrolments(ctx: Context, count: int, prefix: str = "SEED") -> dict[str, int]:
    """Insert `count` enrolments in 示范县 (demo-county) and return how many of each kind."""
    kinds = _kinds()
    chosen = [kinds[kind_of(index)] for index in range(count)]
    with ctx.db.write() as session:
        units = {u.code: u for u in session.scalars(select(OrgUnit).where(OrgUnit.code.like("demo-%")))}
        county = units["demo-county"]
        created = datetime(2026, 5, 20)
        session.execute(
            insert(Case),
            [
                {
                    "number": f"{prefix}-{index + 1:06d}",
                    "kind": "dibao_application",
                    "region": "default",
                    "village_id": units[VILLAGES[index % len(VILLAGES)]].id,
                    "township_id": units[VILLAGES[index % len(VILLAGES)]].parent_id,
                    "county_id": county.id,
                    "applicant_name": kind.household["members"][0]["name"],
                    "data": {"household": kind.household},
                    "status": "closed",
                    "outcome": "approved",
                    "created_at": created,
                }
                for index, kind in enumerate(chosen)
            ],
        )
        cases = session.execute(
            select(Case.id, Case.village_id).where(Case.number.like(f"{prefix}-%")).order_by(Case.number)
        ).all()
        session.execute(
            insert(Enrollment),
            [_enrollment(kind, case_id, village_id) for kind, (case_id, village_id) in zip(chosen, cases, strict=True)],
        )
        enrolled = session.execute(
            select(Enrollment.id, Enrollment.monthly_amount, Enrollment.persons)
            .join(Case, Case.id == Enrollment.case_id)
            .where(Case.number.like(f"{prefix}-%"))
        ).all()
        session.execute(
            insert(EnrollmentAmount),
            [
                {
                    "enrollment_id": enrollment_id,
                    "effective_from": date(2026, 6, 1),
                    "monthly_amount": amount,
                    "persons": persons,
                    "source": "approval",
                    "reference": None,
                    "recorded_at": created,
                }
                for enrollment_id, amount, persons in enrolled
            ],
        )
    counts: dict[str, int] = {}
    for kind in chosen:
        counts[kind.name] = counts.get(kind.name, 0) + 1
    return counts


def _enrollment(kind: Kind, case_id: int, village_id: int) -> dict[str, Any]:
    name = kind.household["members"][0]["name"]
    return {
        "case_id": case_id,
        "village_id": village_id,
        "region": "default",
        "applicant_name": name,
        "masked_name": name[0] + "*" * (len(name) - 1),
        "persons": kind.persons,
        "covered_members": kind.covered,
        "monthly_amount": kind.amount,
        "starts_on": date(2026, 6, 1),
        "ends_on": date(2027, 2, 28) if kind.status == "gradual_exit" else None,
        "status": kind.status,
        "created_at": datetime(2026, 5, 20),
        "household": kind.household,
        "next_review_on": date(2027, 6, 1),
    }
