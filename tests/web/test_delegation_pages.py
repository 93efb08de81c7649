"""委派 on the task page (web/templates/clerk/_task_delegate.html, docs/delegation.md): the holder picks a colleague,
the delegate saves (暂存, no 提交) and hands back from 委派给我, the holder reviews the draft and completes, and the
办理记录 names both; 收回 and the refusals."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from engine.queries import task_page
from engine.services import delegation, tasks
from tests.conftest import add_second_clerk
from tests.web.conftest import REGISTER, open_task

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing
SUBMIT = 'name="_op" value="submit" class="primary"'


def _html(response: Any) -> str:
    return str(response.get_data(as_text=True))


@freeze_time(START)
def test_delegate_save_hand_back_and_complete_in_the_browser(ctx: Context, make_browser: Any) -> None:
    add_second_clerk(ctx)
    task_id = open_task(ctx)
    holder = make_browser("clerk1")
    colleague = make_browser(None)
    assert colleague.login("clerk1b", "pw-12345678").status_code == 302
    assert "委派同事填写" not in _html(holder.get(f"/tasks/{task_id}"))  # not before 签收
    holder.post(f"/tasks/{task_id}/claim")
    page = _html(holder.get(f"/tasks/{task_id}"))
    assert "委派同事填写" in page
    assert f'action="/tasks/{task_id}/delegate"' in page
    assert '<option value="clerk1b">城关镇经办人乙（clerk1b）</option>' in page

    done = holder.post(f"/tasks/{task_id}/delegate", {"to": "clerk1b", "note": "请先登记"})
    assert done.status_code == 302
    page = _html(holder.get(done.headers["Location"]))
    assert "已将任务“受理登记”委派给 城关镇经办人乙" in page
    assert "已委派给 城关镇经办人乙（clerk1b）" in page
    assert f'action="/tasks/{task_id}/recall"' in page
    assert SUBMIT not in page  # the form is with the delegate
    assert "已委派给 城关镇经办人乙" in _html(holder.get("/?view=claimed"))

    inbox = _html(colleague.get("/?view=delegated"))
    assert "委派给我" in inbox
    assert f"/tasks/{task_id}" in inbox
    mine = _html(colleague.get(f"/tasks/{task_id}"))
    assert "签收人 clerk1 于" in mine
    assert "请先登记" in mine
    assert 'name="_op" value="save"' in mine
    assert SUBMIT not in mine  # the delegate never completes
    assert f'action="/tasks/{task_id}/transfer"' not in mine
    assert colleague.post(f"/tasks/{task_id}/complete", {**REGISTER, "_op": "submit"}).status_code == 403
    assert colleague.post(f"/tasks/{task_id}/complete", {**REGISTER, "_op": "save"}).status_code == 302
    back = colleague.post(f"/tasks/{task_id}/hand-back", {"note": "已登记完毕"})
    assert back.status_code == 302
    assert back.headers["Location"] == "/?view=delegated"
    assert f"/tasks/{task_id}" not in _html(colleague.get("/?view=delegated"))

    page = _html(holder.get(f"/tasks/{task_id}"))
    assert "城关镇经办人乙（clerk1b）已于" in page
    assert "已登记完毕" in page
    assert 'value="张三"' in page  # the form opens with the delegate's draft
    assert SUBMIT in page
    assert holder.post(f"/tasks/{task_id}/complete", {**REGISTER, "_op": "submit"}).status_code == 302
    record = _html(holder.get(f"/tasks/{task_id}"))
    assert "填写：城关镇经办人乙，办理：城关镇经办人" in record
    case = task_page.show_task(ctx, task_id).summary.case_number
    timeline = _html(holder.get(f"/cases/{case}"))
    assert "委派：将任务“受理登记”交给 城关镇经办人乙（clerk1b）填写，说明：请先登记" in timeline
    assert "交回：将任务“受理登记”交回签收人 clerk1（附暂存的填写内容），说明：已登记完毕" in timeline


@freeze_time(START)
def test_a_bad_colleague_shows_the_form_again_and_recall_takes_it_back(ctx: Context, make_browser: Any) -> None:
    add_second_clerk(ctx)
    task_id = open_task(ctx)
    holder = make_browser("clerk1")
    holder.post(f"/tasks/{task_id}/claim")
    refused = holder.post(f"/tasks/{task_id}/delegate", {"to": "clerk2", "note": "帮个忙"})
    assert refused.status_code == 422
    page = _html(refused)
    assert "被委派人：河西乡经办人（clerk2）不属于城关镇" in page
    assert ">帮个忙</textarea>" in page  # the note is kept
    assert task_page.show_task(ctx, task_id).summary.delegation is None

    delegation.delegate(ctx, task_id, "clerk1", "clerk1b")
    again = holder.post(f"/tasks/{task_id}/delegate", {"to": "clerk1b"})  # a Conflict: its message, the inbox
    assert (again.status_code, again.headers["Location"]) == (302, "/")
    assert "请先收回后再委派" in _html(holder.get("/"))
    assert holder.post(f"/tasks/{task_id}/hand-back").status_code == 403
    recalled = holder.post(f"/tasks/{task_id}/recall")
    assert recalled.status_code == 302
    page = _html(holder.get(recalled.headers["Location"]))
    assert "已收回任务“受理登记”" in page
    assert SUBMIT in page
    assert task_page.show_task(ctx, task_id).summary.delegation is None
    tasks.complete(ctx, task_id, "clerk1", {"applicant_name": "张三", "household_size": 3, "requested_amount": "5000"})
