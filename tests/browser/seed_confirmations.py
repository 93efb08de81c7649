"""`python -m tests.browser.seed_confirmations N`: N 低保 applications of demo-village-1-1 worked through the
engine (not the pages) up to 审核确认 (county_confirmation, for approver1), on the database the environment
names. The browser test of 批量审批 runs it before its server starts; the clock is frozen as in
tests/api/test_tasks.py (registered on a Monday, the 7-day 公示 over a week later)."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DIBAO_FAST_PASSWORD_HASH", "1")

from freezegun import freeze_time

from engine.context import Context
from engine.services import timers
from tests.api.conftest import eligible_household
from tests.scenarios.flow import Application


def seed(count: int) -> list[str]:
    ctx = Context.from_settings()
    try:
        with freeze_time("2026-11-23 01:00:00"):
            numbers = [
                Application(ctx, eligible_household()).start().accept().investigate().first_review().number
                for _ in range(count)
            ]
        with freeze_time("2026-12-01 02:00:00"):
            timers.tick(ctx)
        return numbers
    finally:
        ctx.close()


if __name__ == "__main__":
    print("\n".join(seed(int(sys.argv[1]))))
