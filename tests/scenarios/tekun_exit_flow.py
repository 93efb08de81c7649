"""特困 re-checks and terminations (docs/tekun-exit.md) through the real tekun_review / tekun_termination BPMN,
on a 特困 enrollment inserted directly (as tests/scenarios/enrolments.py inserts 低保 ones): scenario 10 of the
domain rules, in the default region.

Scenario 10: aged 72, 基础养老金 150 + 高龄津贴 100 (both excluded, so no countable income), a son on 低保 (not
able to support), 4 of 6 ADL indicators failed → 全护理. Default parameters (processes/default/parameters.toml):
低保 standard 800, tekun_basic_multiplier 1.3, minimum wage 1,800 (÷ 3 full, ÷ 6 partial, ÷ 10 self-care):
basic 1.3 × 800 = 1,040; care 600 → 1,640 a month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from engine.context import Context
from engine.persistence import Case, Enrollment, OrgUnit, User
from engine.queries import case_view, task_page
from engine.services import cases, tasks
from tests.scenarios.case_steps import CaseSteps
from tests.scenarios.flow import Users
from tests.scenarios.households import id_number

NAME = "陈老汉"
ID_NUMBER = id_number("19540301")
BASIC, FULL_CARE, PARTIAL_CARE = "1040.00", "600.00", "300.00"
SUPPORT = {
    "care_tier": "full",
    "support_mode": "dispersed",
    "carer_name": "陈小梅",
    "carer_phone": "13800000000",
    "basic": BASIC,
    "care": FULL_CARE,
}


def record(
    failed: int = 4, incomes: list[dict[str, str]] | None = None, supporter: str = "dibao_recipient"
) -> dict[str, Any]:
    """The tekun record of scenario 10 with `failed` ADL indicators failed."""
    person = {
        "name": NAME,
        "id_number": ID_NUMBER,
        "birth_date": "1954-03-01",
        "registered_type": "urban",
        "disability": None,
        "incomes": incomes
        if incomes is not None
        else [
            {"kind": "basic_pension", "monthly_amount": "150.00"},
            {"kind": "old_age_allowance", "monthly_amount": "100.00"},
        ],
        "adl": [True] * failed + [False] * (6 - failed),
    }
    return {"person": person, "supporters": [{"name": "陈大", "relation": "child", "status": supporter}]}


def insert_tekun(ctx: Context, number: str = "TK-000001", *, next_review_on: date | None = None) -> str:
    """An approved 特困 case and its active enrollment (1,640 a month since 1 June 2026) in demo-village-1-1."""
    with ctx.db.write() as session:
        village = session.scalars(select(OrgUnit).where(OrgUnit.code == "demo-village-1-1")).one()
        township = session.get(OrgUnit, village.parent_id)
        assert township is not None
        clerk = session.scalars(select(User).where(User.username == "clerk1")).unique().one()
        case = Case(
            number=number,
            kind="tekun_application",
            region="default",
            village_id=village.id,
            township_id=township.id,
            county_id=township.parent_id,
            applicant_name=NAME,
            data={"household": record()},
            household=record(),
            status="closed",
            outcome="approved",
            decided_amount=Decimal("1640.00"),
            created_at=datetime(2026, 5, 20),
            created_by_id=clerk.id,
        )
        session.add(case)
        session.flush()
        session.add(
            Enrollment(
                case_id=case.id,
                village_id=village.id,
                region="default",
                applicant_name=NAME,
                masked_name="陈*汉",
                persons=1,
                covered_members=NAME,
                monthly_amount=Decimal("1640.00"),
                starts_on=date(2026, 6, 1),
                status="active",
                created_at=datetime(2026, 5, 20),
                household=record(),
                next_review_on=next_review_on or date(2027, 6, 1),
                programme="tekun",
                support=dict(SUPPORT),
            )
        )
    return number


@dataclass
class TekunCase(CaseSteps):
    """One re-check or termination case of the inserted 特困 enrollment."""

    ctx: Context
    related: str
    users: Users = field(default_factory=Users)
    number: str = ""

    def review(self, trigger: str = "change_reported") -> TekunCase:
        data = {
            "village": self.users.village,
            "related_case": self.related,
            "trigger": trigger,
            "change_note": "近期摔伤",
        }
        self.number = cases.start_case(self.ctx, "tekun_review", self.users.clerk, data).number
        return self

    def terminate(self, reason: str, by: str | None = None, **extra: str) -> TekunCase:
        data = {"village": self.users.village, "related_case": self.related, "reason": reason, **extra}
        self.number = cases.start_case(self.ctx, "tekun_termination", by or self.users.clerk, data).number
        return self

    def complete(self, name: str, user: str, data: dict[str, Any]) -> None:
        """Open the task's page first (its form and context panels must render for the 特困 record), then complete."""
        task_id = self.task(name).id
        task_page.task_page(self.ctx, task_id, user)
        tasks.complete(self.ctx, task_id, user, data)

    def investigate(self, household: dict[str, Any]) -> TekunCase:
        support = {"support_mode": "dispersed", "carer_name": "陈小梅", "carer_phone": "13800000000"}
        data = {
            "household": household,
            "support": support,
            "visit_date": "2026-12-07",
            "findings": "入户复核生活自理能力",
        }
        self.complete("recheck_investigation", self.users.clerk, data)
        return self

    def enrollment(self) -> Any:
        return case_view.show_case(self.ctx, self.related).enrollment
