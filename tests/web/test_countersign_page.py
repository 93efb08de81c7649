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


@freeze_time(START)
def test_a_members_own_task_offers_no_release_or_transfer(ctx: Context, make_browser: Any) -> None:
    """The member's task is theirs alone (policy refuses 取消签收 and 转办 with 403), so the page offers neither."""
    mine = committee_tasks(ctx)
    page = make_browser("committee2").get(f"/tasks/{mine['committee2']}").get_data(as_text=True)
    assert "这是您本人的会签任务，不能取消签收或转办" in page
    assert "取消签收</button>" not in page
    assert '<h2 class="inline-heading">转办</h2>' not in page
    assert "提交</button>" in page
