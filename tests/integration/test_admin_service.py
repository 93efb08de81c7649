"""engine.services.admin: users, roles and org units within the administrator's subtree, one audited
transaction per change, refused changes writing nothing."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.context import Context
from engine.errors import InvalidData, NotFound, PermissionDenied
from engine.persistence import AuditEvent, OrgUnit, User
from engine.queries import task_page
from engine.services import admin, auth, cases, tasks, tokens, web_sessions
from engine.services.auth import LoginRefused
from engine.services.bootstrap import DEMO_PASSWORD
from engine.services.tokens import TokenRefused
from tests.conftest import add_second_clerk

PASSWORD = "correct-horse-battery"
DEMO_UNITS = (
    {"demo-county", "demo-town-1", "demo-town-2"}
    | {f"demo-village-{t}-{v}" for t in (1, 2) for v in (1, 2, 3)}
    # the county's departments receiving 转介 (docs/referrals.md)
    | {f"demo-dept-{d}" for d in ("yibao", "jiaoyu", "zhujian", "renshe", "canlian", "weijian", "xiangcun")}
)


def _counts(ctx: Context) -> tuple[int, int, int]:
    """(users, org units, audit events): what a refused change must leave as it was."""
    with ctx.db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(User)) or 0,
            session.scalar(select(func.count()).select_from(OrgUnit)) or 0,
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def _events(ctx: Context, action: str) -> list[AuditEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def _claimed_task(ctx: Context, username: str = "clerk1") -> int:
    case = cases.start_case(ctx, "reference_review", username, {"village": "demo-village-1-1"})
    (task,) = [t for t in case.tasks if t.state == "open"]
    tasks.claim(ctx, task.id, username)
    return task.id


def _create(ctx: Context, **overrides: Any) -> admin.NewUser:
    values: dict[str, Any] = {
        "new_username": "clerk3",
        "display_name": "城关镇经办人丙",
        "org_unit": "demo-town-1",
        "roles": ["township_clerk"],
        "password": PASSWORD,
        **overrides,
    }
    return admin.create_user(ctx, "admin1", **values)


def test_the_scope_is_the_admins_unit_and_everything_below_it(ctx: Context) -> None:
    units = admin.list_org_units(ctx, "admin1")
    assert {u.code for u in units} == DEMO_UNITS
    assert (units[0].code, units[0].depth, units[0].parent_code) == ("demo-county", 0, None)
    town = next(u for u in units if u.code == "demo-town-1")
    # clerk1, head1 and deputy1 (the colleague head1 delegates to, docs/delegation.md)
    assert (town.depth, town.parent_code, town.child_level, town.active_users) == (1, "demo-county", "village", 3)
    assert [u.code for u in units][:3] == ["demo-county", "demo-town-1", "demo-village-1-1"]  # depth first

    everyone = admin.list_users(ctx, "admin1", admin.UserFilters(), page_size=100)
    names = {row.username for row in everyone.rows}
    assert everyone.total == 15 + 7  # with deputy1 (委派), committee1–3 (会签) and yibao1 … xiangcun1 (转介)
    assert {"admin1", "clerk1", "village1"} <= names
    assert not any("yantai" in name for name in names)

    town_staff = admin.list_users(ctx, "admin1", admin.UserFilters(org_unit="demo-town-1"))
    assert [r.username for r in town_staff.rows] == ["clerk1", "deputy1", "head1", "village1"]  # the township's subtree
    clerks = admin.list_users(ctx, "admin1", admin.UserFilters(role="township_clerk"))
    assert [r.username for r in clerks.rows] == ["clerk1", "clerk2"]
    assert [r.username for r in admin.list_users(ctx, "admin1", admin.UserFilters(query="城关镇")).rows] == [
        "clerk1",
        "head1",
    ]
    assert admin.list_users(ctx, "admin1", admin.UserFilters(active=False)).total == 0
    first, second = (admin.list_users(ctx, "admin1", admin.UserFilters(), page, 5) for page in (1, 2))
    assert (first.pages, len(first.rows), len(second.rows)) == (5, 5, 5)  # 22 users, 5 a page
    assert not {r.username for r in first.rows} & {r.username for r in second.rows}
    with pytest.raises(InvalidData) as outside:
        admin.list_users(ctx, "admin1", admin.UserFilters(org_unit="yantai-town", role="wizard"))
    assert set(outside.value.fields) == {"org_unit", "role"}


@pytest.mark.parametrize("who", ["clerk1", "auditor1", "designer1", "approver1"])
def test_only_administrators_may_do_anything(ctx: Context, who: str) -> None:
    before = _counts(ctx)
    calls: list[Callable[[], object]] = [
        lambda: admin.list_org_units(ctx, who),
        lambda: admin.list_users(ctx, who, admin.UserFilters()),
        lambda: admin.show_user(ctx, who, "clerk1"),
        lambda: admin.create_user(
            ctx, who, new_username="x", display_name="", org_unit="", roles=[], password=""
        ),  # bad input too: the role check comes first
        lambda: admin.deactivate_user(ctx, who, "clerk2"),
        lambda: admin.reactivate_user(ctx, who, "clerk2"),
        lambda: admin.reset_password(ctx, who, "clerk2"),
        lambda: admin.set_roles(ctx, who, "clerk2", ["township_head"]),
        lambda: admin.create_org_unit(ctx, who, code="new-town", name="新镇", level="", parent="demo-county"),
        lambda: admin.rename_org_unit(ctx, who, "demo-town-1", "改名"),
        lambda: admin.show_org_unit(ctx, who, "demo-town-1"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert "系统管理" in refused.value.message
    assert _counts(ctx) == before


def test_a_seed_region_user_or_unit_is_out_of_reach(ctx: Context) -> None:
    before = _counts(ctx)
    for call in (
        lambda: admin.show_user(ctx, "admin1", "clerk_yantai"),
        lambda: admin.deactivate_user(ctx, "admin1", "clerk_yantai"),
        lambda: admin.reset_password(ctx, "admin1", "clerk_yantai"),
        lambda: admin.set_roles(ctx, "admin1", "clerk_yantai", ["township_head"]),
        lambda: admin.rename_org_unit(ctx, "admin1", "yantai-town", "改名"),
        lambda: admin.show_org_unit(ctx, "admin1", "yantai-county"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(NotFound):
        admin.show_user(ctx, "admin1", "nobody")
    with pytest.raises(InvalidData) as elsewhere:
        _create(ctx, org_unit="yantai-town")
    assert elsewhere.value.fields == {"org_unit": ["所属机构：yantai-town 不存在或不在本机构管辖范围内"]}
    with pytest.raises(InvalidData) as parent:
        admin.create_org_unit(ctx, "admin1", code="yantai-village-2", name="新村", level="", parent="yantai-town")
    assert list(parent.value.fields) == ["parent"]
    assert _counts(ctx) == before


def test_a_new_user_signs_in_with_the_password_set_and_the_event_keeps_no_password(ctx: Context) -> None:
    users, units, events = _counts(ctx)
    created = _create(ctx, roles=["township_clerk", "township_head", "township_clerk"])
    assert (created.username, created.roles, created.generated_password) == (
        "clerk3",
        ("township_clerk", "township_head"),
        None,
    )
    assert _counts(ctx) == (users + 1, units, events + 1)
    (event,) = _events(ctx, "admin.user_created")
    assert (event.actor_name, event.actor_role, event.actor_org) == ("admin1", "admin", "demo-county")
    assert event.details == {
        "username": "clerk3",
        "display_name": "城关镇经办人丙",
        "org_unit": "demo-town-1",
        "roles": ["township_clerk", "township_head"],
        "password": "set_by_admin",
    }
    signed_in = auth.authenticate(ctx, "clerk3", PASSWORD, None)
    assert (signed_in.org_unit_code, signed_in.roles) == ("demo-town-1", ("township_clerk", "township_head"))
    with ctx.db.read() as session:
        stored = session.scalars(select(User.password_hash).where(User.username == "clerk3")).one()
    assert stored.startswith("$argon2")
    assert PASSWORD not in stored


def test_without_a_password_one_is_generated_and_returned_once(ctx: Context) -> None:
    created = _create(
        ctx, new_username="village4", org_unit="demo-village-1-2", roles=["village_assistant"], password=""
    )
    password = created.generated_password
    assert password is not None
    assert (len(password), password.count("-")) == (19, 3)
    assert auth.authenticate(ctx, "village4", password, None).username == "village4"
    (event,) = _events(ctx, "admin.user_created")
    assert event.details["password"] == "generated"
    assert password not in json.dumps(event.details)


def test_bad_input_names_every_field_and_writes_nothing(ctx: Context) -> None:
    before = _counts(ctx)
    with pytest.raises(InvalidData) as bad:
        _create(
            ctx, new_username="A!", display_name=" ", org_unit="demo-county", roles=["township_clerk"], password="short"
        )
    fields = bad.value.fields
    assert set(fields) == {"username", "display_name", "password", "roles"}
    assert fields["password"] == ["初始密码：至少 12 个字符"]
    assert fields["roles"] == ["角色：乡镇经办人只能授予乡镇（街道）的人员，示范县是县（市、区）"]
    with pytest.raises(InvalidData) as taken:
        _create(ctx, new_username="clerk1")
    assert taken.value.fields == {"username": ["用户名：clerk1 已被使用"]}
    with pytest.raises(InvalidData) as no_roles:
        _create(ctx, roles=[])
    assert no_roles.value.fields == {"roles": ["角色：请至少选择一个角色"]}
    with pytest.raises(InvalidData) as unknown:
        _create(ctx, roles=["wizard"])
    assert unknown.value.fields == {"roles": ["角色：未知角色 wizard"]}
    with pytest.raises(InvalidData) as missing_unit:
        _create(ctx, org_unit="")
    assert missing_unit.value.fields == {"org_unit": ["所属机构：必填"]}
    assert _counts(ctx) == before


def test_the_demo_password_is_refused_outside_demo_mode(ctx: Context) -> None:
    production = Context(dataclasses.replace(ctx.settings, demo=False), ctx.db)
    with pytest.raises(InvalidData) as refused:
        _create(production, password=DEMO_PASSWORD)
    assert refused.value.fields == {"password": ["初始密码：不能使用公开的示范密码"]}
    assert _create(ctx, password=DEMO_PASSWORD).username == "clerk3"  # demo mode: allowed


def test_deactivation_ends_sign_in_and_tokens_and_returns_claimed_tasks(ctx: Context) -> None:
    add_second_clerk(ctx)
    task_id = _claimed_task(ctx)
    assert task_id not in [t.id for t in tasks.list_tasks(ctx, "clerk1b")]
    token = tokens.issue_token(ctx, "clerk1", DEMO_PASSWORD, None).token
    assert tokens.verify_token(ctx, token).username == "clerk1"
    browser_session = web_sessions.sign_in(ctx, "clerk1", DEMO_PASSWORD, None).session_id
    detail = admin.show_user(ctx, "admin1", "clerk1")
    assert (detail.claimed_tasks, detail.live_tokens, detail.live_sessions, detail.is_self) == (1, 1, 1, False)

    done = admin.deactivate_user(ctx, "admin1", "clerk1")
    assert (done.revoked_tokens, done.revoked_sessions, done.released_tasks) == (1, 1, 1)
    with pytest.raises(LoginRefused) as refused:
        auth.authenticate(ctx, "clerk1", DEMO_PASSWORD, None)
    assert refused.value.message == auth.INACTIVE_MESSAGE
    with pytest.raises(TokenRefused):
        tokens.verify_token(ctx, token)
    assert auth.load_user(ctx, "clerk1") is None
    assert web_sessions.load(ctx, browser_session) is None  # a signed-in web session ends with the next request
    summary = task_page.show_task(ctx, task_id).summary
    assert (summary.state, summary.assignee) == ("open", None)
    assert task_id in [t.id for t in tasks.list_tasks(ctx, "clerk1b")]  # back in the township's 待办
    (event,) = _events(ctx, "admin.user_deactivated")
    assert event.details["username"] == "clerk1"
    assert event.details["released_tasks"] == [task_id]
    assert len(event.details["revoked_tokens"]) == 1
    assert len(event.details["revoked_sessions"]) == 1
    (unclaimed,) = _events(ctx, "task_unclaimed")
    assert (unclaimed.actor_name, unclaimed.task_id, unclaimed.details["reason"]) == (
        "admin1",
        task_id,
        "user_deactivated",
    )
    assert admin.list_users(ctx, "admin1", admin.UserFilters(active=False)).rows[0].username == "clerk1"

    before = _counts(ctx)
    with pytest.raises(InvalidData):
        admin.deactivate_user(ctx, "admin1", "clerk1")  # already stopped
    with pytest.raises(PermissionDenied):
        admin.deactivate_user(ctx, "admin1", "admin1")
    assert _counts(ctx) == before

    admin.reactivate_user(ctx, "admin1", "clerk1")
    assert auth.authenticate(ctx, "clerk1", DEMO_PASSWORD, None).username == "clerk1"
    with pytest.raises(TokenRefused):
        tokens.verify_token(ctx, token)  # revoked for good, not merely suspended
    assert web_sessions.load(ctx, browser_session) is None
    assert [e.details["username"] for e in _events(ctx, "admin.user_reactivated")] == ["clerk1"]


def test_a_password_reset_replaces_the_old_one(ctx: Context) -> None:
    token = tokens.issue_token(ctx, "clerk2", DEMO_PASSWORD, None).token
    browser_session = web_sessions.sign_in(ctx, "clerk2", DEMO_PASSWORD, None).session_id
    other_user = web_sessions.sign_in(ctx, "clerk1", DEMO_PASSWORD, None).session_id
    reset = admin.reset_password(ctx, "admin1", "clerk2")
    assert (reset.username, reset.revoked_tokens, reset.revoked_sessions) == ("clerk2", 1, 1)
    assert web_sessions.load(ctx, browser_session) is None
    assert web_sessions.load(ctx, other_user) is not None
    with pytest.raises(LoginRefused):
        auth.authenticate(ctx, "clerk2", DEMO_PASSWORD, None)
    assert auth.authenticate(ctx, "clerk2", reset.password, None).username == "clerk2"
    with pytest.raises(TokenRefused):
        tokens.verify_token(ctx, token)
    (event,) = _events(ctx, "admin.password_reset")
    assert event.details["username"] == "clerk2"
    assert reset.password not in json.dumps(event.details)
    assert admin.reset_password(ctx, "admin1", "clerk2").password != reset.password


def test_roles_change_takes_effect_and_is_audited_with_before_and_after(ctx: Context) -> None:
    task_id = _claimed_task(ctx)
    change = admin.set_roles(ctx, "admin1", "clerk1", ["township_head", "township_clerk"])
    assert (change.before, change.after, change.released_tasks) == (
        ("township_clerk",),
        ("township_clerk", "township_head"),
        0,
    )
    loaded = auth.load_user(ctx, "clerk1")
    assert loaded is not None
    assert loaded.roles == ("township_clerk", "township_head")
    assert task_page.show_task(ctx, task_id).summary.state == "claimed"

    dropped = admin.set_roles(ctx, "admin1", "clerk1", ["township_head"])
    assert dropped.released_tasks == 1  # the clerk's claimed 受理登记 goes back to 待办
    assert task_page.show_task(ctx, task_id).summary.state == "open"
    events = _events(ctx, "admin.roles_changed")
    assert [(e.details["before"], e.details["after"]) for e in events] == [
        (["township_clerk"], ["township_clerk", "township_head"]),
        (["township_clerk", "township_head"], ["township_head"]),
    ]
    assert events[1].details["released_tasks"] == [task_id]

    before = _counts(ctx)
    unchanged = admin.set_roles(ctx, "admin1", "clerk1", ["township_head"])
    assert unchanged.before == unchanged.after
    with pytest.raises(InvalidData) as unfit:
        admin.set_roles(ctx, "admin1", "clerk1", ["county_approver"])
    assert unfit.value.fields["roles"] == ["角色：县民政审批人只能授予县（市、区）的人员，城关镇是乡镇（街道）"]
    with pytest.raises(InvalidData) as own:
        admin.set_roles(ctx, "admin1", "admin1", ["auditor"])
    assert own.value.fields["roles"] == ["角色：不能取消自己的系统管理角色"]
    assert _counts(ctx) == before
    assert admin.set_roles(ctx, "admin1", "admin1", ["admin", "auditor"]).after == ("admin", "auditor")


def test_org_units_are_created_under_the_scope_and_renamed(ctx: Context) -> None:
    users, units, events = _counts(ctx)
    town = admin.create_org_unit(ctx, "admin1", code="demo-town-3", name="新华镇", level="", parent="demo-county")
    assert (town.level, town.region, town.parent_code, town.child_level) == (
        "township",
        "default",
        "demo-county",
        "village",
    )
    village = admin.create_org_unit(
        ctx, "admin1", code="demo-village-3-1", name="新华村", level="village", parent="demo-town-3"
    )
    assert village.region == "default"
    assert _counts(ctx) == (users, units + 2, events + 2)
    created = _events(ctx, "admin.org_unit_created")
    assert [e.details["code"] for e in created] == ["demo-town-3", "demo-village-3-1"]
    assert created[0].details == {
        "code": "demo-town-3",
        "name": "新华镇",
        "level": "township",
        "parent": "demo-county",
        "region": "default",
    }
    assert "demo-village-3-1" in {u.code for u in admin.list_org_units(ctx, "admin1")}
    _create(ctx, new_username="village31", org_unit="demo-village-3-1", roles=["village_assistant"])
    # The new village works at once: its township's clerk registers a case there.
    _create(ctx, new_username="clerk31", org_unit="demo-town-3", roles=["township_clerk"])
    case = cases.start_case(ctx, "reference_review", "clerk31", {"village": "demo-village-3-1"})
    assert case.number

    before = _counts(ctx)
    for kwargs, field in (
        ({"code": "demo-town-1", "name": "重复", "level": "", "parent": "demo-county"}, "code"),
        ({"code": "Bad Code", "name": "坏", "level": "", "parent": "demo-county"}, "code"),
        ({"code": "demo-x", "name": "", "level": "", "parent": "demo-county"}, "name"),
        ({"code": "demo-x", "name": "村下", "level": "", "parent": "demo-village-1-1"}, "parent"),
        ({"code": "demo-x", "name": "层级错", "level": "village", "parent": "demo-county"}, "level"),
        ({"code": "demo-x", "name": "无上级", "level": "", "parent": ""}, "parent"),
    ):
        with pytest.raises(InvalidData) as bad:
            admin.create_org_unit(ctx, "admin1", **kwargs)
        assert list(bad.value.fields) == [field], kwargs
    assert _counts(ctx) == before

    admin.rename_org_unit(ctx, "admin1", "demo-town-3", "新华街道")
    assert admin.show_org_unit(ctx, "admin1", "demo-town-3").name == "新华街道"
    (renamed,) = _events(ctx, "admin.org_unit_renamed")
    assert renamed.details == {"code": "demo-town-3", "before": "新华镇", "after": "新华街道"}
    with pytest.raises(InvalidData):
        admin.rename_org_unit(ctx, "admin1", "demo-town-3", "")
    with pytest.raises(NotFound):
        admin.rename_org_unit(ctx, "admin1", "no-such-unit", "名")
