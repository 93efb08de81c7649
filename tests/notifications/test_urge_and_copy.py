"""催办 and 抄送 through the real processes (docs/urge-and-copy.md): a township head urges the clerks of a
task of their township (notification, audit event, timeline sentence, 催办记录), nobody urges outside their
scope or without a supervisory role, the process's interval limits it (the clock travelled); the 临时救助
township decision copies the county approver, whose 抄送我的 lists it, and reading it is the receipt; a
BPMN that copies an unknown role is refused at deploy, naming the element."""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import BundleInvalid, Conflict, InvalidData, PermissionDenied, RateLimited
from engine.persistence import AuditEvent, Notification, User
from engine.queries import case_page, copies, urges
from engine.services import batch_tasks, designer, tasks, timers, urging
from engine.services import copies as copy_commands
from tests.api.conftest import reference_task
from tests.conftest import MakeContext, add_second_clerk
from tests.scenarios.temporary_flows import at_township_approval
from tests.scenarios.test_temporary_assistance import START


def _inbox(ctx: Context, username: str, kind: str) -> list[Notification]:
    with ctx.db.read() as session:
        user_id = session.scalars(select(User.id).where(User.username == username)).one()
        query = select(Notification).where(Notification.user_id == user_id, Notification.kind == kind)
        return list(session.scalars(query.order_by(Notification.id)))


def _urge_events(ctx: Context) -> list[AuditEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "task_urged")))


@freeze_time(START)
def test_a_township_head_urges_the_clerks_of_a_task_of_their_township(ctx: Context) -> None:
    add_second_clerk(ctx)
    task_id = reference_task(ctx)  # 受理登记 of 城关镇, open for its township clerks
    result = urging.urge(ctx, task_id, "head1", "  请今天内办结受理登记  ")
    assert sorted(result.urged) == ["clerk1", "clerk1b"]
    for clerk in ("clerk1", "clerk1b"):
        (note,) = _inbox(ctx, clerk, "urged")
        assert note.title == "催办：受理登记"
        assert "请今天内办结受理登记" in note.body
        assert "城关镇负责人" in note.body
        assert note.event_key.startswith(f"task:{task_id}:urged:")
    assert _inbox(ctx, "head1", "urged") == []
    (event,) = _urge_events(ctx)
    assert (event.actor_name, event.actor_role, event.task_id) == ("head1", "township_head", task_id)
    assert event.details["message"] == "请今天内办结受理登记"
    # The case timeline says it, and the task page's 催办记录 lists it.
    page = case_page.case_page(ctx, result.case_number, "clerk1")
    (line,) = [e for e in page.timeline if e.action == "task_urged"]
    assert line.text.startswith("催办任务“受理登记”：请今天内办结受理登记")
    assert "城关镇负责人" in line.actor
    panel = urges.task_urges(ctx, task_id, "clerk1")
    assert [(r.message, r.by) for r in panel.records] == [("请今天内办结受理登记", "城关镇负责人（head1）")]
    assert sorted(panel.records[0].urged) == ["城关镇经办人乙（clerk1b）", "城关镇经办人（clerk1）"]
    assert not panel.may_urge  # the clerk sees the record, not the form


@freeze_time(START)
def test_urging_outside_scope_or_without_a_supervisory_role_is_refused_and_sends_nothing(ctx: Context) -> None:
    task_id = reference_task(ctx)
    with pytest.raises(PermissionDenied, match="不在您（河西乡）的辖区内"):
        urging.urge(ctx, task_id, "head2", "请尽快")  # the head of another township
    with pytest.raises(PermissionDenied, match="只有"):
        urging.urge(ctx, task_id, "clerk1", "请尽快")  # a clerk does not urge a colleague
    with pytest.raises(InvalidData) as empty:
        urging.urge(ctx, task_id, "head1", "   ")
    assert empty.value.fields == {"message": ["催办内容：必填"]}
    with pytest.raises(InvalidData, match="催办信息有误") as long:
        urging.urge(ctx, task_id, "head1", "催" * 201)
    assert "不能超过 200 个字" in long.value.fields["message"][0]
    assert _urge_events(ctx) == []
    assert _inbox(ctx, "clerk1", "urged") == []
    # The county urges every task of its county.
    assert urging.urge(ctx, task_id, "approver1", "县里督办").urged == ["clerk1"]


def test_the_interval_limits_urging_a_task_until_it_has_passed(ctx: Context) -> None:
    with freeze_time(START):
        task_id = reference_task(ctx)
        urging.urge(ctx, task_id, "head1", "第一次催办")
    with freeze_time("2026-11-23 04:59:00"):  # 3 h 59 min later: the default's 4 hours have not passed
        with pytest.raises(RateLimited) as refused:
            urging.urge(ctx, task_id, "approver1", "第二次催办")
        assert refused.value.retry_after == 60
        assert "下次可催办时间：2026-11-23 13:00" in refused.value.message  # Beijing time
        assert urges.task_urges(ctx, task_id, "head1").next_allowed_at is not None
    assert len(_urge_events(ctx)) == 1
    assert len(_inbox(ctx, "clerk1", "urged")) == 1
    with freeze_time("2026-11-23 05:00:00"):
        urging.urge(ctx, task_id, "approver1", "第二次催办")
    assert [n.body.rsplit("：", 1)[1] for n in _inbox(ctx, "clerk1", "urged")] == ["第一次催办", "第二次催办"]


@freeze_time(START)
def test_a_completed_task_is_not_urged(ctx: Context) -> None:
    task_id = reference_task(ctx)
    tasks.complete(
        ctx, task_id, "clerk1", {"applicant_name": "张三", "household_size": 3, "requested_amount": "5000.00"}
    )
    with pytest.raises(Conflict, match="无需催办"):
        urging.urge(ctx, task_id, "head1", "请尽快")


@freeze_time(START)
def test_the_township_decision_on_temporary_assistance_is_copied_to_the_county(ctx: Context) -> None:
    request = at_township_approval(ctx)
    with freeze_time("2026-11-30 02:00:00"):
        assert timers.tick(ctx) == 1
        task_id = request.task("township_approval").id
        request.complete("township_approval", "head_bengbu", {"decision": "approve", "opinion": "同意救助"})
    (copy,) = _inbox(ctx, "approver_bengbu", "copied")
    assert (copy.title, copy.event_key, copy.task_id) == ("抄送：乡镇审批", f"task:{task_id}:copied", task_id)
    assert "结论：批准救助" in copy.body
    assert "意见：同意救助" in copy.body
    assert "王*国" in copy.body
    assert "11010519820315021X" not in copy.body
    assert _inbox(ctx, "head_bengbu", "copied") == []  # the completer is not copied
    # 抄送我的 lists it unread; the receipts show it unread until it is opened.
    listed = copies.copied_to_me(ctx, "approver_bengbu")
    assert (listed.total, listed.unread) == (1, 1)
    assert (listed.rows[0].case_number, listed.rows[0].task_title) == (request.number, "乡镇审批")
    (step,) = copies.receipts_for_case(ctx, request.number, "clerk_bengbu")
    assert [(r.recipient, r.read_at) for r in step.receipts] == [("蚌埠县民政审批人（approver_bengbu）", None)]
    with freeze_time("2026-11-30 03:00:00"):
        opened = copy_commands.open_copy(ctx, copy.id, "approver_bengbu")
    assert opened.case_number == request.number
    step = copies.receipts_for_task(ctx, task_id, "head_bengbu")
    assert step is not None
    assert [r.read_at.isoformat() for r in step.receipts if r.read_at] == ["2026-11-30T03:00:00"]
    assert copies.copied_to_me(ctx, "approver_bengbu").unread == 0
    with pytest.raises(Exception, match="不存在"):  # someone else's copy is not found
        copy_commands.open_copy(ctx, copy.id, "head_bengbu")
    timeline = case_page.case_page(ctx, request.number, "clerk_bengbu").timeline
    assert any(e.text.endswith("抄送县民政审批人") for e in timeline if e.action == "task_completed")


@freeze_time(START)
def test_the_batch_approval_copies_too(ctx: Context) -> None:
    request = at_township_approval(ctx)
    with freeze_time("2026-11-30 02:00:00"):
        timers.tick(ctx)
        task_id = request.task("township_approval").id
        result = batch_tasks.batch_complete(ctx, "head_bengbu", [task_id], "reject", "支出已由医疗救助解决")
    assert result.succeeded == 1
    (copy,) = _inbox(ctx, "approver_bengbu", "copied")
    assert "结论：不予批准" in copy.body


def test_deploy_refuses_a_copy_to_an_unknown_role_naming_the_element(
    make_context: MakeContext, processes_dir: Path
) -> None:
    bpmn = processes_dir / "default" / "temporary_assistance.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    declared = '<spiffworkflow:property name="copies" value="county_approver" />'
    assert text.count(declared) == 1
    bpmn.write_text(text.replace(declared, declared.replace("county_approver", "county_approver, 村长")), "utf-8")
    with pytest.raises(BundleInvalid) as refused:
        make_context()
    (problem,) = {(p.element, p.message) for p in refused.value.problems if "copies" in p.message}
    assert problem[0] == "township_approval"
    assert "乡镇审批" in problem[1]
    assert "未知角色“村长”" in problem[1]


def test_deploy_refuses_an_empty_copy_list(ctx: Context, processes_dir: Path) -> None:
    bpmn = processes_dir / "default" / "temporary_assistance.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    bpmn.write_text(text.replace('name="copies" value="county_approver"', 'name="copies" value=" , "'), "utf-8")
    with pytest.raises(BundleInvalid) as refused:
        designer.deploy(ctx)
    assert any(p.element == "township_approval" and "copies（抄送）为空" in p.message for p in refused.value.problems)
