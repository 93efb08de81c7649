"""The households of the 发放名册 scenarios (docs/payments.md), enrolled and re-checked through the real BPMN
with a travelled clock; tests/scenarios/test_payroll.py and the browser test's seed (tests/browser/
seed_payroll.py) use them.

示范县 (S = 800): 城关镇 has 张三's household (3 people, 900 a month from December 2026), 周强's (3 people,
2,400; a job in June 2027 → 渐退 of 3 months, paid July–September) and 郑老汉's (2 people, 1,000; support
rose in June 2027 → stopped from July). 河西乡 has 马丽's household (rural, 2 people), approved on 30 June
2027: paid from July.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.scenarios.flow import Application, Recheck, Users
from tests.scenarios.households import household, member

APPLIED = "2026-11-23 01:00:00"
NOTICE_OVER = "2026-11-30 02:00:00"


def _enrol(ctx: Context, data: dict[str, Any], users: Users, applied: str, decided: str) -> str:
    with freeze_time(applied):
        app = Application(ctx, data, users).start().accept().investigate().first_review()
    with freeze_time(decided):
        app.end_notice()
        app.confirm()
    return app.number


def _zhou(employed: bool) -> dict[str, Any]:
    worker = (
        member("周强", "self", ("wage", "3000.00"), employment="employed", started="2027-05-01", birth="19850301")
        if employed
        else member("周强", "self", employment="unemployed", birth="19850301")
    )
    return household(worker, member("吴梅", "spouse", birth="19870505"), member("周小宝", "child", birth="20150606"))


def _zheng(support: str) -> dict[str, Any]:
    return household(
        member("郑老汉", "self", ("support", support), birth="19580101", employment="retired"),
        member("王老太", "spouse", birth="19600202", employment="retired"),
    )


def enrol_county(ctx: Context) -> dict[str, str]:
    """The four households, and the re-checks of June 2027; returns the case numbers by payee."""
    users = Users()
    zhang = _enrol(
        ctx,
        household(member("张三", "self", ("wage", "1500.00")), member("李芳", "spouse"), member("张小", "child")),
        users,
        APPLIED,
        NOTICE_OVER,
    )
    zhou = _enrol(ctx, _zhou(False), users, APPLIED, NOTICE_OVER)
    zheng = _enrol(ctx, _zheng("600.00"), users, APPLIED, NOTICE_OVER)
    with freeze_time("2027-06-01 02:00:00"):
        exit_review = Recheck(ctx, zhou, users).start(_zhou(True), "2400.00", "reported_change")
        exit_review.investigate(_zhou(True), "employment", "2027-06-01")
        exit_review.complete("exit_proposal", users.head, {"months": 3, "opinion": "就业后给予3个月渐退期"})
        exit_review.complete("exit_decision", users.approver, {"decision": "approve", "opinion": "同意渐退3个月"})
        stop = Recheck(ctx, zheng, users).start(_zheng("1900.00"), "1000.00")
        stop.investigate(_zheng("1900.00"), "improvement", "2027-06-01")
        stop.complete("stop_decision", users.approver, {"decision": "approve", "opinion": "赡养费增加，依法停发"})
        stop.complete(
            "stop_notice",
            users.clerk,
            {
                "notice_text": "人均收入950元，高于标准，自2027年7月起停发。",
                "delivered_on": "2027-06-01",
                "delivery_method": "mail",
                "remedies_told": True,
            },
        )
    assert (exit_review.enrollment().status, exit_review.enrollment().ends_on) == ("gradual_exit", date(2027, 10, 1))
    assert (stop.enrollment().status, stop.enrollment().ends_on) == ("stopped", date(2027, 7, 1))
    return {"张三": zhang, "周强": zhou, "郑老汉": zheng}


def enrol_ma(ctx: Context) -> str:
    """河西乡, rural, 2 people, no income: 2 × 800 = 1,600 from July 2027 (decided 30 June)."""
    users = Users(village="demo-village-2-1", clerk="clerk2", head="head2")
    data = household(member("马丽", "self", birth="19900909"), member("马军", "spouse"), registered_type="rural")
    return _enrol(ctx, data, users, "2027-06-21 01:00:00", "2027-06-30 02:00:00")
