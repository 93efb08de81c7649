"""工作台: tabs with counts, due dates in China time, overdue marks, pagination and filters."""

from __future__ import annotations

import re

from freezegun import freeze_time

from engine.context import Context
from engine.services import tasks
from tests.conftest import add_second_clerk
from tests.web.conftest import REGISTER, Browser, open_task

MONDAY = "2026-11-23 01:00:00"  # 09:00 in Beijing


def _counts(html: str) -> dict[str, int]:
    return {
        label: int(n) for label, n in re.findall(r'(待办|已签收|已办|超期) <span class="count[^"]*">(\d+)</span>', html)
    }


def _task_links(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/tasks/(\d+)"', html)]


def test_anonymous_visitors_are_sent_to_login(browser: Browser) -> None:
    response = browser.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2F"


@freeze_time(MONDAY)
def test_tabs_count_each_view(ctx: Context, browser: Browser) -> None:
    first, second, third = (open_task(ctx) for _ in range(3))
    browser.login("clerk1")
    html = browser.get("/").get_data(as_text=True)
    assert _counts(html) == {"待办": 3, "已签收": 0, "已办": 0, "超期": 0}
    assert _task_links(html) == [first, second, third]

    assert browser.post(f"/tasks/{first}/claim").status_code == 302
    assert browser.post(f"/tasks/{second}/complete", REGISTER).status_code == 302
    html = browser.get("/").get_data(as_text=True)
    assert _counts(html) == {"待办": 1, "已签收": 1, "已办": 1, "超期": 0}
    assert _task_links(html) == [third]
    assert _task_links(browser.get("/?view=claimed").get_data(as_text=True)) == [first]
    done = browser.get("/?view=done").get_data(as_text=True)
    assert _task_links(done) == [second]
    assert "办结时间" in done
    assert "2026-11-23 09:00" in done


def test_due_dates_show_in_china_time_and_overdue_tasks_are_marked(ctx: Context, browser: Browser) -> None:
    with freeze_time(MONDAY):
        task_id = open_task(ctx)
    # Due 3 working days later at the end of the Beijing day: 2026-11-26 23:59:59 CST = 15:59:59 UTC.
    (task,) = tasks.list_tasks(ctx, "clerk1")
    assert f"{task.due_at:%Y-%m-%d %H:%M}" == "2026-11-26 15:59"
    with freeze_time("2026-11-26 15:00:00"):
        browser.login("clerk1")
        html = browser.get("/").get_data(as_text=True)
        assert "2026-11-26" in html
        assert "已超期" not in html
    with freeze_time("2026-11-26 16:30:00"):  # past midnight in Beijing
        html = browser.get("/").get_data(as_text=True)
        assert _counts(html)["超期"] == 1
        assert "已超期" in html
        overdue = browser.get("/?view=overdue").get_data(as_text=True)
        assert _task_links(overdue) == [task_id]


def test_pagination_twenty_a_page(ctx: Context, browser: Browser) -> None:
    ids = [open_task(ctx) for _ in range(23)]
    browser.login("clerk1")
    first = browser.get("/").get_data(as_text=True)
    assert _task_links(first) == ids[:20]
    assert "第 1 / 2 页，共 23 条" in first
    assert 'rel="next"' in first
    assert 'rel="prev"' not in first
    second = browser.get("/?view=open&page=2").get_data(as_text=True)
    assert _task_links(second) == ids[20:]
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second
    assert _task_links(browser.get("/?page=9").get_data(as_text=True)) == []
    assert browser.get("/?page=abc").status_code == 200  # a bad page number means page 1


def test_filters_by_village_and_process_apply_to_rows_and_counts(ctx: Context, browser: Browser) -> None:
    east = open_task(ctx, "demo-village-1-1")
    west = open_task(ctx, "demo-village-1-2")
    browser.login("clerk1")
    page = browser.get("/")
    html = page.get_data(as_text=True)
    assert '<option value="demo-village-1-2">城关镇西村</option>' in html
    assert "demo-village-2-1" not in html  # only villages of the user's own township are offered

    only_west = browser.get("/?view=open&village=demo-village-1-2").get_data(as_text=True)
    assert _task_links(only_west) == [west]
    assert _counts(only_west)["待办"] == 1
    assert 'href="/?view=claimed&amp;village=demo-village-1-2"' in only_west  # tabs keep the filter

    by_process = browser.get("/?process=reference_review").get_data(as_text=True)
    assert _task_links(by_process) == [east, west]
    assert _task_links(browser.get("/?process=no_such_process").get_data(as_text=True)) == []


def test_unknown_view_is_an_error_page(browser: Browser) -> None:
    browser.login("clerk1")
    response = browser.get("/?view=everything")
    assert response.status_code == 422
    assert "视图必须是" in response.get_data(as_text=True)


def test_count_tasks_matches_list_tasks(ctx: Context) -> None:
    open_task(ctx, "demo-village-1-1")
    open_task(ctx, "demo-village-1-3")
    for view in tasks.VIEWS:
        for village in (None, "demo-village-1-3", "no-such-village"):
            listed = tasks.list_tasks(ctx, "clerk1", view, village=village, limit=100)
            assert tasks.count_tasks(ctx, "clerk1", view, village=village) == len(listed)


@freeze_time(MONDAY)
def test_columns_sort_links_search_and_page_numbers(ctx: Context, browser: Browser) -> None:
    ids = [open_task(ctx) for _ in range(45)]
    browser.login("clerk1")
    html = browser.get("/").get_data(as_text=True)
    for column in ("申请人", "案件编号", "流程", "环节", "村/社区", "办理期限", "超期"):
        assert f">{column}" in html
    assert 'href="/?view=open&amp;sort=case"' in html
    assert 'href="/?view=open&amp;page=3">3</a>' in html  # direct page numbers
    newest = browser.get("/?view=open&sort=case&order=desc").get_data(as_text=True)
    assert _task_links(newest)[:2] == [ids[-1], ids[-2]]
    assert 'aria-sort="descending"' in newest
    (task,) = [t for t in tasks.list_tasks(ctx, "clerk1", limit=100) if t.id == ids[7]]
    serial = int(task.case_number.split("-")[1])
    found = browser.get(f"/?q={serial}").get_data(as_text=True)
    assert _task_links(found) == [ids[7]]
    assert f'href="/cases/{task.case_number}"' in found
    assert "第 1 / 1 页，共 1 条" in found
    started = browser.get("/?view=started").get_data(as_text=True)
    assert "我发起的 <span" in started
    assert "2026-0000045" in started  # newest registration first
    assert "2026-0000008" not in started


@freeze_time(MONDAY)
def test_batch_claim_on_the_page_shows_a_result_per_task_once(ctx: Context, browser: Browser) -> None:
    add_second_clerk(ctx)
    mine = [open_task(ctx) for _ in range(2)]
    theirs = open_task(ctx, "demo-village-2-1", "clerk2")
    browser.login("clerk1")
    assert 'value="claim">批量签收' in browser.get("/").get_data(as_text=True)
    back = "/?view=open&sort=case"
    reply = browser.post("/inbox/batch", {"action": "claim", "task_id": [*map(str, mine), str(theirs)], "back": back})
    assert (reply.status_code, reply.headers["Location"]) == (302, back)
    html = browser.get(back).get_data(as_text=True)
    assert "批量签收结果：成功 2 项，失败 1 项" in html
    assert f"任务 {theirs}：无权办理该任务" in html
    assert "批量签收结果" not in browser.get(back).get_data(as_text=True)  # shown once
    assert [t.id for t in tasks.list_tasks(ctx, "clerk1", "claimed")] == mine
    assert browser.post("/inbox/batch", {"action": "claim", "task_id": [str(mine[0])]}, csrf=False).status_code == 400
    offsite = browser.post("/inbox/batch", {"action": "claim", "task_id": [str(mine[0])], "back": "//evil.example/"})
    assert offsite.headers["Location"] == "/"


@freeze_time(MONDAY)
def test_batch_approval_needs_a_step_with_a_decision_form(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    html = browser.get("/?step=register").get_data(as_text=True)
    assert "该环节的表单须逐件填写，不能批量审批" in html
    assert 'value="complete"' not in html
    refused = browser.post("/inbox/batch", {"action": "complete", "task_id": [str(task_id)], "decision": "approve"})
    assert refused.status_code == 422
    assert "除结论和意见外还须填写其他内容" in refused.get_data(as_text=True)
    assert tasks.list_tasks(ctx, "clerk1")[0].state == "open"
