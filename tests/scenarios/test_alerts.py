"""监测预警 end to end (docs/alerts.md): alerts imported from a file, matched by 身份证号 to a real approved 低保
enrolment, opening a 动态复核 due in the level's working days."""

from __future__ import annotations

from datetime import date, datetime

from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import Case, HumanTask
from engine.persistence.alerts import Alert, MonitoredHousehold
from engine.queries import case_page
from engine.services import alert_monitoring, alerts, tasks
from tests.scenarios.approved import applicant_id_number, approved_application
from tests.scenarios.households import id_number

HEADER = "身份证号,姓名,预警指标,预警等级,预警来源,预警日期,村/社区\n"
IMPORTED = "2026-12-03 02:00:00"  # Thursday 10:00 Beijing time


def _csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("utf-8-sig")


def test_a_red_alert_for_an_enrolled_household_opens_a_review_due_in_three_working_days(ctx: Context) -> None:
    app = approved_application(ctx)
    number = applicant_id_number(app)
    with freeze_time(IMPORTED):
        result = alerts.import_file(
            ctx, "county1", _csv(f"{number},张三,大额医疗支出,红色,医保部门,2026-12-02,"), "alerts.csv", "B-1"
        )
    assert (result.total, result.imported, result.merged, result.rejected) == (1, 1, 0, 0)
    assert len(result.opened_cases) == 1
    # Red: 3 working days from Thursday 3 December: Friday 4, Monday 7, Tuesday 8; the end of that day in
    # Beijing is 15:59:59 UTC.
    due = datetime(2026, 12, 8, 15, 59, 59)
    with ctx.db.read() as session:
        alert = session.scalars(select(Alert)).one()
        review = session.scalars(select(Case).where(Case.number == result.opened_cases[0])).one()
        task = session.scalars(select(HumanTask).where(HumanTask.case_id == review.id)).one()
        assert (alert.match_kind, alert.status, alert.level, alert.due_at) == ("enrollment", "verifying", "red", due)
        assert alert.opened_case_id == review.id
        assert review.kind == "periodic_review"
        assert review.data["trigger"] == "alert"
        assert review.data["related_case"] == app.number
        assert (task.task_name, task.due_at) == ("recheck_investigation", due)
    page = case_page.case_page(ctx, result.opened_cases[0], "clerk1")
    texts = [entry.text for entry in page.timeline]
    assert f"监测预警开启动态复核：红色预警（大额医疗支出，预警 {alert.id}），须在 2026-12-08 前核查" in texts


def test_a_later_alert_of_the_same_household_merges_and_keeps_the_higher_level(ctx: Context) -> None:
    app = approved_application(ctx)
    number = applicant_id_number(app)
    with freeze_time(IMPORTED):
        alerts.import_file(ctx, "county1", _csv(f"{number},张三,失业,黄色,人社部门,2026-12-01,"), "a.csv", "B-1")
        line = f"{number},张三,收入骤减,橙色,税务,2026-12-02,"
        second = alerts.import_file(ctx, "county1", _csv(line), "b.csv", "B-2")
    assert (second.imported, second.merged, second.opened_cases) == (0, 1, [])
    with ctx.db.read() as session:
        alert = session.scalars(select(Alert)).one()
        # Orange (7 working days from Thursday 3 December: 4, 7, 8, 9, 10, 11, 14) is earlier than yellow's 15.
        assert (alert.level, alert.merged_count, alert.due_at) == ("orange", 1, datetime(2026, 12, 14, 15, 59, 59))


def test_a_household_not_covered_is_verified_and_put_under_monitoring_with_a_recheck_date(ctx: Context) -> None:
    with freeze_time(IMPORTED):
        line = f"{id_number()},李四,突发灾害,橙色,应急管理局,2026-12-02,demo-village-1-2"
        result = alerts.import_file(ctx, "county1", _csv(line), "c.csv", "B-3")
    assert (result.imported, len(result.opened_cases)) == (1, 1)
    with ctx.db.read() as session:
        alert = session.scalars(select(Alert)).one()
        task = session.scalars(select(HumanTask).where(HumanTask.case_id == alert.opened_case_id)).one()
        assert (alert.match_kind, alert.status) == ("none", "verifying")
        # Orange: 7 working days from Thursday 3 December (4, 7, 8, 9, 10, 11, 14), the township's task.
        assert (task.task_name, task.due_at) == ("alert_visit", datetime(2026, 12, 14, 15, 59, 59))
        assert task.org_unit.code == "demo-town-1"
    visit = {"visit_date": "2026-12-07", "finding": "monitor", "visit_note": "房屋受损，收入暂未低于标准"}
    with freeze_time("2026-12-07 02:00:00"):
        tasks.complete(ctx, task.id, "clerk1", visit)
    with ctx.db.read() as session:
        alert = session.scalars(select(Alert)).one()
        monitored = session.scalars(select(MonitoredHousehold)).one()
        assert (alert.status, alert.outcome, alert.outcome_note) == ("monitoring", "monitor", visit["visit_note"])
        # monitoring_recheck_months = 3: from Monday 7 December 2026 to 7 March 2027.
        assert (monitored.since, monitored.recheck_on, monitored.status) == (
            date(2026, 12, 7),
            date(2027, 3, 7),
            "monitoring",
        )
        assert monitored.village.code == "demo-village-1-2"
    # On the re-check date the worker opens a new verification for the household, once.
    with freeze_time("2027-03-08 01:00:00"):
        assert alert_monitoring.recheck_due(ctx) == 1
        assert alert_monitoring.recheck_due(ctx) == 0
    with ctx.db.read() as session:
        monitored = session.scalars(select(MonitoredHousehold)).one()
        recheck = session.get(Alert, monitored.recheck_alert_id)
        assert recheck is not None
        assert (monitored.status, recheck.source, recheck.status, recheck.level) == (
            "rechecking",
            "监测复查",
            "verifying",
            "yellow",
        )
        task = session.scalars(select(HumanTask).where(HumanTask.case_id == recheck.opened_case_id)).one()
        assert task.task_name == "alert_visit"
    with freeze_time("2027-03-09 01:00:00"):
        tasks.complete(
            ctx, task.id, "clerk1", {"visit_date": "2027-03-09", "finding": "no_risk", "visit_note": "已复工"}
        )
    with ctx.db.read() as session:
        statuses = {m.status for m in session.scalars(select(MonitoredHousehold))}
        assert statuses == {"ended"}
        assert session.get(Alert, recheck.id).status == "closed"  # type: ignore[union-attr]
