"""待处理异议 (engine.queries.objections): an objection to a 公示 is visible to the township and the county
from the moment it arrives, not only when the 公示 ends, and until the 异议处理 step is completed; each
user sees those of their own unit's cases, and only the roles that handle objections see them at all."""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.errors import PermissionDenied
from engine.queries import case_page, objections, task_page
from engine.queries import notices as notice_board
from engine.services import notices
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
DAY_5 = "2026-11-28 03:00:00"  # day 5 of the 公示
NOTICE_OVER = "2026-11-30 02:00:00"  # 7 days and an hour later: the 公示 timer is due


def _family() -> dict[str, object]:
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
    )


def _pending(ctx: Context, username: str) -> list[objections.ObjectionItem]:
    return objections.pending_objections(ctx, username).items


@freeze_time(START)
def test_an_objection_is_pending_from_its_arrival_until_its_handling_is_completed(ctx: Context) -> None:
    app = Application(ctx, _family()).start().accept().investigate().first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    assert _pending(ctx, "head1") == []
    with freeze_time(DAY_5):
        notices.object_to_notice(ctx, notice.id, "该户有一辆货车未申报", contact="13800000000")
        (item,) = _pending(ctx, "head1")
        assert (item.case_number, item.text, item.village_name) == (app.number, "该户有一辆货车未申报", "城关镇东村")
        assert item.notice_open
        assert item.contact_given
        assert item.task_id is None
        assert case_page.case_page(ctx, app.number, "clerk1").pending_objections == 1
        # The township's clerk and the county see it too; the other township does not.
        assert [i.objection_id for i in _pending(ctx, "clerk1")] == [item.objection_id]
        assert [i.objection_id for i in _pending(ctx, "approver1")] == [item.objection_id]
        assert _pending(ctx, "head2") == []
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        (item,) = _pending(ctx, "head1")
        handling = app.task("objection_handling")
        assert not item.notice_open
        assert item.task_id == handling.id
        assert task_page.task_page(ctx, handling.id, "head1").pending_objections == 1
        app.complete("objection_handling", "head1", {"decision": "reinvestigate", "opinion": "重新入户调查"})
        assert _pending(ctx, "head1") == []
        assert case_page.case_page(ctx, app.number, "clerk1").pending_objections == 0


@freeze_time(START)
def test_a_case_without_objections_has_none_pending_after_its_notice(ctx: Context) -> None:
    app = Application(ctx, _family()).start().accept().investigate().first_review()
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        assert _pending(ctx, "head1") == []
        assert objections.pending_objections(ctx, "head1").total == 0


@pytest.mark.parametrize("username", ["village1", "auditor1", "designer1", "verify1", "committee1"])
def test_roles_that_do_not_handle_objections_are_refused(ctx: Context, username: str) -> None:
    with pytest.raises(PermissionDenied, match="无权查看公示异议"):
        objections.pending_objections(ctx, username)
