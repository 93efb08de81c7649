"""终止 on the case page and the administrator's 暂停/恢复/撤销 (docs/ending-and-pausing-cases.md): the forms are
offered to those who may use them, a post redirects back with a Chinese flash, the public board drops the
household, the inbox shows a paused case as 已暂停, and a refused post changes nothing."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from engine.queries import case_view, task_page
from tests.api.conftest import application_in_notice
from tests.web.conftest import open_task

BOARD = "/public/notices/demo-village-1-1"


@freeze_time("2026-11-23 01:00:00")
def test_a_clerk_terminates_a_case_in_its_notice_from_the_case_page(ctx: Context, make_browser: Any) -> None:
    application, notice = application_in_notice(ctx)
    number = application.number
    anonymous = make_browser(None)
    assert notice.masked_name in anonymous.get(BOARD).get_data(as_text=True)
    outsider = make_browser("clerk2")
    assert outsider.post(f"/cases/{number}/terminate", {"ground": "other", "reason": "越权"}).status_code == 403

    clerk = make_browser("clerk1")
    page = clerk.get(f"/cases/{number}").get_data(as_text=True)
    assert "终止案件" in page
    assert "申请人撤回申请" in page
    assert "流程实例操作" not in page  # not an administrator
    refused = clerk.post(f"/cases/{number}/terminate", {"ground": "other", "reason": ""})
    assert "终止理由：必填" in clerk.get(refused.headers["Location"]).get_data(as_text=True)
    assert case_view.show_case(ctx, number).status == "open"

    reply = clerk.post(f"/cases/{number}/terminate", {"ground": "applicant_withdrew", "reason": "申请人书面撤回"})
    assert (reply.status_code, reply.headers["Location"]) == (302, f"/cases/{number}")
    page = clerk.get(reply.headers["Location"]).get_data(as_text=True)
    assert "已终止（申请人撤回申请）" in page
    assert "终止办理通知书" in page
    assert "申请人书面撤回" in page
    assert '<form method="post" action="/cases/' + number + '/terminate"' not in page
    assert "已撤回" in page  # the case's 公示, as its page lists it
    assert notice.masked_name not in anonymous.get(BOARD).get_data(as_text=True)
    listed = clerk.get("/cases").get_data(as_text=True)
    assert "已终止（申请人撤回申请）" in listed

    again = clerk.post(f"/cases/{number}/terminate", {"ground": "other", "reason": "再次"})
    assert "已终止，不能再次终止" in clerk.get(again.headers["Location"]).get_data(as_text=True)


@freeze_time("2026-11-23 01:00:00")
def test_an_administrator_suspends_resumes_and_cancels_from_the_case_page(ctx: Context, make_browser: Any) -> None:
    task_id = open_task(ctx)
    clerk, admin = make_browser("clerk1"), make_browser("admin1")
    number = _number(ctx, task_id)
    assert clerk.post(f"/admin/cases/{number}/suspend", {"reason": "非管理员"}).status_code == 403
    assert admin.post(f"/admin/cases/{number}/suspend", {"reason": "x"}, csrf=False).status_code == 400

    page = admin.get(f"/cases/{number}").get_data(as_text=True)
    assert "流程实例操作（系统管理）" in page
    assert "暂停理由" in page
    assert "恢复理由" not in page
    reply = admin.post(f"/admin/cases/{number}/suspend", {"reason": "核查举报"})
    page = admin.get(reply.headers["Location"]).get_data(as_text=True)
    assert "已暂停：定时器不再触发" in page
    assert "恢复理由" in page
    assert "已暂停" in clerk.get("/").get_data(as_text=True)  # the inbox row's case status
    claim = clerk.post(f"/tasks/{task_id}/claim")
    assert "案件已暂停" in clerk.get(claim.headers["Location"]).get_data(as_text=True)

    admin.post(f"/admin/cases/{number}/resume", {"reason": "核查完毕"})
    assert case_view.show_case(ctx, number).status == "open"
    reply = admin.post(f"/admin/cases/{number}/cancel", {"reason": "重复登记"})
    page = admin.get(reply.headers["Location"]).get_data(as_text=True)
    assert "已撤销：待办任务已取消" in page
    assert "其他（管理员撤销）" in page
    assert "系统管理员暂停案件" in page
    assert "系统管理员恢复案件" in page
    assert "撤销案件，事由" in page
    assert "案件终止，任务“受理登记”随之取消（未经办理）" in page


def _number(ctx: Context, task_id: int) -> str:
    return task_page.show_task(ctx, task_id).summary.case_number
