"""The task page of a 会签 member shows the round's progress (clerk/_countersign.html)."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from engine.services import tasks
from tests.api.test_countersign_api import VOTE, committee_tasks
from tests.scenarios.test_temporary_assistance import START


@freeze_time(START)
def test_task_page_shows_countersign_progress(ctx: Context, make_browser: Any) -> None:
    mine = committee_tasks(ctx)
    tasks.complete(ctx, mine["committee1"], "committee1", VOTE)
    browser = make_browser("committee3")
    page = browser.get(f"/tasks/{mine['committee3']}").get_data(as_text=True)
    assert "会签进度" in page
    assert "共 3 人，已签 1 人，待签 2 人" in page
    assert "县协调机制委员三" in page
    assert "同意救助" in page
