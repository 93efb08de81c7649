"""系统管理 pages (/admin): admin1 (demo-county) manages the users, roles and org units of the demo county;
field errors come back at their fields (422) with nothing written; everyone else gets 403, anonymous
visitors the login page, posts without the CSRF token 400."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from freezegun import freeze_time
from sqlalchemy import func, select

from engine.context import Context
from engine.errors import WorkflowFailed
from engine.persistence import AuditEvent, Case, OrgUnit, ProcessInstance, User
from engine.queries import task_page
from engine.records.writeback import mark_error
from engine.services import tasks, tokens
from engine.services.bootstrap import DEMO_PASSWORD
from tests.conftest import add_second_clerk
from tests.web.conftest import Browser, open_task
from tests.web.test_authorization import ADMIN_ROUTES

NEW_USER = {
    "username": "clerk3",
    "display_name": "城关镇经办人丙",
    "org_unit": "demo-town-1",
    "roles": ["township_clerk"],
    "password": "correct-horse-battery",
}
_PASSWORD = re.compile(r'<p class="password-once"><code>([^<]+)</code></p>')


def _browser(make_browser: Any, who: str | None) -> Browser:
    browser: Browser = make_browser(who)
    return browser


def _counts(ctx: Context) -> tuple[int, int, int]:
    """(users, org units, audit events)."""
    with ctx.db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(User)) or 0,
            session.scalar(select(func.count()).select_from(OrgUnit)) or 0,
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def _actions(ctx: Context, prefix: str = "admin.") -> list[str]:
    with ctx.db.read() as session:
        return list(
            session.scalars(
                select(AuditEvent.action).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.seq)
            )
        )


def _shown_password(page: str) -> str:
    match = _PASSWORD.search(page)
    assert match, "no one-time password on the page"
    return match.group(1)


def test_the_admin_page_lists_the_county_and_its_users_only(make_browser: Any) -> None:
    browser = _browser(make_browser, "admin1")
    page = browser.get("/admin")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "系统管理</a>" in html  # the header link
    for expected in ("clerk1", "城关镇经办人", "示范县", "城关镇东村", "demo-village-2-3"):
        assert expected in html
    assert "clerk_yantai" not in html
    assert "烟台" not in html
    filtered = browser.get("/admin?org_unit=demo-town-2&role=township_clerk&active=1&q=clerk").get_data(as_text=True)
    assert "clerk2" in filtered
    assert "/admin/users/clerk1" not in filtered
    bad = browser.get("/admin?org_unit=yantai-town")
    assert bad.status_code == 422
    assert "所属机构：yantai-town 不存在或不在本机构管辖范围内" in bad.get_data(as_text=True)
    assert "系统管理</a>" not in _browser(make_browser, "clerk1").get("/").get_data(as_text=True)


def test_a_user_created_on_the_page_signs_in(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "admin1")
    users, units, events = _counts(ctx)
    assert browser.get("/admin/users/new?org_unit=demo-town-1").status_code == 200
    created = browser.post("/admin/users/new", NEW_USER)
    assert created.status_code == 302
    assert created.headers["Location"] == "/admin/users/clerk3"
    detail = browser.get("/admin/users/clerk3").get_data(as_text=True)
    assert "已创建用户 clerk3（城关镇经办人丙）" in detail
    assert "乡镇经办人" in detail
    assert _counts(ctx) == (users + 1, units, events + 1)
    assert _actions(ctx) == ["admin.user_created"]
    newcomer = _browser(make_browser, None)
    assert newcomer.login("clerk3", NEW_USER["password"]).status_code == 302
    assert "城关镇经办人丙" in newcomer.get("/").get_data(as_text=True)


def test_a_generated_password_is_shown_once_and_not_kept(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "admin1")
    reply = browser.post("/admin/users/new", {**NEW_USER, "password": ""})
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"
    password = _shown_password(reply.get_data(as_text=True))
    assert password not in browser.get("/admin/users/clerk3").get_data(as_text=True)
    assert _browser(make_browser, None).login("clerk3", password).status_code == 302


def test_bad_input_comes_back_at_its_fields_and_writes_nothing(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "admin1")
    before = _counts(ctx)
    bad = {
        "username": "Clerk 3",
        "display_name": "城关镇经办人丙",
        "org_unit": "demo-county",
        "roles": ["township_clerk"],
        "password": "short",
    }
    reply = browser.post("/admin/users/new", bad)
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    assert "用户名：3–32 个字符" in html
    assert "初始密码：至少 12 个字符" in html
    assert "角色：乡镇经办人只能授予乡镇（街道）的人员" in html
    assert 'value="Clerk 3"' in html  # kept
    assert 'value="城关镇经办人丙"' in html
    assert '<option value="demo-county" selected>' in html
    assert 'value="township_clerk" checked' in html
    assert "short" not in html  # the password is never sent back
    duplicate = browser.post("/admin/users/new", {**NEW_USER, "username": "clerk1"})
    assert duplicate.status_code == 422
    assert "用户名：clerk1 已被使用" in duplicate.get_data(as_text=True)
    elsewhere = browser.post("/admin/users/new", {**NEW_USER, "org_unit": "yantai-town"})
    assert elsewhere.status_code == 422
    unit = browser.post("/admin/org-units/new", {"code": "demo-town-1", "name": "", "parent": "demo-county"})
    assert unit.status_code == 422
    unit_html = unit.get_data(as_text=True)
    assert "机构代码：demo-town-1 已存在" in unit_html
    assert "机构名称：必填" in unit_html
    assert _counts(ctx) == before


def test_deactivation_ends_the_session_the_token_and_the_claim(ctx: Context, app: Flask, make_browser: Any) -> None:
    add_second_clerk(ctx)
    task_id = open_task(ctx)
    tasks.claim(ctx, task_id, "clerk1")
    token = tokens.issue_token(ctx, "clerk1", DEMO_PASSWORD, None).token
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/tasks", headers=headers).status_code == 200
    clerk = _browser(make_browser, "clerk1")
    browser = _browser(make_browser, "admin1")

    reply = browser.post("/admin/users/clerk1/deactivate")
    assert reply.status_code == 302
    page = browser.get("/admin/users/clerk1").get_data(as_text=True)
    assert "已停用 clerk1：结束登录会话 1 个，注销接口令牌 1 个，1 项已签收任务退回待办" in page
    assert "重新启用" in page

    assert clerk.get("/").status_code == 302  # the open session ends with its next request
    assert _browser(make_browser, None).login("clerk1").status_code == 401
    assert api.get("/api/v1/tasks", headers=headers).status_code == 401
    summary = task_page.show_task(ctx, task_id).summary
    assert (summary.state, summary.assignee) == ("open", None)
    colleague = _browser(make_browser, None)
    assert colleague.login("clerk1b", "pw-12345678").status_code == 302  # tests.conftest.add_second_clerk
    assert f"/tasks/{task_id}" in colleague.get("/").get_data(as_text=True)  # back in the township's 待办
    assert _actions(ctx) == ["admin.user_deactivated"]
    assert _actions(ctx, "task_unclaimed") == ["task_unclaimed"]

    assert browser.post("/admin/users/clerk1/reactivate").status_code == 302
    assert clerk.get("/").status_code == 302  # the old session stays ended after reactivation
    assert _browser(make_browser, None).login("clerk1").status_code == 302
    assert _actions(ctx) == ["admin.user_deactivated", "admin.user_reactivated"]


def test_nobody_deactivates_themselves(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "admin1")
    assert "不能停用自己的账号" in browser.get("/admin/users/admin1").get_data(as_text=True)
    before = _counts(ctx)
    assert browser.post("/admin/users/admin1/deactivate").status_code == 403
    own_role = browser.post("/admin/users/admin1/roles", {"roles": ["auditor"]})
    assert own_role.status_code == 422
    assert "角色：不能取消自己的系统管理角色" in own_role.get_data(as_text=True)
    assert _counts(ctx) == before


def test_a_password_reset_shows_the_new_password_once(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "admin1")
    reply = browser.post("/admin/users/clerk2/reset-password")
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"
    password = _shown_password(reply.get_data(as_text=True))
    assert _browser(make_browser, None).login("clerk2").status_code == 401  # the old one
    assert _browser(make_browser, None).login("clerk2", password).status_code == 302
    assert _actions(ctx) == ["admin.password_reset"]


def test_a_roles_change_takes_effect_at_the_next_request(ctx: Context, make_browser: Any) -> None:
    clerk = _browser(make_browser, "clerk1")
    assert "乡镇负责人" not in clerk.get("/").get_data(as_text=True)
    browser = _browser(make_browser, "admin1")
    reply = browser.post("/admin/users/clerk1/roles", {"roles": ["township_clerk", "township_head"]})
    assert reply.status_code == 302
    assert "已更新 clerk1 的角色" in browser.get(reply.headers["Location"]).get_data(as_text=True)
    assert "乡镇负责人" in clerk.get("/").get_data(as_text=True)  # the header lists the signed-in roles
    unfit = browser.post("/admin/users/clerk1/roles", {"roles": ["county_approver"]})
    assert unfit.status_code == 422
    assert "角色：县民政审批人只能授予县（市、区）的人员" in unfit.get_data(as_text=True)
    assert _actions(ctx) == ["admin.roles_changed"]


def test_org_units_are_added_and_renamed(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "admin1")
    assert browser.get("/admin/org-units/new?parent=demo-county").status_code == 200
    created = browser.post(
        "/admin/org-units/new", {"code": "demo-town-3", "name": "新华镇", "level": "", "parent": "demo-county"}
    )
    assert created.status_code == 302
    assert "已新增乡镇（街道） 新华镇（demo-town-3）" in browser.get(created.headers["Location"]).get_data(as_text=True)
    assert browser.get("/admin/org-units/demo-town-3").status_code == 200
    renamed = browser.post("/admin/org-units/demo-town-3", {"name": "新华街道"})
    assert renamed.status_code == 302
    assert "新华街道" in browser.get("/admin").get_data(as_text=True)
    empty = browser.post("/admin/org-units/demo-town-3", {"name": ""})
    assert empty.status_code == 422
    assert "机构名称：必填" in empty.get_data(as_text=True)
    assert _actions(ctx) == ["admin.org_unit_created", "admin.org_unit_renamed"]


def test_a_seed_region_user_or_unit_is_out_of_the_admins_reach(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "admin1")
    before = _counts(ctx)
    assert browser.get("/admin/users/clerk_yantai").status_code == 403
    for action in ("deactivate", "reactivate", "reset-password"):
        assert browser.post(f"/admin/users/clerk_yantai/{action}").status_code == 403
    assert browser.post("/admin/users/clerk_yantai/roles", {"roles": ["township_head"]}).status_code == 403
    assert browser.get("/admin/org-units/yantai-town").status_code == 403
    assert browser.post("/admin/org-units/yantai-town", {"name": "改名"}).status_code == 403
    assert browser.get("/admin/users/nobody").status_code == 404
    assert _counts(ctx) == before


ROUTES = ADMIN_ROUTES  # every /admin route, as the authorization matrix lists them


@pytest.mark.parametrize("who", ["clerk1", "auditor1", "designer1", None])
def test_everyone_but_administrators_is_refused(ctx: Context, make_browser: Any, who: str | None) -> None:
    browser = _browser(make_browser, who)
    before = _counts(ctx)
    for method, url in ROUTES:
        reply = browser.get(url) if method == "get" else browser.post(url, {**NEW_USER, "name": "x", "code": "x-y"})
        if who is None:
            assert reply.status_code == 302, url
            assert reply.headers["Location"].startswith("/login"), url
        else:
            assert reply.status_code == 403, url
    assert _counts(ctx)[:2] == before[:2]
    assert _actions(ctx) == []


def test_posts_without_the_csrf_token_are_refused(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "admin1")
    before = _counts(ctx)
    for method, url in ROUTES:
        if method == "post":
            assert browser.post(url, NEW_USER, csrf=False).status_code == 400, url
    assert _counts(ctx) == before


def test_an_instance_in_error_is_retried_from_the_case_page(ctx: Context, make_browser: Any) -> None:
    with freeze_time("2026-11-23 01:00:00"):
        task_id = open_task(ctx)
        number = task_page.show_task(ctx, task_id).summary.case_number
        tasks.complete(
            ctx, task_id, "clerk1", {"applicant_name": "张三", "household_size": 3, "requested_amount": "5000"}
        )
    mark_error(ctx, _instance_id(ctx, number), WorkflowFailed("脚本运行超时", "decide_level"))
    # Signed in after the 7-day notice: a session cookie from a later clock would be refused as expired.
    with freeze_time("2026-12-01 01:00:00"):
        clerk = _browser(make_browser, "clerk1")
        assert "从上一个正常状态重试" not in clerk.get(f"/cases/{number}").get_data(as_text=True)
        assert clerk.post(f"/admin/cases/{number}/retry").status_code == 403
        browser = _browser(make_browser, "admin1")
        assert "从上一个正常状态重试" in browser.get(f"/cases/{number}").get_data(as_text=True)
        assert browser.post(f"/admin/cases/{number}/retry", csrf=False).status_code == 400
        reply = browser.post(f"/admin/cases/{number}/retry")
        assert reply.status_code == 302
        assert reply.headers["Location"] == f"/cases/{number}"
        page = browser.get(reply.headers["Location"]).get_data(as_text=True)
        assert "流程已从上一个正常状态继续运行，当前阶段：县级审批" in page
        assert "从上一个正常状态重试" not in page
        again = browser.post(f"/admin/cases/{number}/retry")
        assert "流程没有处于出错状态" in browser.get(again.headers["Location"]).get_data(as_text=True)
    assert _actions(ctx) == ["admin.instance_retried"]


def _instance_id(ctx: Context, number: str) -> int:
    with ctx.db.read() as session:
        return session.scalars(
            select(ProcessInstance.id).join(Case, Case.id == ProcessInstance.case_id).where(Case.number == number)
        ).one()
