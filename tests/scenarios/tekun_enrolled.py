"""特困 recipients inserted directly (a closed 特困 case and its Enrollment with programme "tekun" and its
support), for what reads enrolments, until the application process enrols them end to end (the lead's test)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from engine.context import Context
from engine.persistence import Case, Enrollment, OrgUnit


def enrol_tekun(
    ctx: Context,
    name: str,
    village: str = "demo-village-1-1",
    *,
    support_mode: str = "dispersed",
    status: str = "active",
    starts_on: date = date(2026, 11, 1),
    number: str | None = None,
) -> str:
    """A 特困 recipient of `village`: basic 1,040.00 + care 200.00 a month; returns the case number."""
    support: dict[str, Any] = {
        "care_tier": "partial",
        "support_mode": support_mode,
        "basic": "1040.00",
        "care": "200.00",
    }
    if support_mode == "dispersed":
        support |= {"carer_name": "李照护", "carer_phone": "13800000000"}
    else:
        support["institution"] = "示范县社会福利院"
    with ctx.db.write() as session:
        unit = session.scalars(select(OrgUnit).where(OrgUnit.code == village)).one()
        township = unit.parent
        case = Case(
            number=number or f"TK-{name}",
            kind="tekun_application",
            region=unit.region,
            village_id=unit.id,
            township_id=township.id if township else None,
            county_id=township.parent_id if township else None,
            applicant_name=name,
            data={},
            status="closed",
            outcome="approved",
            created_at=datetime(2026, 10, 10),
        )
        session.add(case)
        session.flush()
        session.add(
            Enrollment(
                case_id=case.id,
                village_id=unit.id,
                region=unit.region,
                applicant_name=name,
                masked_name=name[0] + "*" * (len(name) - 1),
                persons=1,
                monthly_amount=Decimal("1240.00"),
                starts_on=starts_on,
                status=status,
                created_at=datetime(2026, 10, 20),
                household={"person": {"name": name}, "supporters": []},
                next_review_on=date(2027, 11, 1),
                programme="tekun",
                support=support,
            )
        )
        return case.number
