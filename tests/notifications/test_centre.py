"""The notification centre's read model and commands (engine.queries / engine.services.notifications), driven
by real causes: clerk1 registers cases, so clerk1b, the other township clerk, is told of each new task."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.context import Context
from engine.domain.contacts import email_problem, mobile_problem
from engine.domain.notification_kinds import KINDS
from engine.errors import InvalidData, NotFound
from engine.persistence import AuditEvent, NotificationPreference, User
from engine.queries import notifications as centre
from engine.services import delegation, notifications, tasks
from tests.api.conftest import eligible_household
from tests.conftest import add_second_clerk
from tests.scenarios.flow import Application


def _started(ctx: Context, count: int) -> list[Application]:
    add_second_clerk(ctx)
    return [Application(ctx, eligible_household()).start() for _ in range(count)]


def _page(ctx: Context, username: str = "clerk1b", **query: Any) -> centre.NotificationPage:
    return centre.list_notifications(ctx, username, centre.NotificationQuery(**query))


def test_the_list_is_newest_first_with_its_link_label_and_china_time(ctx: Context) -> None:
    first, second = _started(ctx, 2)
    page = _page(ctx)
    assert (page.total, page.unread, centre.unread_count(ctx, "clerk1b")) == (2, 2, 2)
    newest, oldest = page.rows
    assert (newest.task_id, oldest.task_id) == (second.task("intake_review").id, first.task("intake_review").id)
    assert newest.case_number == second.number
    assert (newest.kind, newest.kind_label, newest.read) == ("task_new", "新任务", False)
    assert newest.sender_name is None  # the process made the task, not a person
    assert newest.china_time.count(":") == 1
    assert len(newest.china_time) == 16
    assert centre.unread_count(ctx, "clerk1") == 0  # the actor is not told
    assert centre.unread_count(ctx, "nobody") == 0


def test_a_delegation_names_its_sender(ctx: Context) -> None:
    (app,) = _started(ctx, 1)
    task_id = app.task("intake_review").id
    tasks.claim(ctx, task_id, "clerk1")
    delegation.delegate(ctx, task_id, "clerk1", "clerk1b", "请补录申请材料")
    (row,) = _page(ctx, kind="delegated").rows
    with ctx.db.read() as session:
        clerk1 = session.scalars(select(User).where(User.username == "clerk1")).unique().one()
    assert (row.sender_name, row.task_id, row.kind_label) == (clerk1.display_name, task_id, "委派或转办给我")


def test_a_task_that_can_no_longer_be_worked_links_to_its_case(ctx: Context) -> None:
    (app,) = _started(ctx, 1)
    accept = app.task("intake_review").id
    app.accept()  # clerk1 did the 受理审查 clerk1b was told of (and the next step told them again)
    (row,) = [r for r in _page(ctx, kind="task_new").rows if r.title == "新任务：受理审查"]
    assert accept not in [r.task_id for r in _page(ctx).rows]
    assert (row.task_id, row.case_number) == (None, app.number)
    assert notifications.open_notification(ctx, "clerk1b", row.id) == notifications.Target(None, app.number)


def test_filters_unread_and_kind_and_pages(ctx: Context) -> None:
    _started(ctx, 3)
    rows = _page(ctx).rows
    notifications.mark_read(ctx, "clerk1b", rows[0].id)
    assert [r.id for r in _page(ctx, view="unread").rows] == [r.id for r in rows[1:]]
    assert _page(ctx, kind="copied").total == 0
    assert _page(ctx, kind="task_new").total == 3
    small = _page(ctx, page=2, page_size=2)
    assert ([r.id for r in small.rows], small.pages) == ([rows[2].id], 2)
    with pytest.raises(InvalidData) as bad:
        _page(ctx, view="read", kind="nothing", page=0)
    assert set(bad.value.fields) == {"view", "kind", "page"}


def test_marking_read_is_ones_own_and_another_users_id_is_not_found(ctx: Context) -> None:
    _started(ctx, 1)
    (row,) = _page(ctx).rows
    for other in ("clerk1", "approver1"):
        with pytest.raises(NotFound, match="不存在"):
            notifications.mark_read(ctx, other, row.id)
    with pytest.raises(NotFound):
        notifications.mark_read(ctx, "clerk1b", row.id + 1000)
    assert not _page(ctx).rows[0].read
    first = notifications.mark_read(ctx, "clerk1b", row.id)
    again = notifications.mark_read(ctx, "clerk1b", row.id)
    assert first.read
    assert again.read_at == first.read_at
    assert centre.unread_count(ctx, "clerk1b") == 0


def test_open_marks_read_and_leads_to_the_task(ctx: Context) -> None:
    (app,) = _started(ctx, 1)
    (row,) = _page(ctx).rows
    target = notifications.open_notification(ctx, "clerk1b", row.id)
    assert target == notifications.Target(app.task("intake_review").id, app.number)
    assert _page(ctx).rows[0].read


def test_mark_all_read_touches_only_ones_own(ctx: Context) -> None:
    _started(ctx, 2)
    review = Application(ctx, eligible_household()).start()
    tasks.claim(ctx, review.task("intake_review").id, "clerk1b")
    before = centre.unread_count(ctx, "clerk1")
    assert notifications.mark_all_read(ctx, "clerk1b") == 3
    assert notifications.mark_all_read(ctx, "clerk1b") == 0
    assert centre.unread_count(ctx, "clerk1b") == 0
    assert centre.unread_count(ctx, "clerk1") == before


def test_preferences_default_to_the_kinds_own(ctx: Context) -> None:
    prefs = notifications.preferences(ctx, "clerk1")
    assert (prefs.email, prefs.mobile) == ("", "")
    assert [row.kind for row in prefs.rows] == list(KINDS)
    by_kind = {row.kind: row for row in prefs.rows}
    assert (by_kind["task_overdue"].email, by_kind["task_new"].email) == (True, False)
    assert (by_kind["emergency_overdue"].sms, by_kind["emergency_overdue"].sms_allowed) == (True, True)
    assert (by_kind["copied"].sms, by_kind["copied"].sms_allowed) == (False, False)


def test_turning_email_on_needs_an_address(ctx: Context) -> None:
    choices = {kind: notifications.Choice(email=True) for kind in ("task_new", "copied")}
    with pytest.raises(InvalidData) as refused:
        notifications.save_preferences(ctx, "clerk1", choices)
    assert set(refused.value.fields) == {"email"}
    assert "新任务" in refused.value.fields["email"][0]
    with pytest.raises(InvalidData) as bad:
        notifications.save_preferences(ctx, "clerk1", choices, email="clerk1 at example.org")
    assert bad.value.fields == {
        "email": ["电子邮箱：clerk1 at example.org 不是有效的邮箱地址（应形如 name@example.org）"]
    }
    _assert_nothing_saved(ctx, "clerk1")
    saved = notifications.save_preferences(ctx, "clerk1", choices, email=" zhang.san@example.org ")
    assert saved.email == "zhang.san@example.org"
    assert {row.kind for row in saved.rows if row.email} == {"task_new", "copied"}


def test_sms_only_for_kinds_that_allow_it_and_with_a_mobile(ctx: Context) -> None:
    with pytest.raises(InvalidData) as refused:
        notifications.save_preferences(ctx, "clerk1", {"copied": notifications.Choice(sms=True)}, mobile="13800138000")
    assert refused.value.fields["kinds"] == ["“抄送”不能通过短信发送"]
    with pytest.raises(InvalidData) as no_mobile:
        notifications.save_preferences(ctx, "clerk1", {"urged": notifications.Choice(sms=True)})
    assert set(no_mobile.value.fields) == {"mobile"}
    with pytest.raises(InvalidData) as bad:
        notifications.set_contacts(ctx, "clerk1", "", "2380013800")
    assert bad.value.fields == {
        "mobile": ["手机号码：2380013800 不是有效的手机号（应为 1 开头的 11 位数字，如 13800138000）"]
    }
    with pytest.raises(InvalidData) as unknown:
        notifications.save_preferences(ctx, "clerk1", {"nothing": notifications.Choice()})
    assert set(unknown.value.fields) == {"kinds"}
    _assert_nothing_saved(ctx, "clerk1")
    saved = notifications.save_preferences(
        ctx, "clerk1", {"urged": notifications.Choice(sms=True)}, mobile="13800138000"
    )
    assert [row.kind for row in saved.rows if row.sms] == ["urged"]  # every other kind off: left out of the form


def test_a_saved_choice_decides_what_the_outbox_sends(ctx: Context) -> None:
    add_second_clerk(ctx)
    notifications.save_preferences(
        ctx, "clerk1b", {"task_new": notifications.Choice(email=True)}, email="clerk1b@example.org"
    )
    Application(ctx, eligible_household()).start()
    from engine.persistence import NotificationDelivery

    with ctx.db.read() as session:
        (delivery,) = session.scalars(select(NotificationDelivery)).all()
        assert (delivery.channel, delivery.address) == ("email", "clerk1b@example.org")


def test_the_change_is_audited_with_addresses_masked(ctx: Context) -> None:
    notifications.save_preferences(
        ctx,
        "clerk1",
        {"task_new": notifications.Choice(email=True)},
        email="zhangsan@example.org",
        mobile="13800138000",
    )
    with ctx.db.read() as session:
        (event,) = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "notification_preferences_changed")
        ).all()
        assert event.actor_name == "clerk1"
        assert event.details["email"] == "zh***@example.org"
        assert event.details["mobile"] == "138****8000"
        assert "task_new" in event.details["kinds"]
        assert "zhangsan" not in str(event.details)
        assert "13800138000" not in str(event.details)
    # Saving the same again changes nothing and records nothing.
    notifications.save_preferences(ctx, "clerk1", {"task_new": notifications.Choice(email=True)})
    with ctx.db.read() as session:
        query = select(AuditEvent).where(AuditEvent.action == "notification_preferences_changed")
        assert len(session.scalars(query).all()) == 1


def test_contacts_validation() -> None:
    assert email_problem("a.b@example.org") is None
    assert email_problem("a@b")
    assert email_problem("a b@example.org")
    assert email_problem("13800138000")
    assert mobile_problem("13800138000") is None
    assert mobile_problem("23800138000")
    assert mobile_problem("1380013800")
    assert mobile_problem("1380013800a")


def _assert_nothing_saved(ctx: Context, username: str) -> None:
    with ctx.db.read() as session:
        user = session.scalars(select(User).where(User.username == username)).unique().one()
        assert (user.email, user.mobile) == (None, None)
        query = select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        assert session.scalars(query).all() == []
