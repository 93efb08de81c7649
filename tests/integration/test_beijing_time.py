"""Dates in Beijing time everywhere (issue 13): at 02:30 in Beijing it is 18:30 of the day before in UTC,
and after a demo clock travel it is days later than the machine's clock. The designer's dry run (run in
the engine host's child), the due dates of new tasks, the dashboard's day and the CLI's deadlines all
follow the Beijing day of the engine's clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time

from engine import clock
from engine.context import Context
from engine.queries.dashboard import dashboard
from engine.services import demo_clock, designer
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from web.cli.tasks import china_deadline

BEIJING_0230 = "2026-11-22 18:30:00"  # Monday 23 November, 02:30 in Beijing; still Sunday in UTC
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _real_time_afterwards() -> Iterator[None]:
    """The demo offset is process-wide: never let a travel here leak into another test."""
    clock.set_offset(timedelta(0))
    yield
    clock.set_offset(timedelta(0))


def _family() -> dict[str, object]:
    return household(member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"))


def _dry_run(ctx: Context, processes_dir: Path) -> designer.DryRunReport:
    params = (processes_dir / "regions" / "yantai" / "parameters.toml").read_bytes()
    designer.save_file(ctx, "designer_yantai", "yantai", "parameters.toml", params + b"\n")
    start = (PROJECT / "tests" / "data" / "walkthrough" / "start.json").read_text(encoding="utf-8")
    household_json = json.dumps(json.loads(start)["household"], ensure_ascii=False)
    return designer.dry_run(ctx, "designer_yantai", "yantai", "dibao_application", household_json)


def _reaches_the_notice(report: designer.DryRunReport) -> bool:
    """Past 入户调查 (whose visit date is the run's today, "not after today") as far as the 公示 timer."""
    assert report.run is not None, report.problems
    return {e.element_id: e.state for e in report.run.path}.get("notice_wait") == "active"


@freeze_time(BEIJING_0230)
def test_the_dry_run_at_0230_in_beijing_runs_on_the_beijing_day(ctx: Context, processes_dir: Path) -> None:
    report = _dry_run(ctx, processes_dir)
    assert report.run is not None
    assert report.run.as_of == date(2026, 11, 23)
    assert _reaches_the_notice(report)


@freeze_time(BEIJING_0230)
def test_the_dry_run_after_a_demo_clock_travel_runs_on_the_travelled_day(ctx: Context, processes_dir: Path) -> None:
    demo_clock.travel(ctx, "admin1", 10)
    report = _dry_run(ctx, processes_dir)
    assert report.run is not None
    assert report.run.as_of == date(2026, 12, 3)
    assert _reaches_the_notice(report)


@freeze_time(BEIJING_0230)
def test_due_dates_count_working_days_from_the_beijing_day(ctx: Context) -> None:
    app = Application(ctx, _family()).start()
    # 受理审查: 3 working days from Monday 23 November (Beijing) → Thursday 26 November, end of day.
    assert app.task("intake_review").due_at == datetime(2026, 11, 26, 15, 59, 59)
    assert china_deadline(app.task("intake_review").due_at) == "2026-11-26"
    demo_clock.travel(ctx, "admin1", 7)  # Monday 30 November in Beijing
    later = Application(ctx, _family()).start()
    assert later.task("intake_review").due_at == datetime(2026, 12, 3, 15, 59, 59)


@freeze_time(BEIJING_0230)
def test_the_dashboard_counts_on_the_beijing_day(ctx: Context) -> None:
    assert dashboard(ctx, "head1").today == date(2026, 11, 23)
    demo_clock.travel(ctx, "admin1", 2)
    assert dashboard(ctx, "head1").today == date(2026, 11, 25)


def test_the_cli_shows_a_timers_deadline_with_its_beijing_hour() -> None:
    assert china_deadline(datetime(2026, 11, 23, 17, 0)) == "2026-11-24 01:00"  # the next day in Beijing
    assert china_deadline(datetime(2026, 11, 26, 15, 59, 59)) == "2026-11-26"
    assert china_deadline(None) == "-"
