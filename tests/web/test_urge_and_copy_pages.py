"""催办 and 抄送 on the pages (docs/urge-and-copy.md): the case page offers a supervisor in scope a 催办 form on
its open tasks (POST, CSRF, redirect, flash), the task page shows the 催办记录, too soon is 429 with the next
allowed time; the 抄送我的 page lists a copy, 查看 marks it read and opens the case at its receipts."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.queries import urges
from engine.services import timers
from tests.scenarios.temporary_flows import at_township_approval
from tests.scenarios.test_temporary_assistance import START
from tests.web.conftest import Browser, open_task


@freeze_time(START)
def test_a_township_head_urges_from_the_case_page_and_the_clerk_sees_it_on_the_task_page(
    ctx: Context, make_browser: Any
) -> None:
    task_id = open_task(ctx)
    head, clerk = make_browser("head1"), make_browser("clerk1")
    number = clerk.get(f"/tasks/{task_id}").get_data(as_text=True).split("案件 <strong>")[1].split("<")[0]
    page = head.get(f"/cases/{number}").get_data(as_text=True)
    assert f'action="/tasks/{task_id}/urge"' in page
    assert f'action="/tasks/{task_id}/urge"' not in clerk.get(f"/cases/{number}").get_data(as_text=True)
    assert head.post(f"/tasks/{task_id}/urge", {"message": "", "case": number}).status_code == 422
    assert head.post(f"/tasks/{task_id}/urge", {"message": "x"}, csrf=False).status_code == 400
    reply = head.post(f"/tasks/{task_id}/urge", {"message": "请今天内办结", "case": number})
    assert reply.status_code == 302
    assert reply.headers["Location"].endswith(f"/cases/{number}#tasks")
    shown = head.get(f"/cases/{number}").get_data(as_text=True)
    assert "已催办任务" in shown
    assert "催办任务“受理登记”：请今天内办结" in shown
    task_page = clerk.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "催办记录" in task_page
    assert "请今天内办结" in task_page
    assert "城关镇负责人（head1）" in task_page
    # Too soon: the case page again, 429, saying when the next 催办 is allowed (Beijing time).
    again = head.post(f"/tasks/{task_id}/urge", {"message": "再催", "case": number})
    assert again.status_code == 429
    assert "下次可催办时间：2026-11-23 13:00" in again.get_data(as_text=True)
    # Outside scope: the 403 page.
    other = make_browser("head2")
    assert other.post(f"/tasks/{task_id}/urge", {"message": "请尽快"}).status_code == 403


@freeze_time(START)
def test_copied_to_me_lists_the_copy_and_opening_it_is_the_read_receipt(ctx: Context, make_browser: Any) -> None:
    request = at_township_approval(ctx)
    with freeze_time("2026-11-30 02:00:00"):
        timers.tick(ctx)
        task_id = request.task("township_approval").id
        request.complete("township_approval", "head_bengbu", {"decision": "approve", "opinion": "同意救助"})
        approver: Browser = make_browser("approver_bengbu")
        listed = approver.get("/copies").get_data(as_text=True)
        assert "抄送我的" in listed
        assert request.number in listed
        assert "乡镇审批" in listed
        assert "未读" in listed
        assert 'href="/copies"' in approver.get("/").get_data(as_text=True)  # the 工作台 links to it
        head: Browser = make_browser("head_bengbu")
        before = head.get(f"/tasks/{task_id}").get_data(as_text=True)
        assert "抄送对象" in before
        assert "蚌埠县民政审批人（approver_bengbu）" in before
        assert "未读" in before
        copy_id = listed.split('action="/copies/')[1].split("/open")[0]
    with freeze_time("2026-11-30 03:00:00"):
        opened = approver.post(f"/copies/{copy_id}/open")
        assert opened.status_code == 302
        assert opened.headers["Location"].endswith(f"/cases/{request.number}#copies")
        case_page = approver.get(f"/cases/{request.number}").get_data(as_text=True)
        assert "已读 · 2026-11-30 11:00" in case_page  # Beijing time
        assert head.post(f"/copies/{copy_id}/open").status_code == 404  # not hers


@pytest.mark.parametrize(("who", "status"), [("clerk1", 403), ("clerk2", 403), ("auditor1", 403), ("approver1", 302)])
@freeze_time(START)
def test_only_a_supervisor_in_scope_urges_from_the_pages(
    ctx: Context, make_browser: Any, who: str, status: int
) -> None:
    task_id = open_task(ctx)
    browser = make_browser(who)
    assert browser.post(f"/tasks/{task_id}/urge", {"message": "请尽快"}).status_code == status
    assert len(urges.task_urges(ctx, task_id, "clerk1").records) == (1 if status == 302 else 0)
