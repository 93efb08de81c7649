"""Notifications written with the change that causes them (engine.records.notifications): a new task tells
everyone of its role in its unit but the actor, a 退回 tells the person who did the step before, 委派 and
转办 tell the colleague, an objection tells the township; a change that fails writes none."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.context import Context
from engine.errors import InvalidData
from engine.persistence import Notification, NotificationDelivery, NotificationPreference, User
from engine.services import cases, delegation, rewinding, tasks
from tests.api.conftest import eligible_household
from tests.conftest import add_second_clerk
from tests.scenarios.flow import Application


def _inbox(ctx: Context, username: str) -> list[Notification]:
    with ctx.db.read() as session:
        user_id = session.scalars(select(User.id).where(User.username == username)).one()
        query = select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
        return list(session.scalars(query))


def test_a_new_task_notifies_its_role_in_its_unit_but_not_the_actor(ctx: Context) -> None:
    add_second_clerk(ctx)
    app = Application(ctx, eligible_household()).start()
    accept = app.task("intake_review")
    # clerk1 registered the case (the actor): clerk1b of the same township is told, clerk1 is not.
    assert [(n.kind, n.task_id) for n in _inbox(ctx, "clerk1b")] == [("task_new", accept.id)]
    assert _inbox(ctx, "clerk1") == []
    (note,) = _inbox(ctx, "clerk1b")
    assert note.title == "新任务：受理审查"
    assert note.body.startswith(f"案件 {app.number}（")
    assert note.read_at is None


def test_no_email_is_queued_for_a_user_without_an_address_or_who_turned_the_kind_off(ctx: Context) -> None:
    add_second_clerk(ctx)
    with ctx.db.write() as session:
        clerk1b = session.scalars(select(User).where(User.username == "clerk1b")).unique().one()
        clerk1b.email = "clerk1b@example.org"
        session.add(NotificationPreference(user_id=clerk1b.id, kind="task_new", email=True, sms=False))
    Application(ctx, eligible_household()).start()
    with ctx.db.read() as session:
        (delivery,) = session.scalars(select(NotificationDelivery)).all()
        assert (delivery.channel, delivery.address, delivery.status) == ("email", "clerk1b@example.org", "pending")
        assert delivery.idempotency_key.endswith(f"|{clerk1b.id}|email")


def test_a_failed_change_writes_no_notification(ctx: Context) -> None:
    add_second_clerk(ctx)
    with pytest.raises(InvalidData):
        cases.start_case(ctx, "dibao_application", "clerk1", {"village": "demo-village-1-1", "household": {}})
    assert _inbox(ctx, "clerk1b") == []


def test_a_return_tells_who_did_the_step_before(ctx: Context) -> None:
    app = Application(ctx, eligible_household()).start().accept().investigate()
    if "decide_review" in app.open_task_names():
        app.complete("decide_review", "clerk1", {"review_needed": False})
    review = app.task("first_review")
    tasks.claim(ctx, review.id, "head1")
    rewinding.return_to(ctx, review.id, "head1", "home_visit", "入户调查记录缺少家庭成员签字")
    returned = [n for n in _inbox(ctx, "clerk1") if n.kind == "case_returned"]
    assert len(returned) == 1
    assert "入户调查记录缺少家庭成员签字" in returned[0].body
    # Told as a return, not a second time as a new task.
    assert not [n for n in _inbox(ctx, "clerk1") if n.task_id == returned[0].task_id and n.kind == "task_new"]


def test_delegation_tells_the_colleague(ctx: Context) -> None:
    add_second_clerk(ctx)
    app = Application(ctx, eligible_household()).start()
    accept = app.task("intake_review")
    tasks.claim(ctx, accept.id, "clerk1")
    delegation.delegate(ctx, accept.id, "clerk1", "clerk1b", "请补录申请材料")
    told = [n for n in _inbox(ctx, "clerk1b") if n.kind == "delegated"]
    assert len(told) == 1
    assert "请补录申请材料" in told[0].body
    assert told[0].title == "委派给我：受理审查"
