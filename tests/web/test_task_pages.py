"""The task page: the form from its definition, validation at the field, and the four actions."""

from __future__ import annotations

import re

from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import AuditEvent
from engine.queries import task_page
from engine.services import tasks, timers
from tests.conftest import add_second_clerk
from tests.web.conftest import REGISTER, Browser, open_task

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing


def _html(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def _field_block(html: str, name: str) -> str:
    """The markup of the field whose input is called `name`, up to the next field."""
    position = html.index(f'name="{name}"')
    start = max(html.rfind('<div class="field"', 0, position), html.rfind('<div class="field ', 0, position))
    following = re.search(r'<div class="field[ "]', html[position:])
    return html[start : position + following.start() if following else len(html)]


def test_form_renders_labels_required_marks_and_widgets(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    page = browser.get(f"/tasks/{task_id}")
    assert page.status_code == 200
    html = _html(page)
    assert "受理登记（参考流程）" in html
    name = _field_block(html, "f.applicant_name")
    assert "申请人姓名" in name
    assert 'class="req"' in name
    assert "required" in name
    assert 'maxlength="50"' in name
    size = _field_block(html, "f.household_size")
    assert 'type="text"' in size
    assert 'inputmode="numeric"' in size
    money = _field_block(html, "f.requested_amount")
    assert 'inputmode="decimal"' in money
    assert 'type="text"' in money
    # Case summary, no opinions yet, and the actions of an open task.
    assert "案件摘要" in html
    assert "2026-0000001" in html
    assert "城关镇东村" in html
    assert "办理记录" in html
    assert "暂无" in html
    assert f'action="/tasks/{task_id}/claim"' in html
    assert f'action="/tasks/{task_id}/transfer"' in html


def test_validation_errors_show_at_the_field_with_the_values_kept(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    response = browser.post(
        f"/tasks/{task_id}/complete", {**REGISTER, "f.household_size": "三口", "f.requested_amount": ""}
    )
    assert response.status_code == 422
    html = _html(response)
    size = _field_block(html, "f.household_size")
    assert "家庭人口：必须是整数" in size
    assert 'value="三口"' in size
    assert 'aria-invalid="true"' in size
    amount = _field_block(html, "f.requested_amount")
    assert "申请金额（元）：必填" in amount
    assert 'value="张三"' in _field_block(html, "f.applicant_name")
    assert "表单有 2 处需要修改" in html
    (task,) = tasks.list_tasks(ctx, "clerk1")
    assert task.state == "open"  # nothing stored


def test_claim_unclaim_round_trip(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    claimed = browser.post(f"/tasks/{task_id}/claim")
    assert claimed.status_code == 302
    assert claimed.headers["Location"] == f"/tasks/{task_id}"
    page = _html(browser.get(f"/tasks/{task_id}"))
    assert "已签收任务“受理登记”" in page
    assert "您已签收该任务" in page
    assert task_page.show_task(ctx, task_id).summary.assignee == "clerk1"

    assert browser.post(f"/tasks/{task_id}/unclaim").status_code == 302
    page = _html(browser.get(f"/tasks/{task_id}"))
    assert "已取消签收" in page
    assert "该任务尚未签收" in page
    assert task_page.show_task(ctx, task_id).summary.state == "open"


def test_a_task_claimed_by_a_colleague_shows_no_form(ctx: Context, browser: Browser) -> None:
    add_second_clerk(ctx)
    task_id = open_task(ctx)
    tasks.claim(ctx, task_id, "clerk1b")
    browser.login("clerk1")
    html = _html(browser.get(f"/tasks/{task_id}"))
    assert "该任务已由 clerk1b 签收" in html
    assert "f.applicant_name" not in html
    refused = browser.post(f"/tasks/{task_id}/claim", follow_redirects=True)
    assert "该任务已被他人签收" in _html(refused)


def test_transfer_needs_a_colleague_and_a_reason(ctx: Context, browser: Browser) -> None:
    add_second_clerk(ctx)
    task_id = open_task(ctx)
    browser.login("clerk1")
    html = _html(browser.get(f"/tasks/{task_id}"))
    assert '<option value="clerk1b">城关镇经办人乙（clerk1b）</option>' in html

    no_reason = browser.post(f"/tasks/{task_id}/transfer", {"to": "clerk1b", "reason": " "})
    assert no_reason.status_code == 422
    assert "转办理由：必填" in _html(no_reason)
    elsewhere = browser.post(f"/tasks/{task_id}/transfer", {"to": "clerk2", "reason": "休假"})
    assert elsewhere.status_code == 422
    assert "接收人：必须是本机构内具有相同角色的其他人员" in _html(elsewhere)
    assert ">休假</textarea>" in _html(elsewhere)  # the reason is kept

    moved = browser.post(f"/tasks/{task_id}/transfer", {"to": "clerk1b", "reason": "本人休假"})
    assert moved.status_code == 302
    assert moved.headers["Location"] == "/"
    assert "已将任务“受理登记”转办给 clerk1b" in _html(browser.get("/"))
    summary = task_page.show_task(ctx, task_id).summary
    assert (summary.state, summary.assignee) == ("claimed", "clerk1b")
    with ctx.db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "task_transferred")).one()
    assert (event.actor_name, event.details["to"], event.details["reason"]) == ("clerk1", "clerk1b", "本人休假")


def test_complete_round_trip(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    done = browser.post(f"/tasks/{task_id}/complete", REGISTER)
    assert done.status_code == 302
    assert done.headers["Location"] == "/"
    assert "已提交任务“受理登记”（案件 2026-0000001）；案件当前阶段：等待期满" in _html(browser.get("/"))
    summary = task_page.show_task(ctx, task_id).summary
    assert (summary.state, summary.completed_by) == ("completed", "clerk1")
    page = _html(browser.get(f"/tasks/{task_id}"))
    assert "办理结果" in page
    assert "f.applicant_name" not in page


def test_completed_meanwhile_by_someone_else_flashes_and_returns_to_the_inbox(ctx: Context, browser: Browser) -> None:
    add_second_clerk(ctx)
    task_id = open_task(ctx)
    browser.login("clerk1")
    assert browser.get(f"/tasks/{task_id}").status_code == 200
    tasks.complete(ctx, task_id, "clerk1b", {"applicant_name": "李四", "household_size": 2, "requested_amount": "800"})
    response = browser.post(f"/tasks/{task_id}/complete", REGISTER)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    inbox = _html(browser.get("/"))
    assert "任务“受理登记”已办结，无法再操作" in inbox
    assert "Traceback" not in inbox


@freeze_time(START)
def test_review_form_and_earlier_opinions(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    tasks.complete(ctx, task_id, "clerk1", {"applicant_name": "张三", "household_size": 3, "requested_amount": "5000"})
    with freeze_time("2026-12-01 01:00:00"):
        assert timers.tick(ctx) == 1
        (review,) = tasks.list_tasks(ctx, "approver1")
        browser.login("approver1")
        html = _html(browser.get(f"/tasks/{review.id}"))
        assert 'type="radio" name="f.decision" value="approve"' in html
        assert "> 同意</label>" in html
        assert "> 退回</label>" in html
        assert '<textarea id="f-opinion" name="f.opinion"' in html
        assert "办理期限 2026-12-15" in html  # 10 working days, Beijing date

        missing = browser.post(f"/tasks/{review.id}/complete", {"f.decision": "approve", "f.opinion": ""})
        assert missing.status_code == 422
        assert "审批意见：必填" in _html(missing)
        assert 'value="approve" checked' in _html(missing)

        assert (
            browser.post(f"/tasks/{review.id}/complete", {"f.decision": "approve", "f.opinion": "同意纳入"}).status_code
            == 302
        )
        page = _html(browser.get(f"/tasks/{review.id}"))
    opinions = page[page.index("<h2>办理记录</h2>") :]
    assert "县级审批" in opinions
    assert "县民政审批人" in opinions  # who decided, by display name
    assert "结论：同意" in opinions  # the form's own word for approve
    assert "同意纳入" in opinions
    assert re.search(r"2026-12-01 09:00", opinions)


def test_add_and_remove_buttons_without_a_nested_form_are_refused(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    response = browser.post(f"/tasks/{task_id}/complete", {**REGISTER, "_op": "add:applicant_name"})
    assert response.status_code == 400
    assert task_page.show_task(ctx, task_id).summary.state == "open"


def test_the_task_page_shows_its_process_diagram_with_the_task_as_the_current_position(
    ctx: Context, browser: Browser
) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    html = _html(browser.get(f"/tasks/{task_id}"))
    diagram = html[html.index(">流程图</h2>") :]
    assert "<svg" in diagram
    assert 'id="bpmn-current"' in diagram  # the anchor the legend's 在图中定位 link jumps to
    current = re.search(r"当前所在：<strong>([^<]+)</strong>", diagram)
    assert current, "the legend names where the case is"
    assert current.group(1) == task_page.show_task(ctx, task_id).summary.title
