"""The 特困人员探访 pages (docs/tekun-visits.md): the dashboard's block counts the missed and this month's visits by
township and links to the list; the list shows the open visits of the user's village, township or county with
masked names and links to the visit cases; staff outside casework get a 403."""

from __future__ import annotations

from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import HumanTask
from engine.services import care_visits, timers
from tests.scenarios.tekun_enrolled import enrol_tekun
from tests.web.conftest import Browser


def _browser(make_browser: object, who: str | None) -> Browser:
    return make_browser(who)  # type: ignore[operator, no-any-return]


def test_the_dashboard_and_the_list_show_missed_visits(ctx: Context, make_browser: object) -> None:
    enrol_tekun(ctx, "张分散", "demo-village-1-1")
    enrol_tekun(ctx, "李分散", "demo-village-2-1")
    with freeze_time("2026-12-02 01:00:00"):
        assert care_visits.open_due(ctx) == 2
    with freeze_time("2027-01-02 01:00:00"):
        timers.tick(ctx)
        assert care_visits.open_due(ctx) == 2
        county = _browser(make_browser, "county1")
        page = county.get("/dashboard").get_data(as_text=True)
        assert "特困分散供养探访" in page
        assert 'href="/tekun/visits?missed=1"' in page
        listing = county.get("/tekun/visits?missed=1").get_data(as_text=True)
        assert "张**" in listing
        assert "李**" in listing
        assert "张分散" not in listing  # names are masked
        assert "逾期未探访" in listing
        assert "2026 年 12 月" in listing
        assert "2027 年 1 月" not in listing
        assert "/cases/2026-" in listing  # each links to its visit case
        village = _browser(make_browser, "village1").get("/tekun/visits").get_data(as_text=True)
        assert "张**" in village
        assert "李**" not in village
        assert "2027 年 1 月" in village
        assert "待探访" in village
        assert _browser(make_browser, "designer1").get("/tekun/visits").status_code == 403
        assert _browser(make_browser, None).get("/tekun/visits").status_code == 302


def test_the_village_works_the_visit_task_on_its_page(ctx: Context, make_browser: object) -> None:
    enrol_tekun(ctx, "张分散", "demo-village-1-1")
    with freeze_time("2026-12-02 01:00:00"):
        care_visits.open_due(ctx)
        with ctx.db.read() as session:
            task_id = session.scalars(select(HumanTask.id).where(HumanTask.task_name == "care_visit")).one()
        village = _browser(make_browser, "village1")
        page = village.get(f"/tasks/{task_id}").get_data(as_text=True)
        for text in ("月度探访", "探访日期", "照料人是否在场", "生活状况", "较差", "健康变化情况", "张分散", "李照护"):
            assert text in page, text
