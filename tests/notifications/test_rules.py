"""The reminder and escalation rules (docs/notification-rules.md) through the real processes, the clock
travelled with freezegun. Working days are those of the 2026 national calendar (chinese_calendar):
weekends off, 中秋 Fri 2026-09-25 off, 国庆 Thu 10-01 to Wed 10-07 off, Sun 09-20 and Sat 10-10 worked.

Times below are Beijing time; a step due in N working days is due at 23:59:59 of the N-th working day
after the day it was offered (受理审查 `intake_review`: 3 working days).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import event, select

from engine.clock import CHINA, to_utc
from engine.context import Context
from engine.errors import BundleInvalid
from engine.persistence import Case, Notification, User
from engine.services import digest, reminders, timers, worker
from engine.services.designer import deploy
from tests.api.conftest import eligible_household
from tests.conftest import MakeContext
from tests.scenarios.flow import Application, Users
from tests.scenarios.test_temporary_assistance import Request

HEADS = ["deputy1", "head1"]  # the demo township's two 乡镇领导 (role township_head)


@contextmanager
def china(moment: str) -> Iterator[None]:
    """Travel to a Beijing wall-clock time ("2026-09-02 10:00")."""
    with freeze_time(to_utc(datetime.fromisoformat(moment).replace(tzinfo=CHINA))):
        yield


def told(ctx: Context, username: str, kind: str) -> list[Notification]:
    with ctx.db.read() as session:
        user_id = session.scalars(select(User.id).where(User.username == username)).one()
        query = select(Notification).where(Notification.user_id == user_id, Notification.kind == kind)
        return list(session.scalars(query.order_by(Notification.id)))


def keys(ctx: Context, kind: str) -> list[tuple[str, str]]:
    """(event key, username) of every notification of a kind."""
    with ctx.db.read() as session:
        query = select(Notification.event_key, User.username).join(User, User.id == Notification.user_id)
        return sorted((k, u) for k, u in session.execute(query.where(Notification.kind == kind)).tuples())


def case_of(ctx: Context, number: str) -> int:
    with ctx.db.read() as session:
        return session.scalars(select(Case.id).where(Case.number == number)).one()


def sweep_at(ctx: Context, moment: str) -> int:
    with china(moment):
        return reminders.sweep(ctx)


def test_a_task_is_reminded_a_working_day_before_due_across_a_weekend_then_overdue_then_escalated(
    ctx: Context,
) -> None:
    # Registered Wed 09-02: 受理审查 is due in 3 working days (Thu 3, Fri 4, Mon 7) → Mon 09-07 23:59:59.
    with china("2026-09-02 10:00"):
        app = Application(ctx, eligible_household()).start()
    task = app.task("intake_review")
    assert sweep_at(ctx, "2026-09-03 10:00") == 0  # Thu: Fri and Mon are still 2 working days away
    # Fri 09-04: one working day (Mon) remains; the weekend does not count → remind the township clerk.
    sweep_at(ctx, "2026-09-04 10:00")
    assert keys(ctx, "task_due_soon") == [(f"task:{task.id}:due_soon", "clerk1")]
    assert sweep_at(ctx, "2026-09-05 10:00") == 0  # Sat: already reminded
    assert sweep_at(ctx, "2026-09-07 23:00") == 0  # Mon evening: due, not yet overdue
    # Tue 09-08: overdue by 1 working day → the workers are told; escalation waits for 2.
    sweep_at(ctx, "2026-09-08 09:00")
    assert keys(ctx, "task_overdue") == [(f"task:{task.id}:overdue", "clerk1")]
    assert keys(ctx, "task_escalated") == []
    # Wed 09-09: overdue by 2 working days → escalated to the township heads (乡镇领导: head1 and its deputy).
    sweep_at(ctx, "2026-09-09 09:00")
    assert keys(ctx, "task_escalated") == [(f"task:{task.id}:escalated", u) for u in HEADS]
    (note,) = told(ctx, "head1", "task_escalated")
    assert note.title == "超期督办：受理审查"
    assert "超期 2 个工作日" in note.body
    assert app.number in note.body


def test_holidays_count_right_for_the_reminder_and_the_escalation(ctx: Context) -> None:
    # Registered Wed 09-30, before 国庆 (10-01..10-07 off): due in 3 working days = Thu 10-08, Fri 10-09,
    # Sat 10-10 (a working Saturday) → due Sat 10-10 23:59:59.
    with china("2026-09-30 10:00"):
        app = Application(ctx, eligible_household()).start()
    task = app.task("intake_review")
    # Wed 10-07, the last holiday: Thu 8, Fri 9, Sat 10 are 3 working days away → no reminder yet.
    assert sweep_at(ctx, "2026-10-07 10:00") == 0
    assert sweep_at(ctx, "2026-10-08 10:00") == 0  # Thu: 2 working days left
    sweep_at(ctx, "2026-10-09 10:00")  # Fri: 1 left (the working Saturday)
    assert keys(ctx, "task_due_soon") == [(f"task:{task.id}:due_soon", "clerk1")]
    # Sun 10-11 overdue; working days past due: Mon 10-12 is 1, Tue 10-13 is 2 → escalated on Tuesday.
    sweep_at(ctx, "2026-10-11 10:00")
    sweep_at(ctx, "2026-10-12 10:00")
    assert keys(ctx, "task_overdue") == [(f"task:{task.id}:overdue", "clerk1")]
    assert keys(ctx, "task_escalated") == []
    sweep_at(ctx, "2026-10-13 10:00")
    assert keys(ctx, "task_escalated") == [(f"task:{task.id}:escalated", u) for u in HEADS]


def test_a_region_that_reminds_two_working_days_before_due_reminds_a_day_earlier(ctx: Context) -> None:
    # 烟台's reminder_days_before_due is 2 (the default 1). Same dates as the first test: due Mon 09-07.
    yantai = Users.of_region("yantai")
    with china("2026-09-02 10:00"):
        app = Application(ctx, eligible_household(), yantai).start()
        default = Application(ctx, eligible_household()).start()
    sweep_at(ctx, "2026-09-03 10:00")  # Thu: Fri and Mon, 2 working days left → 烟台 only
    assert keys(ctx, "task_due_soon") == [(f"task:{app.task('intake_review').id}:due_soon", yantai.clerk)]
    sweep_at(ctx, "2026-09-04 10:00")  # Fri: 1 left → the default county too
    assert (f"task:{default.task('intake_review').id}:due_soon", "clerk1") in keys(ctx, "task_due_soon")


def test_a_step_offered_inside_its_reminder_window_is_not_reminded(
    make_context: MakeContext, processes_dir: Path
) -> None:
    # With 3 working days' notice, 受理审查 (due in 3 working days) is inside its window from the start:
    # its new-task notification already named the due date, so no reminder; it is still told overdue.
    path = processes_dir / "default" / "parameters.toml"
    text = path.read_text(encoding="utf-8").replace(
        "[reminder_days_before_due]\n2021-07-01 = 1", "[reminder_days_before_due]\n2021-07-01 = 3"
    )
    assert "[reminder_days_before_due]\n2021-07-01 = 3" in text
    path.write_text(text, encoding="utf-8")
    ctx = make_context()
    with china("2026-09-02 10:00"):
        Application(ctx, eligible_household()).start()
    for day in ("2026-09-02 10:01", "2026-09-04 10:00", "2026-09-07 10:00"):
        sweep_at(ctx, day)
    assert keys(ctx, "task_due_soon") == []
    sweep_at(ctx, "2026-09-08 10:00")
    assert len(keys(ctx, "task_overdue")) == 1


def test_the_legal_clock_warns_at_80_percent_and_tells_its_limit_at_100(ctx: Context) -> None:
    # 受理 Mon 09-07 starts the 30 working-day clock. Working days after it: 09-08..11 (4), 09-14..18 (9),
    # Sun 09-20 (10), 09-21..24 (14; Fri 25 is 中秋), 09-28..30 (17), 国庆 off, 10-08, 09, Sat 10 (20),
    # 10-12..15 (24) → day 24 = 80 % is Thu 10-15; 10-16 (25), 10-19..23 (30) → day 30 is Fri 10-23.
    with china("2026-09-07 10:00"):
        app = Application(ctx, eligible_household()).start().accept()
    case_id = case_of(ctx, app.number)
    sweep_at(ctx, "2026-10-14 10:00")  # day 23
    assert keys(ctx, "legal_clock_warning") == []
    sweep_at(ctx, "2026-10-15 10:00")  # day 24
    county_and_head = ["approver1", "county1", *HEADS]
    assert keys(ctx, "legal_clock_warning") == [(f"case:{case_id}:clock_warning", u) for u in county_and_head]
    assert "已用 24 个工作日" in told(ctx, "head1", "legal_clock_warning")[0].body
    sweep_at(ctx, "2026-10-22 10:00")  # day 29
    assert keys(ctx, "legal_clock_reached") == []
    sweep_at(ctx, "2026-10-23 10:00")  # day 30
    assert keys(ctx, "legal_clock_reached") == [(f"case:{case_id}:clock_reached", u) for u in county_and_head]
    assert "2026-10-23 届满" in told(ctx, "county1", "legal_clock_reached")[0].body


def test_a_sweep_run_twice_writes_each_cause_once(ctx: Context) -> None:
    with china("2026-09-02 10:00"):
        Application(ctx, eligible_household()).start()
    # Overdue (clerk1) and escalated (the two heads) at once.
    assert sweep_at(ctx, "2026-09-09 09:00") == 3
    assert sweep_at(ctx, "2026-09-09 09:00") == 0
    # Everything told: the repeat reads no task or case row, only its four candidate queries and the open
    # referrals' (docs/referrals.md).
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(ctx.db.engine, "before_cursor_execute", listener)
    try:
        assert sweep_at(ctx, "2026-09-10 09:00") == 0
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 4 + 1


def test_the_worker_sweeps_at_most_once_a_minute_and_reads_the_clocks_hourly(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[bool] = []  # whether each sweep read the legal clocks
    monkeypatch.setattr(reminders, "sweep", lambda ctx, clocks: runs.append(clocks) or 0)
    with freeze_time("2026-09-02 02:00:00") as frozen:
        reminders.job(ctx)
        frozen.tick(30)
        reminders.job(ctx)  # within the minute: no sweep
        frozen.tick(31)
        reminders.job(ctx)  # a minute later: tasks and 先行救助, not the clocks
        frozen.tick(3600)
        reminders.job(ctx)  # an hour after the first: the clocks too
    assert runs == [True, False, True]
    assert ("提醒与督办", reminders.job) in worker.JOBS
    assert ("每日待办摘要", digest.job) in worker.JOBS


def test_a_bad_rule_value_is_refused_at_deploy_naming_the_parameter(ctx: Context, processes_dir: Path) -> None:
    path = processes_dir / "regions" / "yantai" / "parameters.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + '\n[escalation_roles]\n2021-07-01 = "village:boss"\n', encoding="utf-8"
    )
    with pytest.raises(BundleInvalid) as refused:
        deploy(ctx, "yantai")
    (problem,) = refused.value.problems
    assert problem.element == "escalation_roles"
    assert "参数 escalation_roles" in problem.message
    assert "未知的角色：boss" in problem.message


def test_the_daily_digest_comes_once_a_day_after_the_hour(ctx: Context) -> None:
    with china("2026-09-02 10:00"):
        app = Application(ctx, eligible_household()).start()  # 受理审查 due Mon 09-07
    with china("2026-09-04 07:59"):  # Fri, before 08:00: nothing yet
        assert digest.job(ctx) == 0
    with china("2026-09-04 08:01"):  # due within 3 days → clerk1 gets the digest, once
        assert digest.job(ctx) == 1
        assert digest.job(ctx) == 0
        ctx.cache(digest.DAY_DONE, None)  # as if another worker process, which has not done the day
        assert digest.job(ctx) == 0
    (note,) = told(ctx, "clerk1", "digest")
    assert note.event_key == "digest:2026-09-04"
    assert note.title == "每日待办摘要（2026-09-04）：超期 0 项，即将到期 1 项"
    assert f"{app.number} 受理审查（2026-09-07 23:59 到期）" in note.body
    with china("2026-09-08 08:30"):  # Tue: now overdue, a new day's digest
        assert digest.job(ctx) == 1
    assert [n.event_key for n in told(ctx, "clerk1", "digest")] == ["digest:2026-09-04", "digest:2026-09-08"]
    assert told(ctx, "head1", "digest") == []  # no task of the township head's role is due


def test_an_emergency_is_warned_at_12_hours_and_overdue_at_24(ctx: Context) -> None:
    # 急难型 registered Mon 11-23 09:00: the 先行救助 step (township heads) is due 24 hours later; the
    # warning comes at 21:00 (12 h), the overdue notice at Tue 09:00 (24 h), hours not working days.
    with china("2026-11-23 09:00"):
        request = Request(ctx, Users()).start()
    step = request.task("advance_payment")
    sweep_at(ctx, "2026-11-23 20:59")
    assert keys(ctx, "emergency_warning") == []
    sweep_at(ctx, "2026-11-23 21:00")
    assert keys(ctx, "emergency_warning") == [(f"task:{step.id}:emergency_warning", u) for u in HEADS]
    (note,) = told(ctx, "head1", "emergency_warning")
    assert "已过 12 小时" in note.body
    sweep_at(ctx, "2026-11-24 08:59")
    assert keys(ctx, "emergency_overdue") == []
    with china("2026-11-24 09:00"):
        timers.tick(ctx)  # the BPMN's own 24-hour boundary timer fires; the step stays open
        reminders.sweep(ctx)
    assert keys(ctx, "emergency_overdue") == [(f"task:{step.id}:emergency_overdue", u) for u in HEADS]
    # The working-day rules leave the hour-limited step alone.
    assert [k for k, _ in keys(ctx, "task_overdue")] == []
    assert sweep_at(ctx, "2026-11-25 09:00") == 0


@pytest.mark.postgres
def test_two_sweeps_at_once_on_postgresql_write_each_cause_once(make_context: MakeContext) -> None:
    ctx = make_context()
    other = make_context()  # a second worker process: its own connections
    with china("2026-09-02 10:00"):
        Application(ctx, eligible_household()).start()
        Application(ctx, eligible_household()).start()
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def work(context: Context) -> None:
        barrier.wait()
        counts.append(reminders.sweep(context))

    with china("2026-09-09 09:00"):  # both tasks overdue and escalated: 2 × (clerk1 + 2 heads)
        threads = [threading.Thread(target=work, args=(c,)) for c in (ctx, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(counts) == [0, 6]
    with ctx.db.read() as session:
        assert len(session.scalars(select(Notification.id).where(Notification.kind != "task_new")).all()) == 6
