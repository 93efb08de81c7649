"""延长办理期限 on the case page (issue 14, web/clerk/case_extend.py): the form keeps what was typed on a
missing field (422 at the field), and a decided case offers no form and refuses with the reason (409)."""

from __future__ import annotations

from collections.abc import Callable

from freezegun import freeze_time

from engine.context import Context
from engine.queries import case_view
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.web.conftest import Browser

MakeBrowser = Callable[[str], Browser]


def _accepted(ctx: Context) -> str:
    return Application(ctx, household(member("吴时限", "self", ("wage", "500.00")))).start().accept().number


def test_a_missing_reason_is_shown_at_its_field_with_the_ground_kept(ctx: Context, make_browser: MakeBrowser) -> None:
    number = _accepted(ctx)
    head = make_browser("head1")
    reply = head.post(f"/cases/{number}/extend", {"ground": "hard_investigation", "reason": "  "})
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    assert "延长说明：必填" in html
    assert '<option value="hard_investigation" selected>' in html
    assert case_view.show_case(ctx, number).legal_clock.limit_days == 30  # nothing changed


def test_a_decided_case_offers_no_extension_and_refuses_one(ctx: Context, make_browser: MakeBrowser) -> None:
    with freeze_time("2026-11-23 01:00:00"):
        app = Application(ctx, household(member("郑已决", "self", ("wage", "500.00"))))
        app.start().accept().investigate().first_review()
    with freeze_time("2026-11-30 02:00:00"):
        app.end_notice()
        app.confirm()
        approver = make_browser("approver1")
        assert 'id="case-extend-title"' not in approver.get(f"/cases/{app.number}").get_data(as_text=True)
        reply = approver.post(f"/cases/{app.number}/extend", {"ground": "objection", "reason": "公示有异议"})
    assert reply.status_code == 409
    assert "案件已作出决定，无需延长时限" in reply.get_data(as_text=True)
