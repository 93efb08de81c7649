"""特困人员探访 (docs/tekun-visits.md): the worker opens each month's visit to every dispersed 特困 recipient once,
through the real tekun_care_visit BPMN; the village records it; a visit not made by the month's end shows as
missed on the dashboard and the visit list."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import InvalidData, PermissionDenied
from engine.lookups import get_org_unit
from engine.persistence import Case, HumanTask, User
from engine.persistence.tekun import CareVisit
from engine.queries import care_visits as visit_list
from engine.queries import dashboard
from engine.queries.case_page import case_page
from engine.services import care_visits, tasks, timers, worker
from engine.services.users import add_user
from tests.scenarios.tekun_enrolled import enrol_tekun

DECEMBER = "2026-12-02 01:00:00"  # 09:00 on 2 December in Beijing
NEW_YEAR = "2026-12-31 16:30:00"  # 00:30 on 1 January 2027 in Beijing: the December visits are past due


def _visit(**changes: Any) -> dict[str, Any]:
    return {
        "visited_on": "2026-12-08",
        "visitors": ["村协理员一", "王村委"],
        "carer_present": True,
        "living_condition": "fair",
        "health_changed": False,
        "needs": "冬季取暖煤不足，希望乡镇协调",
        "follow_up_needed": True,
    } | changes


def _recipients(ctx: Context) -> None:
    enrol_tekun(ctx, "张分散", "demo-village-1-1")
    enrol_tekun(ctx, "李分散", "demo-village-2-1")
    enrol_tekun(ctx, "王集中", "demo-village-1-1", support_mode="centralized")
    enrol_tekun(ctx, "赵停止", "demo-village-1-1", status="stopped")
    enrol_tekun(ctx, "孙新增", "demo-village-1-2", starts_on=date(2027, 1, 1))  # support from January


def _visits(ctx: Context) -> list[tuple[str, date, str, str]]:
    """(recipient, month, status, case kind) of every visit, by recipient and month."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(CareVisit).order_by(CareVisit.month, CareVisit.id),
        ).scalars()
        return sorted((v.enrollment.applicant_name, v.month, v.status, v.case.kind if v.case else "") for v in rows)


@dataclass(frozen=True)
class Task:
    id: int
    case_id: int
    case_number: str
    role: str
    village: str
    form_key: str | None
    title: str
    state: str
    due_at: datetime | None


def _task(ctx: Context, name: str, month: str = "2026-12-01") -> Task:
    with ctx.db.read() as session:
        for t in session.scalars(select(HumanTask).where(HumanTask.task_name == "care_visit")):
            if t.case.applicant_name == name and t.case.data["month"] == month:
                return Task(
                    t.id, t.case_id, t.case.number, t.role, t.village.code, t.form_key, t.title, t.state, t.due_at
                )
    raise AssertionError(f"no visit task for {name} in {month}")


def test_december_opens_one_visit_per_dispersed_recipient_once_and_january_the_next(ctx: Context) -> None:
    _recipients(ctx)
    with freeze_time(DECEMBER):
        assert care_visits.open_due(ctx) == 2
        assert care_visits.open_due(ctx) == 0  # the worker runs on: nothing more this month
        assert worker.run_once(ctx) == 0  # the job is in the worker's round
    december = date(2026, 12, 1)
    assert _visits(ctx) == [
        ("张分散", december, "open", "tekun_care_visit"),
        ("李分散", december, "open", "tekun_care_visit"),
    ]
    task = _task(ctx, "张分散")
    assert (task.role, task.village, task.form_key, task.title) == (
        "village_assistant",
        "demo-village-1-1",
        "tekun_care_visit",
        "月度探访",
    )
    assert task.due_at == datetime(2026, 12, 31, 16, 0)  # midnight at the month's end, Beijing time
    with ctx.db.read() as session:
        visit = session.scalars(select(CareVisit).where(CareVisit.case_id == task.case_id)).one()
        assert visit.due_on == date(2026, 12, 31)
        case = session.get(Case, task.case_id)
        assert case is not None
        assert case.related_case_id is not None
        related = session.get(Case, case.related_case_id)
        assert related is not None
        assert related.number == "TK-张分散"
        assert case.applicant_name == "张分散"
        assert case.data["care_visit_id"] == visit.id
        assert case.data["carer_name"] == "李照护"
    with freeze_time(NEW_YEAR):
        assert care_visits.open_due(ctx) == 3  # January: both again, and 孙新增 whose support began
        assert care_visits.open_due(ctx) == 0
    assert [(n, m) for n, m, _, _ in _visits(ctx) if m.month == 1] == [
        ("孙新增", date(2027, 1, 1)),
        ("张分散", date(2027, 1, 1)),
        ("李分散", date(2027, 1, 1)),
    ]


def test_completing_the_village_task_marks_the_visit_done_with_its_record(ctx: Context) -> None:
    enrol_tekun(ctx, "张分散")
    with freeze_time(DECEMBER):
        care_visits.open_due(ctx)
    task = _task(ctx, "张分散")
    with freeze_time("2026-12-08 08:00:00"):
        with pytest.raises(InvalidData) as refused:
            tasks.complete(ctx, task.id, "village1", _visit(visited_on="2026-12-09", health_changed=True))
        assert set(refused.value.fields) == {"visited_on", "health_note"}  # not in the future; the change said
        assert "健康变化情况" in refused.value.fields["health_note"][0]
        result = tasks.complete(ctx, task.id, "village1", _visit())
    assert result.case_status == "closed"
    with ctx.db.read() as session:
        visit = session.scalars(select(CareVisit).where(CareVisit.case_id == task.case_id)).one()
        assert (visit.status, visit.visited_on) == ("done", date(2026, 12, 8))
        record = visit.record or {}
        assert record["living_condition"] == "fair"
        assert record["follow_up_needed"] is True
        assert record["visitors"] == ["村协理员一", "王村委"]
        assert record["month"] == "2026-12-01"
        assert record["late"] is False
        assert record["health_note"] is None
    page = case_page(ctx, result.case_number, "village1")
    assert any("登记 2026-12 月度探访记录：探访日期 2026-12-08" in e.text for e in page.timeline)


def test_a_visit_not_made_by_the_months_end_is_missed_and_may_still_be_recorded(ctx: Context) -> None:
    enrol_tekun(ctx, "张分散", "demo-village-1-1")
    enrol_tekun(ctx, "李分散", "demo-village-2-1")
    with ctx.db.write() as session:
        unit = get_org_unit(session, "demo-village-2-1")
        add_user(session, "village21", "河西乡东村协理员", "pw-12345678", unit, ["village_assistant"])
    with freeze_time("2026-12-09 01:00:00"):
        care_visits.open_due(ctx)
        tasks.complete(ctx, _task(ctx, "李分散").id, "village21", _visit(visitors=["河西乡东村协理员"]))
        board = dashboard.dashboard(ctx, "county1")
        assert [(r.name, r.missed, r.open, r.done) for r in board.care_visits] == [
            ("城关镇", 0, 1, 0),
            ("河西乡", 0, 0, 1),
        ]
    with freeze_time(NEW_YEAR):
        assert timers.tick(ctx) == 1  # the boundary timer at the month's end: 当月未探访
        care_visits.open_due(ctx)
        task = _task(ctx, "张分散")
        assert task.state == "open"  # the visit is still to be made
        board = dashboard.dashboard(ctx, "county1")
        assert [(r.name, r.missed, r.open, r.done) for r in board.care_visits] == [
            ("城关镇", 1, 1, 0),
            ("河西乡", 0, 1, 0),
        ]
        missed = visit_list.open_visits(ctx, "county1", missed_only=True)
        assert [(line.name, line.village, line.month, line.missed) for line in missed.lines] == [
            ("张**", "城关镇东村", date(2026, 12, 1), True)
        ]
        assert (missed.total, missed.missed) == (1, 1)
        assert missed.lines[0].case_number == task.case_number
        village = visit_list.open_visits(ctx, "village1")
        assert [(line.name, line.month) for line in village.lines] == [
            ("张**", date(2026, 12, 1)),
            ("张**", date(2027, 1, 1)),
        ]
        assert [line.name for line in visit_list.open_visits(ctx, "clerk2").lines] == ["李**"]
        with pytest.raises(PermissionDenied):
            visit_list.open_visits(ctx, "designer1")
    with freeze_time("2027-01-03 02:00:00"):
        tasks.complete(ctx, task.id, "village1", _visit(visited_on="2027-01-02"))
        with ctx.db.read() as session:
            visit = session.scalars(select(CareVisit).where(CareVisit.case_id == task.case_id)).one()
            assert visit.status == "done"
            assert (visit.record or {})["late"] is True
        board = dashboard.dashboard(ctx, "county1")
        assert [(r.name, r.missed) for r in board.care_visits] == [("城关镇", 0), ("河西乡", 0)]


def test_a_county_without_a_clerk_has_its_visits_opened_by_its_approver(ctx: Context) -> None:
    enrol_tekun(ctx, "周烟台", "yantai-village")  # the seed regions' counties have an approver and no clerk
    with freeze_time(DECEMBER):
        assert care_visits.open_due(ctx) == 1
    task = _task(ctx, "周烟台")
    with ctx.db.read() as session:
        case = session.get(Case, task.case_id)
        assert case is not None
        starter = session.get(User, case.created_by_id)
        assert starter is not None
        assert starter.username == "approver_yantai"
    assert (task.role, task.village) == ("village_assistant", "yantai-village")


@pytest.mark.postgres
def test_two_workers_open_each_visit_once_on_postgres(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker claims its enrollments FOR UPDATE SKIP LOCKED: together they open every visit, none twice."""
    names = [f"分散{index}" for index in range(6)]
    for name in names:
        enrol_tekun(ctx, name)
    monkeypatch.setattr(care_visits, "CHUNK", 3)
    opened: list[int] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait()
        with freeze_time(DECEMBER):
            opened.append(care_visits.open_due(ctx))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert ctx.db.is_postgres
    assert opened == [3, 3]  # the second skipped the rows the first held, or found them visited
    with freeze_time(DECEMBER):
        assert care_visits.open_due(ctx) == 0
    assert sorted(name for name, _, _, _ in _visits(ctx)) == sorted(names)
