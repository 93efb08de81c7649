"""The pages of a 特困 termination (docs/tekun-exit.md): the start page offers it with its reasons, its case
and task pages render the 特困 record, and the public board shows a 终止公示 with the basic standard only."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.scenarios.tekun_exit_flow import TekunCase, insert_tekun
from tests.web.conftest import Browser

MONDAY = "2026-12-07 02:00:00"


def _browser(make_browser: Any, who: str | None) -> Browser:
    return make_browser(who)  # type: ignore[no-any-return]


def test_termination_start_case_task_pages_and_the_public_board(ctx: Context, make_browser: Any) -> None:
    related = insert_tekun(ctx)
    with freeze_time(MONDAY):
        clerk = _browser(make_browser, "clerk1")
        start = clerk.get("/cases/new?process=tekun_termination")
        assert start.status_code == 200
        page = start.get_data(as_text=True)
        assert "特困人员救助供养终止" in page
        assert "不再符合特困人员条件" in page
        case = TekunCase(ctx, related).terminate("ineligible", reason_condition="no_income", note="已有稳定收入")
        task = case.task("township_check")
        assert clerk.get(f"/tasks/{task.id}").status_code == 200
        case.complete("township_check", "clerk1", {"checked_on": "2026-12-07", "findings": "已有稳定收入"})
        case.complete("township_opinion", "head1", {"decision": "propose_stop", "opinion": "拟终止"})
        shown = clerk.get(f"/cases/{case.number}")
        assert shown.status_code == 200
        board = _browser(make_browser, None).get("/public/notices/demo-village-1-1").get_data(as_text=True)
    assert "终止公示" in board
    assert "陈*汉" in board
    assert "1040.00 元/月" in board
    assert "1640.00" not in board
    assert "600.00" not in board
