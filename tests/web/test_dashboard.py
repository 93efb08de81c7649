"""统计看板 (/dashboard): figures from cases run through the real services and processes, scoped to
the user's township or county; the CSV exports; the calendar-fallback banner; who may see it.

The county's story (default region, S = 800): in 城关镇 one application decided within its 30 working
days and one decided after 36, and a reference_review registered the day before; in 河西乡 one
application accepted and then left alone (overdue by the time we look) and one never accepted (no legal
clock, so never "overdue"). We look on 12 January 2027.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import InvalidData, PermissionDenied
from engine.persistence import AuditEvent
from engine.queries import case_view, dashboard
from engine.queries.case_search import overdue_cutoff
from engine.queries.dashboard import Dashboard, in_time_cutoffs
from engine.services import cases, reviews
from tests.scenarios.flow import Application, Recheck, Users
from tests.scenarios.households import household, member
from tests.web.conftest import Browser
from web.dashboard.tables import TABLE_NAMES
from web.kit.csv_export import csv_cell

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
NOTICE_OVER = "2026-11-30 02:00:00"
LATE = "2027-01-12 02:00:00"  # 36 working days after START (2027 counts weekends only: no data yet)
HEXI = Users(village="demo-village-2-1", clerk="clerk2", head="head2")


def _family(name: str = "张三") -> dict[str, Any]:
    # p = 500 < 800: eligible; a working-age spouse without a steady job → re-checked every 6 months.
    return household(
        member(name, "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
    )


def _build_county(ctx: Context) -> dict[str, str]:
    """The story of the module docstring; returns the case numbers by role in it."""
    with freeze_time(START):
        in_time = Application(ctx, _family()).start().accept().investigate().first_review()
        late = Application(ctx, _family("王五")).start().accept().investigate().first_review()
        stalled = Application(ctx, _family("赵六"), HEXI).start().accept()
        unaccepted = Application(ctx, _family("钱七"), HEXI).start()
    with freeze_time(NOTICE_OVER):
        in_time.end_notice()
        in_time.confirm()
    with freeze_time("2027-01-11 02:00:00"):
        registered = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-2"}).number
    with freeze_time(LATE):
        late.confirm()
    return {
        "in_time": in_time.number,
        "late": late.number,
        "stalled": stalled.number,
        "unaccepted": unaccepted.number,
        "registered": registered,
    }


def _board(ctx: Context, username: str, at: str = LATE, **kwargs: Any) -> Dashboard:
    with freeze_time(at):
        return dashboard.dashboard(ctx, username, **kwargs)


def _row(rows: list[Any], name: str) -> Any:
    (found,) = [r for r in rows if r.name == name]
    return found


def _open_tasks(ctx: Context, numbers: list[str]) -> list[Any]:
    return [t for n in numbers for t in case_view.show_case(ctx, n).tasks if t.state in ("open", "claimed")]


def test_county_figures_match_the_cases_run_through_the_services(ctx: Context) -> None:
    numbers = _build_county(ctx)
    board = _board(ctx, "county1")
    assert (board.scope_name, board.scope_level, board.today) == ("示范县", "county", date(2027, 1, 12))

    chengguan, hexi = _row(board.by_township, "城关镇"), _row(board.by_township, "河西乡")
    assert (chengguan.open, chengguan.overdue, chengguan.decided) == (1, 0, 2)
    assert (hexi.open, hexi.overdue, hexi.decided) == (2, 1, 0)  # the unaccepted one has no legal clock
    with freeze_time(LATE):
        clocks = {key: case_view.show_case(ctx, n).legal_clock for key, n in numbers.items()}
    assert clocks["stalled"] is not None
    assert clocks["stalled"].overdue
    assert clocks["unaccepted"] is None
    assert [(r.key, r.open, r.overdue, r.decided) for r in board.by_region] == [("default", 3, 1, 2)]

    stages = {(s.process_id, s.stage): s.count for s in board.by_stage}
    with freeze_time(LATE):
        expected: dict[tuple[str, str], int] = {}
        for key in ("stalled", "unaccepted", "registered"):
            view = case_view.show_case(ctx, numbers[key])
            expected[(view.kind, view.stage or "—")] = expected.get((view.kind, view.stage or "—"), 0) + 1
    assert stages == expected
    assert sum(stages.values()) == 3

    # 30 working days: decided after 5 (in time) and after 36 (late).
    assert clocks["in_time"] is not None
    assert not clocks["in_time"].overdue
    assert clocks["late"] is not None
    assert clocks["late"].overdue
    timely = _row(board.timeliness, "城关镇")
    assert (timely.decided, timely.in_time, timely.share) == (2, 1, 0.5)
    assert _row(board.timeliness, "河西乡").share is None
    assert (board.timeliness_total.decided, board.timeliness_total.in_time) == (2, 1)

    # Tasks: what the case pages list as open, overdue when past due at LATE.
    with freeze_time(LATE):
        hexi_tasks = _open_tasks(ctx, [numbers["stalled"], numbers["unaccepted"]])
        chengguan_tasks = _open_tasks(ctx, [numbers["in_time"], numbers["late"], numbers["registered"]])
        expected_tasks = {
            "河西乡": (len(hexi_tasks), sum(t.overdue for t in hexi_tasks)),
            "城关镇": (len(chengguan_tasks), sum(t.overdue for t in chengguan_tasks)),
        }
    assert {t.name: (t.open, t.overdue) for t in board.tasks} == expected_tasks
    assert expected_tasks["河西乡"] == (2, 2)
    assert expected_tasks["城关镇"][1] == 0


def test_in_time_cutoffs_are_the_legal_clock_rule_for_every_decision_day(ctx: Context) -> None:
    # The in-time cutoffs are case_search's overdue cutoff for each decision day (legal_clock's rule).
    calendar = ctx.calendar("default")
    first, last = date(2026, 9, 1), date(2027, 2, 28)
    for limit in (30, 45):
        got = in_time_cutoffs(calendar, limit, first, last)
        assert got == [
            overdue_cutoff(calendar, limit, date.fromordinal(first.toordinal() + i)) for i in range(len(got))
        ]


def test_a_township_head_sees_only_their_township(ctx: Context) -> None:
    _build_county(ctx)
    board = _board(ctx, "head2")
    assert (board.scope_name, board.scope_level) == ("河西乡", "township")
    assert [t.name for t in board.by_township] == ["河西乡"]
    assert [(t.open, t.overdue, t.decided) for t in board.by_township] == [(2, 1, 0)]
    assert [t.name for t in board.tasks] == ["河西乡"]
    assert sum(s.count for s in board.by_stage) == 2
    head1 = _board(ctx, "head1")
    assert [(t.name, t.open, t.decided) for t in head1.by_township] == [("城关镇", 1, 2)]


@pytest.mark.parametrize("who", ["clerk1", "clerk2", "village1", "verify1", "designer1"])
def test_roles_without_the_dashboard_are_refused(ctx: Context, who: str) -> None:
    with pytest.raises(PermissionDenied):
        dashboard.dashboard(ctx, who)


@pytest.mark.parametrize("who", ["head1", "county1", "approver1", "committee1", "auditor1", "admin1"])
def test_supervising_roles_see_the_dashboard(ctx: Context, who: str) -> None:
    assert dashboard.dashboard(ctx, who).by_township


def test_a_region_outside_the_scope_is_refused_naming_the_field(ctx: Context) -> None:
    assert dashboard.dashboard(ctx, "county1", region="default").region == "default"
    with pytest.raises(InvalidData) as error:
        dashboard.dashboard(ctx, "county1", region="yantai")
    assert "region" in error.value.fields


def test_gradual_exits_ending_soon_and_rechecks_due(ctx: Context) -> None:
    users = Users()
    with freeze_time(START):
        exiting = Application(ctx, _family()).start().accept().investigate().first_review()
        staying = Application(ctx, _family("王五")).start().accept().investigate().first_review()
    with freeze_time(NOTICE_OVER):
        exiting.end_notice()
        exiting.confirm()
        staying.confirm()
    # Re-employment lifts the income above the standard → 渐退 (national rule: employment) for 2 months.
    richer = household(
        member("张三", "self", ("wage", "3000.00"), employment="employed", started="2027-01-15"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
    )
    review = Recheck(ctx, exiting.number, users)
    with freeze_time("2027-02-01 02:00:00"):
        review.start(richer, "900.00").investigate(richer, "employment", "2027-02-01")
        review.complete("exit_proposal", "head1", {"months": 2, "opinion": "给予2个月渐退期"})
        review.complete("exit_decision", "approver1", {"decision": "approve", "opinion": "同意"})
    ends_on = review.enrollment().ends_on
    assert review.enrollment().status == "gradual_exit"
    assert ends_on == date(2027, 5, 1)

    assert _board(ctx, "county1", "2027-03-15 02:00:00").exits == []  # 47 days before the end
    board = _board(ctx, "county1", "2027-04-20 02:00:00")
    assert [(e.case_number, e.household, e.village, e.ends_on, e.ended) for e in board.exits] == [
        (exiting.number, "张三", "城关镇东村", ends_on, False)
    ]
    assert board.exits_total == 1
    assert _board(ctx, "head2", "2027-04-20 02:00:00").exits == []  # 河西乡 sees none of it
    assert _board(ctx, "county1", "2027-05-03 02:00:00").exits[0].ended  # past the end, final check pending

    # The other household is re-checked every 6 months from December 2026: due on 1 June 2027.
    soon = _board(ctx, "county1", "2027-04-25 02:00:00")  # 1 June is 37 days away
    assert [(r.name, r.due, r.due_soon) for r in soon.rechecks if r.due_soon] == []
    assert [(r.case_number, r.next_review_on, r.due) for r in soon.next_rechecks] == [
        (staying.number, date(2027, 6, 1), False)
    ]
    close = _board(ctx, "county1", "2027-05-20 02:00:00")
    assert [(r.name, r.due, r.due_soon) for r in close.rechecks if r.due_soon] == [("城关镇", 0, 1)]
    due = _board(ctx, "head1", "2027-06-02 02:00:00")
    assert [(r.name, r.due, r.due_soon) for r in due.rechecks] == [("城关镇", 1, 1)]
    # The same rule as the batch start of due re-checks: it finds exactly what the dashboard counts.
    with freeze_time("2027-06-02 02:00:00"):
        batch = reviews.start_due_reviews(ctx, "clerk1")
    assert batch.due == 1
    after = _board(ctx, "head1", "2027-06-02 03:00:00")
    assert [r.due for r in after.rechecks] == [0]  # being re-checked: no date until it decides


# --- the pages --------------------------------------------------------------------------------------


def _csv(browser: Browser, name: str, **query: str) -> list[list[str]]:
    response = browser.get(f"/dashboard/{name}.csv", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_page_shows_tables_charts_and_the_calendar_banner(ctx: Context, make_browser: Any) -> None:
    _build_county(ctx)
    with freeze_time(LATE):
        browser = make_browser("county1")
        page = browser.get("/dashboard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>统计看板</h1>" in html
    assert html.count('role="img"') == 4
    assert '<title id="chart-townships-title">' in html
    assert "<script" not in html
    for name in TABLE_NAMES:
        assert f"/dashboard/{name}.csv" in html
    assert "<caption>法定时限内作出决定的比例" in html
    assert "50.0%" in html
    # January 2027: the 2027 schedule is not published, deadlines count weekends only, and the page says so.
    assert 'class="warn calendar-fallback"' in html
    assert "2027 年没有节假日数据" in html
    assert ">统计看板</a>" in html  # in the navigation


def test_no_banner_when_this_and_next_year_have_holiday_data(ctx: Context, make_browser: Any) -> None:
    with freeze_time("2025-06-02 02:00:00"):
        html = make_browser("county1").get("/dashboard").get_data(as_text=True)
    assert "calendar-fallback" not in html


def test_csv_exports_parse_and_are_recorded(ctx: Context, make_browser: Any) -> None:
    numbers = _build_county(ctx)
    with freeze_time(LATE):
        browser = make_browser("county1")
        townships = _csv(browser, "townships")
        timeliness = _csv(browser, "timeliness")
        for name in TABLE_NAMES:
            assert _csv(browser, name)[0]  # every table has its headers
        assert browser.get("/dashboard/nothing.csv").status_code == 404
    assert townships[0] == ["乡镇", "办理中", "其中超过法定时限", "近 12 个月作出决定"]
    assert ["城关镇", "1", "0", "2"] in townships
    assert ["河西乡", "2", "1", "0"] in townships
    assert townships[-1] == ["合计", "3", "1", "2"]
    assert ["城关镇", "2", "1", "50.0%"] in timeliness
    exports = [e for e in _events(ctx) if e.action == "dashboard_exported"]
    assert len(exports) == 2 + len(TABLE_NAMES)
    assert exports[0].details["table"] == "townships"
    assert numbers  # the story ran


def test_csv_cells_that_look_like_formulas_are_defused(ctx: Context, make_browser: Any) -> None:
    for text in ("=1+2", "+1", "-1", "@SUM(A1)", "\t=1"):
        assert csv_cell(text) == "'" + text
    assert csv_cell("张三") == "张三"
    # A household whose name a spreadsheet would run: the re-check list exports it inert.
    with freeze_time(START):
        app = Application(ctx, _family('=HYPERLINK("http://x","y")')).start().accept().investigate().first_review()
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.confirm()
    with freeze_time("2027-05-20 02:00:00"):
        rows = _csv(make_browser("county1"), "next_rechecks")
    assert rows[1][0] == app.number
    assert rows[1][1] == '\'=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("who", ["clerk1", "village1", "designer1"])
def test_the_page_and_exports_are_refused_to_other_roles(ctx: Context, make_browser: Any, who: str) -> None:
    browser = make_browser(who)
    assert browser.get("/dashboard").status_code == 403
    assert browser.get("/dashboard/townships.csv").status_code == 403
    assert ">统计看板</a>" not in browser.get("/").get_data(as_text=True)
    assert not [e for e in _events(ctx) if e.action == "dashboard_exported"]


def test_a_bad_region_is_a_422_naming_the_field(ctx: Context, make_browser: Any) -> None:
    browser = make_browser("county1")
    response = browser.get("/dashboard?region=yantai")
    assert response.status_code == 422
    assert "地区：yantai 不在您的管辖范围内" in response.get_data(as_text=True)
    assert browser.get("/dashboard?region=default").status_code == 200
    assert browser.get("/dashboard/townships.csv?region=yantai").status_code == 422


def _events(ctx: Context) -> list[Any]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_decisions_outside_the_last_twelve_months_do_not_count(ctx: Context) -> None:
    _build_county(ctx)
    later = _board(ctx, "county1", "2028-01-13 02:00:00")
    assert _row(later.by_township, "城关镇").decided == 0
    assert later.timeliness_total.decided == 0
    assert later.period_start == date(2027, 1, 13)
    assert later.as_of == datetime(2028, 1, 13, 2, 0)
