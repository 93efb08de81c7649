"""`python -m tests.browser.seed_documents`: two 低保 applications of demo-village-1-1 worked through the engine
(not the pages) with a frozen clock, on the database the environment names: one approved (its 确认通知书, and
the 审批表 where the templates declare it) and one rejected with its written notice (the 不予确认告知书
where declared). Prints {"approved": number, "rejected": number} as JSON for tests/browser/test_documents.py."""

from __future__ import annotations

import json
import os

os.environ.setdefault("DIBAO_FAST_PASSWORD_HASH", "1")

from freezegun import freeze_time

from engine.context import Context
from tests.scenarios.approved import approved_application
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member


def _rejected(ctx: Context) -> str:
    # p = 800, not below the standard of 800: rejected at 审核确认, then told in writing.
    with freeze_time("2026-11-23 01:00:00"):
        app = Application(ctx, household(member("赵六", "self", ("wage", "1600.00")), member("钱七", "spouse")))
        app.start().accept().investigate().first_review("reject", "人均收入不低于低保标准，拟不予保障")
        app.confirm("reject", "家庭人均收入800元，不低于当地低保标准800元，不予确认")
    with freeze_time("2026-11-24 02:00:00"):
        notice = {
            "notice_text": "经审核，您家庭人均收入不低于当地低保标准，不予确认。",
            "delivered_on": "2026-11-24",
            "delivery_method": "in_person",
            "remedies_told": True,
        }
        app.complete("rejection_notice", "clerk1", notice)
    return app.number


def seed() -> dict[str, str]:
    ctx = Context.from_settings()
    try:
        return {"approved": approved_application(ctx).number, "rejected": _rejected(ctx)}
    finally:
        ctx.close()


if __name__ == "__main__":
    print(json.dumps(seed()))
