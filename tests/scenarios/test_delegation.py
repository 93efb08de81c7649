"""委派 (docs/delegation.md), end to end on the real dibao_application BPMN: head1 (城关镇负责人) claims 初审 and
delegates it to deputy1 (分管副镇长, the demo data's second township head), who saves the form and hands it
back; head1 reviews the draft and completes. The step record names both, the timeline and the audit chain
hold every event, and every refusal of the rules is a 403 / 409 / 422 that changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time

from engine import lookups
from engine.context import Context
from engine.errors import Conflict, InvalidData, PermissionDenied
from engine.queries import case_page, inbox, task_page
from engine.records import audit
from engine.services import attachments, delegation, tasks
from engine.services.admin import users as admin_users
from engine.services.users import add_user
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
REVIEW = {"decision": "approve", "opinion": "经调查，家庭收入低于标准，拟予保障（副镇长代拟）"}


def _at_first_review(ctx: Context) -> tuple[Application, int]:
    app = Application(ctx, household(member("张三", "self", ("wage", "1500.00"), employment="employed"))).start()
    app.accept().investigate()
    return app, app.task("first_review").id


def _events(ctx: Context, number: str) -> list[tuple[str, str | None]]:
    with ctx.db.read() as session:
        case_id = lookups.get_case(session, number).id
    return [(e.action, e.actor_name) for e in audit.case_history(ctx.db, case_id)]


def _delegated_to_me(ctx: Context, username: str) -> list[int]:
    page = inbox.inbox(ctx, username, inbox.InboxQuery(view="delegated"))
    return [row.task.id for row in page.rows if row.task is not None]


@freeze_time(START)
def test_head_delegates_first_review_deputy_saves_and_hands_back_head_completes(ctx: Context) -> None:
    app, task_id = _at_first_review(ctx)
    tasks.claim(ctx, task_id, "head1")
    done = delegation.delegate(ctx, task_id, "head1", "deputy1", "请先拟写初审意见")
    assert done.delegation is not None
    assert done.delegation.active
    assert (done.state, done.assignee, done.delegation.delegate_name) == ("claimed", "head1", "分管副镇长")

    # The delegate finds it under 委派给我; the holder keeps it under 已签收 (with the marker), nobody's 待办.
    assert _delegated_to_me(ctx, "deputy1") == [task_id]
    assert inbox.counts(ctx, "deputy1")["delegated"] == 1
    (held,) = inbox.inbox(ctx, "head1", inbox.InboxQuery(view="claimed")).rows
    assert held.task is not None
    assert held.task.delegation is not None
    assert held.task.delegation.delegate == "deputy1"
    assert task_id not in [r.task.id for r in inbox.inbox(ctx, "deputy1", inbox.InboxQuery()).rows if r.task]

    with pytest.raises(PermissionDenied, match="被委派人只能暂存和交回，不能提交"):
        tasks.complete(ctx, task_id, "deputy1", REVIEW)
    with pytest.raises(Conflict, match=r"任务已委派给 分管副镇长（deputy1），请先收回或等待交回"):
        tasks.complete(ctx, task_id, "head1", REVIEW)
    with pytest.raises(Conflict, match="请先收回或等待交回"):
        tasks.save_draft(ctx, task_id, "head1", {"opinion": "我自己写"})

    tasks.save_draft(ctx, task_id, "deputy1", REVIEW)
    stored = attachments.upload(ctx, "deputy1", task_id, "初审意见草稿.pdf", b"%PDF-1.4 draft")  # uploads too
    assert stored.number
    with pytest.raises(PermissionDenied, match="只有该任务的被委派人可以交回"):
        delegation.hand_back(ctx, task_id, "head1")
    back = delegation.hand_back(ctx, task_id, "deputy1", "已拟好，请审核")
    assert back.delegation is not None
    assert not back.delegation.active
    assert back.delegation.hand_back_note == "已拟好，请审核"
    assert _delegated_to_me(ctx, "deputy1") == []
    with pytest.raises(Conflict, match="只能由签收人办理"):  # handed back: the delegate is done with it
        tasks.save_draft(ctx, task_id, "deputy1", REVIEW)
    with pytest.raises(PermissionDenied, match="不能提交"):
        tasks.complete(ctx, task_id, "deputy1", REVIEW)

    # The holder's form opens with the delegate's draft; the holder completes.
    assert task_page.show_task(ctx, task_id, "head1").data == REVIEW
    tasks.complete(ctx, task_id, "head1", REVIEW)
    assert "first_review" not in app.open_task_names()  # the case went on past 初审
    (finished,) = app.history("first_review")
    assert (finished.state, finished.completed_by) == ("completed", "head1")

    page = case_page.case_page(ctx, app.number, "head1")
    (record,) = [r for r in page.steps if r.step == "first_review"]
    assert (record.filled_by, record.who, record.opinion) == ("分管副镇长", "城关镇负责人", REVIEW["opinion"])
    texts = [entry.text for entry in page.timeline]
    assert "委派：将任务“初审”交给 分管副镇长（deputy1）填写，说明：请先拟写初审意见" in texts
    assert "交回：将任务“初审”交回签收人 head1（附暂存的填写内容），说明：已拟好，请审核" in texts

    events = _events(ctx, app.number)
    tail = events[events.index(("task_delegated", "head1")) :]
    assert tail[:5] == [
        ("task_delegated", "head1"),
        ("task_draft_saved", "deputy1"),
        ("attachment.uploaded", "deputy1"),
        ("task_handed_back", "deputy1"),
        ("task_completed", "head1"),
    ]
    assert audit.verify(ctx.db).ok


def _deactivated_colleague(ctx: Context) -> None:
    with ctx.db.write() as session:
        add_user(
            session,
            "retired1",
            "城关镇原负责人",
            "pw-12345678",
            lookups.get_org_unit(session, "demo-town-1"),
            ["township_head"],
        )
    admin_users.deactivate_user(ctx, "admin1", "retired1")


@freeze_time(START)
def test_refusals_change_nothing(ctx: Context) -> None:
    app, task_id = _at_first_review(ctx)
    _deactivated_colleague(ctx)
    with pytest.raises(PermissionDenied, match="只有该任务的签收人可以委派"):
        delegation.delegate(ctx, task_id, "head1", "deputy1")  # not claimed yet
    tasks.claim(ctx, task_id, "head1")
    before = len(_events(ctx, app.number))
    with pytest.raises(PermissionDenied, match="只有该任务的签收人可以委派"):
        delegation.delegate(ctx, task_id, "deputy1", "head1")  # a colleague who does not hold it
    refused: dict[str, str] = {
        "head1": "被委派人：不能委派给自己",
        "retired1": "被委派人：城关镇原负责人（retired1）已停用",
        "head2": "被委派人：河西乡负责人（head2）不属于城关镇",
        "clerk1": "被委派人：城关镇经办人（clerk1）没有乡镇负责人角色",
        "nobody": "被委派人：用户 nobody 不存在",
    }
    for to, message in refused.items():
        with pytest.raises(InvalidData) as caught:
            delegation.delegate(ctx, task_id, "head1", to)
        assert caught.value.fields == {"to": [message]}, to
    with pytest.raises(InvalidData) as long_note:
        delegation.delegate(ctx, task_id, "head1", "deputy1", "很" * 501)
    assert list(long_note.value.fields) == ["note"]
    with pytest.raises(Conflict, match="没有正在进行的委派"):
        delegation.recall(ctx, task_id, "head1")
    with pytest.raises(PermissionDenied, match="只有该任务的被委派人可以交回"):
        delegation.hand_back(ctx, task_id, "deputy1")
    assert len(_events(ctx, app.number)) == before  # nothing written by any refusal
    summary = task_page.show_task(ctx, task_id).summary
    assert (summary.state, summary.assignee, summary.delegation) == ("claimed", "head1", None)

    delegation.delegate(ctx, task_id, "head1", "deputy1")
    with pytest.raises(Conflict, match="任务已委派给 分管副镇长（deputy1），请先收回后再委派"):
        delegation.delegate(ctx, task_id, "head1", "deputy1")
    with pytest.raises(PermissionDenied, match="只有该任务的签收人可以收回委派"):
        delegation.recall(ctx, task_id, "deputy1")


@freeze_time(START)
def test_recall_release_and_transfer_end_a_delegation(ctx: Context) -> None:
    app, task_id = _at_first_review(ctx)
    tasks.claim(ctx, task_id, "head1")
    delegation.delegate(ctx, task_id, "head1", "deputy1")
    tasks.save_draft(ctx, task_id, "deputy1", {"opinion": "草拟"})
    recalled = delegation.recall(ctx, task_id, "head1")
    assert recalled.delegation is None
    assert task_page.show_task(ctx, task_id, "head1").data == {"opinion": "草拟"}  # the draft stays
    with pytest.raises(PermissionDenied):
        delegation.hand_back(ctx, task_id, "deputy1")

    delegation.delegate(ctx, task_id, "head1", "deputy1")
    released = tasks.unclaim(ctx, task_id, "head1")
    assert (released.state, released.delegation) == ("open", None)
    assert _delegated_to_me(ctx, "deputy1") == []

    tasks.claim(ctx, task_id, "head1")
    delegation.delegate(ctx, task_id, "head1", "deputy1")
    moved = tasks.transfer(ctx, task_id, "head1", "deputy1", "本人出差")
    assert (moved.state, moved.assignee, moved.delegation) == ("claimed", "deputy1", None)
    tasks.complete(ctx, task_id, "deputy1", REVIEW)  # now the holder: completes as anyone would

    page = case_page.case_page(ctx, app.number, "head1")
    (record,) = [r for r in page.steps if r.step == "first_review"]
    assert (record.filled_by, record.who) == (None, "分管副镇长")
    texts = [entry.text for entry in page.timeline]
    assert "收回：收回委派给 deputy1 的任务“初审”" in texts
    assert "委派结束：因签收人取消签收，任务“初审”不再委派给 deputy1" in texts
    assert "委派结束：因任务转办，任务“初审”不再委派给 deputy1" in texts
    actions: list[Any] = [action for action, _ in _events(ctx, app.number)]
    assert actions.count("task_delegated") == 3
    assert actions.count("task_delegation_ended") == 2
    assert audit.verify(ctx.db).ok
