"""The inbox query (engine.queries.inbox) and 批量签收/批量审批 (engine.services.batch_tasks) on real processes:
search, filters, sort, pages, 我发起的; one transaction and one audit event per task, failures per task."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from engine.context import Context
from engine.errors import InvalidData, PermissionDenied
from engine.persistence import AuditEvent
from engine.queries import case_page, task_page
from engine.queries.inbox import InboxQuery, counts, inbox
from engine.services import batch_tasks, cases, tasks
from tests.api.conftest import eligible_household
from tests.conftest import add_second_clerk
from tests.scenarios.flow import Application

MONDAY = "2026-11-23 01:00:00"


def _start(ctx: Context, village: str = "demo-village-1-1", user: str = "clerk1") -> tuple[str, int]:
    case = cases.start_case(ctx, "reference_review", user, {"village": village})
    (task,) = [t for t in case.tasks if t.state == "open"]
    return case.number, task.id


def _events(ctx: Context, action: str) -> list[AuditEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _numbers(page: object) -> list[str]:
    return [row.case_number for row in page.rows]  # type: ignore[attr-defined]


@pytest.fixture
def confirmations(ctx: Context) -> Iterator[list[Application]]:
    """Three 低保 applications at 审核确认 (county_confirmation, for approver1), the clock left at 2026-11-30."""
    with freeze_time(MONDAY):
        applications = [
            Application(ctx, eligible_household()).start().accept().investigate().first_review() for _ in range(3)
        ]
    with freeze_time("2026-11-30 02:00:00"):
        applications[0].end_notice()
        yield applications


@freeze_time(MONDAY)
def test_search_by_case_number_with_or_without_the_year_and_by_name(ctx: Context) -> None:
    first, _ = _start(ctx)
    second, _ = _start(ctx)
    serial = int(second.split("-")[1])
    assert _numbers(inbox(ctx, "clerk1", InboxQuery(q=second))) == [second]
    assert _numbers(inbox(ctx, "clerk1", InboxQuery(q=str(serial)))) == [second]
    assert _numbers(inbox(ctx, "clerk1", InboxQuery(q=f"{serial:07d}"))) == [second]
    assert _numbers(inbox(ctx, "clerk1", InboxQuery(q="2026-"))) == [first, second]
    assert _numbers(inbox(ctx, "clerk1", InboxQuery(q="9999"))) == []
    assert _numbers(inbox(ctx, "clerk1", InboxQuery(q="100%"))) == []  # LIKE wildcards are text


def test_search_by_full_id_number_is_exact_audited_and_needs_a_revealing_role(ctx: Context) -> None:
    with freeze_time(MONDAY):
        application = Application(ctx, eligible_household()).start()
        other = Application(ctx, eligible_household()).start()
    spouse = application.household["members"][1]["id_number"]
    page = inbox(ctx, "clerk1", InboxQuery(q=spouse))
    assert _numbers(page) == [application.number]
    assert page.searched_id_number
    (event,) = _events(ctx, "pii_searched")
    assert event.details["case_number"] == application.number
    assert spouse not in str(event.details)
    timeline = case_page.case_page(ctx, application.number, "clerk1").timeline
    assert "在工作台按完整身份证号查询，查到本案件" in [entry.text for entry in timeline]
    assert _numbers(inbox(ctx, "clerk1", InboxQuery(q=spouse[:17]))) == []  # a part of a number is not a search
    assert _numbers(inbox(ctx, "clerk1", InboxQuery(q="张三"))) == sorted([application.number, other.number])
    with pytest.raises(PermissionDenied, match="身份证号"):
        inbox(ctx, "village1", InboxQuery(q=spouse))
    assert len(_events(ctx, "pii_searched")) == 1


@freeze_time(MONDAY)
def test_filters_sort_pages_and_counts(ctx: Context) -> None:
    made = [_start(ctx, village) for village in ("demo-village-1-2", "demo-village-1-1", "demo-village-1-2")]
    west = [number for (number, _), village in zip(made, "212", strict=True) if village == "2"]
    by_village = inbox(ctx, "clerk1", InboxQuery(village="demo-village-1-2"))
    assert (_numbers(by_village), by_village.total) == (west, 2)
    newest_first = inbox(ctx, "clerk1", InboxQuery(sort="case", desc=True, page_size=2))
    assert _numbers(newest_first) == [made[2][0], made[1][0]]
    assert (newest_first.total, newest_first.pages) == (3, 2)
    assert _numbers(inbox(ctx, "clerk1", InboxQuery(sort="case", desc=True, page_size=2, page=2))) == [made[0][0]]
    assert inbox(ctx, "clerk1", InboxQuery(step="register")).total == 3
    assert inbox(ctx, "clerk1", InboxQuery(step="township_review")).total == 0
    assert inbox(ctx, "clerk1", InboxQuery(due="week")).total == 3
    assert inbox(ctx, "clerk1", InboxQuery(due="overdue")).total == 0
    assert inbox(ctx, "clerk1", InboxQuery()).steps == [("register", "受理登记")]
    assert counts(ctx, "clerk1") == {"open": 3, "claimed": 0, "done": 0, "overdue": 0, "delegated": 0, "started": 3}
    started = inbox(ctx, "clerk1", InboxQuery(view="started"))
    assert (started.total, started.rows[0].task) == (3, None)
    for bad in (InboxQuery(view="all"), InboxQuery(sort="colour"), InboxQuery(due="soon"), InboxQuery(q="x" * 101)):
        with pytest.raises(InvalidData):
            inbox(ctx, "clerk1", bad)


@freeze_time(MONDAY)
def test_batch_claim_claims_each_and_fails_per_task_outside_scope(ctx: Context) -> None:
    add_second_clerk(ctx)
    mine = [_start(ctx)[1] for _ in range(2)]
    theirs = _start(ctx, "demo-village-2-1", "clerk2")[1]
    result = batch_tasks.batch_claim(ctx, "clerk1", [*mine, theirs, 99999])
    assert [(item.task_id, item.ok) for item in result.items] == [
        (mine[0], True),
        (mine[1], True),
        (theirs, False),
        (99999, False),
    ]
    assert "无权办理" in result.items[2].message
    assert result.items[2].case_number is None  # nothing about a task outside scope is shown
    assert (result.succeeded, result.failed) == (2, 2)
    assert [task_page.show_task(ctx, i).summary.assignee for i in mine] == ["clerk1", "clerk1"]
    assert task_page.show_task(ctx, theirs).summary.state == "open"
    assert len(_events(ctx, "task_claimed")) == 2


def test_batch_approval_completes_each_in_its_own_transaction(ctx: Context, confirmations: list[Application]) -> None:
    ids = [application.task("county_confirmation").id for application in confirmations]
    outsider = _start(ctx)[1]  # a township task: not approver1's, a failure of its own
    tasks.claim(ctx, ids[2], "approver1")
    before = len(_events(ctx, "task_completed"))
    result = batch_tasks.batch_complete(ctx, "approver1", [*ids, outsider], "approve", "经审核，符合条件")
    assert [item.ok for item in result.items] == [True, True, True, False]
    assert "无权办理" in result.items[3].message
    assert len(_events(ctx, "task_completed")) == before + 3
    for application in confirmations:
        (done,) = application.history("county_confirmation")
        assert (done.decision, done.opinion) == ("approve", "经审核，符合条件")
        assert application.view().outcome == "approved"
    again = batch_tasks.batch_complete(ctx, "approver1", ids[:1], "approve", "再次")
    assert not again.items[0].ok
    assert "已办结" in again.items[0].message


def test_batch_approval_refuses_mixed_steps_forms_with_more_fields_and_bad_values(
    ctx: Context, confirmations: list[Application]
) -> None:
    ids = [application.task("county_confirmation").id for application in confirmations]
    register = _start(ctx)[1]
    with pytest.raises(InvalidData, match="不能批量审批") as refused:
        batch_tasks.batch_complete(ctx, "clerk1", [register], "approve", "同意")
    assert "task_ids" in refused.value.fields
    with pytest.raises(InvalidData) as bad:
        batch_tasks.batch_complete(ctx, "approver1", ids, "maybe", "")
    assert set(bad.value.fields) == {"decision", "opinion"}
    with pytest.raises(InvalidData, match="请至少选择"):
        batch_tasks.batch_complete(ctx, "approver1", [], "approve", "同意")
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "task_completed"))
    assert all(application.task("county_confirmation").state == "open" for application in confirmations)
    assert batch_tasks.decision_choices(ctx, "approver1", ids[0])[0] == ("approve", "确认保障")
    assert batch_tasks.decision_choices(ctx, "clerk1", register) == []
