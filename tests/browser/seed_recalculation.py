"""`python -m tests.browser.seed_recalculation COUNT`: COUNT enrolments of 示范县 inserted directly
(tests/scenarios/enrolments.py) plus one enrolled through the engine (application → 公示 → 审核确认 with a
frozen clock), then the national standard raised to 850.00 from January 2027 in the server's processes
directory and deployed; on the database the environment names. Prints the engine-enrolled case number."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DIBAO_FAST_PASSWORD_HASH", "1")

from freezegun import freeze_time

from engine.context import Context
from tests.scenarios.enrolments import seed_enrolments
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.scenarios.test_recalculation import raise_standard


def seed(count: int) -> str:
    ctx = Context.from_settings()
    try:
        seed_enrolments(ctx, count)
        data = household(member("冯调标", "self", ("wage", "1500.00")), member("冯调标之妻", "spouse"))
        with freeze_time("2026-11-23 01:00:00"):
            application = Application(ctx, data).start().accept().investigate().first_review()
        with freeze_time("2026-11-30 02:00:00"):
            application.end_notice()
            application.confirm()  # (800 − 1500 / 2) × 2 = 100 from December
        raise_standard(ctx, ctx.settings.processes_dir)
        return application.number
    finally:
        ctx.close()


if __name__ == "__main__":
    print(seed(int(sys.argv[1]) if len(sys.argv) > 1 else 300))
