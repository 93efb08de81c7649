"""Drives a 特困 application through the real tekun_application BPMN as the demo users would (docs/tekun.md).

The person is domain.md scenario 10: aged 72, only 基础养老金 150 and 高龄津贴 100 (neither counted), a son of 66
who is himself on 低保 (so unable to support), 4 of the 6 ADL indicators failed (全护理)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.context import Context
from engine.services import cases
from tests.scenarios.case_steps import CaseSteps
from tests.scenarios.flow import INVESTIGATORS, Users
from tests.scenarios.households import id_number

# 自主吃饭, 穿衣, 上下床, 如厕, 室内行走, 洗澡: True = cannot do it alone.
ADL_KEYS = ("eating", "dressing", "transfer", "toileting", "walking", "bathing")
FOUR_FAILED = (True, True, True, True, False, False)


def scenario_10_start(users: Users, channel: str = "self") -> dict[str, Any]:
    data: dict[str, Any] = {
        "village": users.village,
        "channel": channel,
        "applicant_name": "王秀英",
        "applicant_id_number": id_number("19540301", 2),
        "birth_date": "1954-03-01",
        "registered_type": "urban",
        "has_disability": False,
        "situation": "独居，无劳动能力，儿子本人享受低保，无力赡养",
    }
    if channel == "on_behalf":
        data["agent_name"] = "王建国（儿子）"
    if channel == "found_by_village":
        data["found_note"] = "村委会走访中发现老人独居无人照料"
    return data


def scenario_10_investigation(
    adl: tuple[bool, ...] = FOUR_FAILED, support_mode: str = "dispersed", supporter_status: str = "dibao_recipient"
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "investigators": INVESTIGATORS,
        "visit_date": "2026-11-23",
        "signed_record": "RH-2026-101",
        "incomes": [
            {"kind": "basic_pension", "monthly_amount": "150.00"},
            {"kind": "old_age_allowance", "monthly_amount": "100.00"},
        ],
        "supporters": [{"name": "王建国", "relation": "child", "status": supporter_status}],
        "support_mode": support_mode,
        "findings": "申请人独居，行动不便，日常由邻居帮助；儿子 66 岁，本人为低保对象",
        "adl": dict(zip(ADL_KEYS, adl, strict=True)),
    }
    if support_mode == "dispersed":
        data |= {"carer_name": "李照护", "carer_phone": "13900000001"}
    else:
        data["institution"] = "县社会福利中心"
    return data


@dataclass
class TekunApplication(CaseSteps):
    ctx: Context
    users: Users = field(default_factory=Users)
    number: str = ""

    def start(self, channel: str = "self", by: str | None = None) -> TekunApplication:
        data = scenario_10_start(self.users, channel)
        self.number = cases.start_case(self.ctx, "tekun_application", by or self.users.clerk, data).number
        return self

    def accept(self) -> TekunApplication:
        data = {
            "decision": "approve",
            "pledge_signed": True,
            "consent_signed": True,
            "relative_of_staff": False,
            "opinion": "材料齐全，予以受理",
        }
        self.complete("intake_review", self.users.clerk, data)
        return self

    def investigate(self, **changes: Any) -> TekunApplication:
        self.complete("investigation", self.users.clerk, scenario_10_investigation(**changes))
        return self

    def first_review(self, decision: str = "approve") -> TekunApplication:
        opinion = "经调查核实，符合特困人员条件，拟认定" if decision == "approve" else "有赡养能力的义务人，拟不予认定"
        self.complete("first_review", self.users.head, {"decision": decision, "opinion": opinion})
        return self

    def check(self) -> TekunApplication:
        data = {
            "checkers": ["赵县核", "钱县核"],
            "check_date": "2026-11-30",
            "method": "in_person",
            "conclusion": "consistent",
            "findings": "入户核实，与乡镇调查一致",
        }
        self.complete("county_check", self.users.county_clerk, data)
        return self

    def decide(self, decision: str = "approve") -> TekunApplication:
        opinion = "经审核，确认为特困人员，分散供养" if decision == "approve" else "经审核，不符合特困人员条件"
        data: dict[str, Any] = {"decision": decision, "opinion": opinion}
        if decision == "approve":
            data |= {"support_mode": "dispersed", "carer_name": "李照护", "carer_phone": "13900000001"}
        self.complete("county_decision", self.users.approver, data)
        return self
