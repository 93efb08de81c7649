"""`python -m tests.browser.seed_enrolments`: one 低保 household of demo-village-1-1 enrolled through the
engine (application → 公示 → 审核确认 with a frozen clock), on the database the environment names; prints
the case number. The browser test of 动态复核 (test_start_procedures.py) picks it on 受理登记."""

from __future__ import annotations

import os

os.environ.setdefault("DIBAO_FAST_PASSWORD_HASH", "1")

from freezegun import freeze_time

from engine.context import Context
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

NAME = "冯保障"


def seed() -> str:
    ctx = Context.from_settings()
    try:
        data = household(member(NAME, "self", ("wage", "1500.00")), member("冯保障之妻", "spouse"))
        with freeze_time("2026-11-23 01:00:00"):
            application = Application(ctx, data).start().accept().investigate().first_review()
        with freeze_time("2026-11-30 02:00:00"):
            application.end_notice()
            application.confirm()
        return application.number
    finally:
        ctx.close()


if __name__ == "__main__":
    print(seed())
