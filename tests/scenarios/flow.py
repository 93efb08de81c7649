"""Drives a 低保 application through the real dibao_application BPMN as the demo users would."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.context import Context
from engine.queries import case_view
from engine.results import TaskSummary
from engine.services import cases, timers
from tests.scenarios.case_steps import CaseSteps

INVESTIGATORS = ["王调查", "李调查"]
_VISIT = {
    "investigators": INVESTIGATORS,
    "visit_date": "2026-11-23",
    "method": "in_person",
    "members_present": "申请人本人及配偶",
    "signed_record": "RH-2026-001",
    "findings": "家庭实际居住情况与申报一致",
}


@dataclass
class Users:
    """Who works each step: the default demo county, or a seed region's users (docs/contracts.md#demo-data)."""

    village: str = "demo-village-1-1"
    clerk: str = "clerk1"
    head: str = "head1"
    verifier: str = "verify1"
    county_clerk: str = "county1"
    approver: str = "approver1"
    committee: str = "committee1"

    @classmethod
    def of_region(cls, region: str) -> Users:
        """Seed-region users (docs/contracts.md#demo-data); those regions have no county clerk, so the approver
        stands in."""
        return cls(
            f"{region}-village",
            f"clerk_{region}",
            f"head_{region}",
            f"verify_{region}",
            f"approver_{region}",  # the seed regions have no county clerk; the approver visits
            f"approver_{region}",
            f"committee_{region}",
        )


@dataclass
class Application(CaseSteps):
    ctx: Context
    household: dict[str, Any]
    users: Users = field(default_factory=Users)
    number: str = ""

    def start(self, channel: str = "window", by: str | None = None) -> Application:
        data = {"village": self.users.village, "channel": channel, "household": self.household}
        self.number = cases.start_case(self.ctx, "dibao_application", by or self.users.clerk, data).number
        return self

    # --- reading (CaseSteps: view, open_tasks, open_task_names, task) ----------------------------

    def history(self, name: str) -> list[TaskSummary]:
        return [t for t in self.view().tasks if t.task_name == name]

    # --- steps (CaseSteps.complete completes a task by name) ----------------------------------
    def accept(self, relative_of_staff: bool = False) -> Application:
        data: dict[str, Any] = {
            "decision": "approve",
            "pledge_signed": True,
            "consent_signed": True,
            "relative_of_staff": relative_of_staff,
            "opinion": "材料齐全，予以受理",
        }
        if relative_of_staff:
            data["relative_note"] = "申请人配偶是村委会委员的弟弟"
        self.complete("intake_review", self.users.clerk, data)
        return self

    def investigate_visit_only(self) -> Application:
        """Start the investigation and record the home visit; the 信息核对 task stays open."""
        self.complete(
            "start_investigation",
            self.users.clerk,
            {"investigators": INVESTIGATORS, "planned_visit_date": "2026-11-25", "verification_requested": True},
        )
        self.complete("home_visit", self.users.clerk, dict(_VISIT))
        return self

    def investigate(self, verified_household: dict[str, Any] | None = None) -> Application:
        if "start_investigation" in self.open_task_names():
            self.complete(
                "start_investigation",
                self.users.clerk,
                {"investigators": INVESTIGATORS, "planned_visit_date": "2026-11-25", "verification_requested": True},
            )
        visit: dict[str, Any] = {
            "investigators": INVESTIGATORS,
            "visit_date": "2026-11-23",
            "method": "in_person",
            "members_present": "申请人本人及配偶",
            "signed_record": "RH-2026-001",
            "findings": "家庭实际居住情况与申报一致",
        }
        if verified_household is not None:
            visit["verified_household"] = verified_household
        self.complete("home_visit", self.users.clerk, visit)
        self.complete(
            "data_verification",
            self.users.verifier,
            {"result": "consistent", "checked_items": ["tax", "real_estate", "vehicle"], "report": "未发现异常"},
        )
        return self

    def first_review(
        self, decision: str = "approve", opinion: str = "经调查，家庭收入低于标准，拟予保障"
    ) -> Application:
        self.complete("first_review", self.users.head, {"decision": decision, "opinion": opinion})
        return self

    def end_notice(self) -> int:
        """Run the timer sweep (the caller travels the clock past the notice period)."""
        return timers.tick(self.ctx)

    def confirm(self, decision: str = "approve", opinion: str = "经审核，符合保障条件，确认保障") -> Application:
        self.complete("county_confirmation", self.users.approver, {"decision": decision, "opinion": opinion})
        return self


@dataclass
class Recheck(CaseSteps):
    """A 动态复核 of an enrolled household through periodic_review.bpmn (and gradual_exit.bpmn)."""

    ctx: Context
    application: str  # the enrolled case's number
    users: Users = field(default_factory=Users)
    number: str = ""

    def start(self, household: dict[str, Any], current_amount: str, trigger: str = "reported_change") -> Recheck:
        data = {
            "village": self.users.village,
            "related_case": self.application,
            "trigger": trigger,
            "current_amount": current_amount,
            "household": household,
        }
        self.number = cases.start_case(self.ctx, "periodic_review", self.users.clerk, data).number
        return self

    def investigate(self, household: dict[str, Any], cause: str, visit_date: str) -> Recheck:
        self.complete(
            "recheck_investigation",
            self.users.clerk,
            {
                "investigators": INVESTIGATORS,
                "visit_date": visit_date,
                "findings": "入户核实家庭收入变化",
                "income_change_cause": cause,
                "verified_household": household,
            },
        )
        self.complete(
            "data_verification",
            self.users.verifier,
            {"result": "consistent", "checked_items": ["tax", "real_estate", "vehicle"], "report": "未发现异常"},
        )
        return self

    def enrollment(self) -> Any:
        return case_view.show_case(self.ctx, self.application).enrollment
