"""临时救助 requests carried to a given step, for tests of what happens around that step."""

from __future__ import annotations

from engine.context import Context
from engine.queries import notices as notice_board
from tests.scenarios.flow import Users
from tests.scenarios.test_temporary_assistance import Request, _expenditure


def at_township_approval(ctx: Context) -> Request:
    """A 蚌埠 临时救助 request through its 公示, its 乡镇审批 next once the notice period has passed (timers.tick)."""
    staff = Users.of_region("bengbu")  # 蚌埠 checks only the spending of a 低保 household: the short way
    request = Request(ctx, staff).start(**_expenditure())
    request.complete(
        "spending_check",
        staff.clerk,
        {
            "checked_on": "2026-11-23",
            "necessary_spending": "5600.00",
            "spending_evidence": "PJ-2026-033",
            "findings": "医疗票据和学校缴费通知核实无误",
        },
    )
    request.complete("township_review", staff.head, {"decision": "approve", "opinion": "拟予救助，予以公示"})
    assert len(notice_board.open_notices(ctx, "bengbu-village")) == 1
    return request
