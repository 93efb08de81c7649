"""Working-day calendar over the real chinese_calendar data and processes/calendar files.

Expected dates are worked out by hand from the State Council 2026 schedule
(春节 2/15–2/23, make-up Saturdays 2/14 and 2/28; 中秋 9/25–9/27 and 国庆 10/1–10/7,
make-up Sunday 9/20 and Saturday 10/10), not recomputed from the library.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.context import Context
from engine.domain.calendar import WorkingCalendar, calendar_for, load_year_file
from engine.domain.parameters import layered_parameters
from engine.errors import InvalidData
from engine.settings import Settings
from engine.workflow.bundle import calendar_dir
from engine.workflow.helpers import build_helpers

DEFAULT_DATA_DIR = calendar_dir(Settings().processes_dir)


def default_calendar(region: str | None = None) -> WorkingCalendar:
    return calendar_for(DEFAULT_DATA_DIR, region)


@pytest.fixture
def repo_calendar() -> WorkingCalendar:
    # A fresh instance, so the once-per-year fallback warning is not swallowed by an earlier test.
    return WorkingCalendar(DEFAULT_DATA_DIR)


def test_spring_festival_2026_make_up_saturdays_are_working_days(repo_calendar: WorkingCalendar) -> None:
    assert repo_calendar.is_working_day(date(2026, 2, 14))
    assert repo_calendar.is_working_day(date(2026, 2, 28))
    for ordinary_weekend in (date(2026, 2, 7), date(2026, 2, 8), date(2026, 3, 7)):
        assert not repo_calendar.is_working_day(ordinary_weekend)


@pytest.mark.parametrize("day", [16, 17, 18, 19, 20, 23])
def test_spring_festival_2026_weekdays_are_days_off(repo_calendar: WorkingCalendar, day: int) -> None:
    assert not repo_calendar.is_working_day(date(2026, 2, day))


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 2, 13), 0, date(2026, 2, 13)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # make-up Saturday
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # skips the whole festival
        (date(2026, 2, 13), 6, date(2026, 2, 28)),  # the second make-up Saturday
        (date(2026, 2, 13), 7, date(2026, 3, 2)),
        (date(2026, 2, 10), 10, date(2026, 3, 2)),
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # make-up Sunday before 国庆
        (date(2026, 9, 24), 5, date(2026, 10, 9)),  # 中秋 Friday, then 国庆 week
        (date(2026, 9, 24), 6, date(2026, 10, 10)),  # make-up Saturday
        (date(2026, 9, 24), 7, date(2026, 10, 12)),
    ],
)
def test_add_working_days_across_2026_holidays(
    repo_calendar: WorkingCalendar, start: date, days: int, expected: date
) -> None:
    assert repo_calendar.add_working_days(start, days) == expected


def test_working_days_between_spring_festival(repo_calendar: WorkingCalendar) -> None:
    assert repo_calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert repo_calendar.working_days_between(date(2026, 2, 15), date(2026, 2, 23)) == 0
    assert repo_calendar.working_days_between(date(2026, 2, 24), date(2026, 2, 13)) == 0


def test_negative_days_are_rejected(repo_calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="负数"):
        repo_calendar.add_working_days(date(2026, 2, 13), -1)


def test_due_at_is_end_of_the_last_working_day_in_the_same_zone(repo_calendar: WorkingCalendar) -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    due = repo_calendar.due_at(datetime(2026, 2, 13, 10, 30, tzinfo=shanghai), 2)
    assert due == datetime(2026, 2, 24, 23, 59, 59, tzinfo=shanghai)
    assert due.tzinfo is shanghai


def test_2027_falls_back_to_weekends_loudly(repo_calendar: WorkingCalendar, caplog: pytest.LogCaptureFixture) -> None:
    # processes/calendar/2027.toml says the schedule is not published yet (published = false); update
    # this test when its dates are filled in.
    assert repo_calendar.coverage(2026) == "package"
    assert repo_calendar.fallback_years == frozenset()
    with caplog.at_level(logging.WARNING, logger="dibao.calendar"):
        # 1 Jan 2027 is a Friday: without data it counts as a working day.
        assert repo_calendar.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
        assert repo_calendar.add_working_days(date(2026, 12, 29), 5) == date(2027, 1, 5)
    assert repo_calendar.fallback_years == frozenset({2027})
    assert repo_calendar.coverage(2027) == "fallback"
    warnings = [r for r in caplog.records if r.name == "dibao.calendar" and r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once per year, not once per lookup
    assert "2027" in warnings[0].getMessage()
    assert "尚未公布" in warnings[0].getMessage()


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_data_file_for_an_uncovered_year_is_honoured(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _write(
        tmp_path / "2030.toml",
        'source = "测试"\nholidays = [2030-03-06]\nworkdays = [2030-03-09]\n',
    )
    calendar = WorkingCalendar(tmp_path)
    with caplog.at_level(logging.WARNING, logger="dibao.calendar"):
        assert not calendar.is_working_day(date(2030, 3, 6))  # a Wednesday made a holiday
        assert calendar.is_working_day(date(2030, 3, 9))  # a make-up Saturday
        assert not calendar.is_working_day(date(2030, 3, 10))
        assert calendar.add_working_days(date(2030, 3, 5), 1) == date(2030, 3, 7)
        assert calendar.add_working_days(date(2030, 3, 5), 3) == date(2030, 3, 9)
    assert calendar.coverage(2030) == "file"
    assert calendar.fallback_years == frozenset()
    assert not caplog.records


def test_data_file_overrides_a_package_year_and_region_layers_on_top(tmp_path: Path) -> None:
    _write(
        tmp_path / "2026.toml",
        'source = "更正"\nholidays = [2026-03-02]\nworkdays = [2026-02-16]\n',
    )
    _write(
        tmp_path / "regions" / "demo" / "2026.toml",
        'source = "本地"\nholidays = [2026-03-03]\nworkdays = [2026-03-02]\n',
    )
    national = WorkingCalendar(tmp_path)
    regional = WorkingCalendar(tmp_path, region="demo")
    other = WorkingCalendar(tmp_path, region="elsewhere")

    assert national.coverage(2026) == "package"
    assert national.is_working_day(date(2026, 2, 16))  # package holiday undone
    assert not national.is_working_day(date(2026, 2, 17))  # rest of the package kept
    assert national.is_working_day(date(2026, 2, 14))
    assert not national.is_working_day(date(2026, 3, 2))
    assert national.is_working_day(date(2026, 3, 3))

    assert regional.is_working_day(date(2026, 3, 2))  # region undoes the national change
    assert not regional.is_working_day(date(2026, 3, 3))
    assert other.is_working_day(date(2026, 3, 3))


def test_region_file_alone_does_not_hide_the_fallback(tmp_path: Path) -> None:
    _write(
        tmp_path / "regions" / "demo" / "2030.toml",
        'source = "本地"\nholidays = [2030-03-06]\nworkdays = []\n',
    )
    calendar = WorkingCalendar(tmp_path, region="demo")
    assert not calendar.is_working_day(date(2030, 3, 6))
    assert calendar.coverage(2030) == "fallback"


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("2030.toml", "holidays = [2030-01-01", "TOML"),
        ("2030.toml", 'source = "x"\nholidays = [2031-01-01]\nworkdays = []\n', "不在 2030 年内"),
        ("2030.toml", 'source = "x"\nholidays = [2030-03-09]\nworkdays = [2030-03-09]\n', "同时出现"),
        ("2030.toml", 'source = "x"\nholidays = ["2030-01-01"]\nworkdays = []\n', "不是日期"),
        ("2030.toml", 'source = "x"\nholidays = [2030-01-01T00:00:00]\nworkdays = []\n', "不是日期"),
        ("2030.toml", 'source = "x"\nholiday = [2030-01-01]\nworkdays = []\n', "holiday"),
        ("2030.toml", "holidays = []\nworkdays = []\n", "source"),
        ("2030.toml", 'source = "x"\nholidays = 2030-01-01\nworkdays = []\n', "日期列表"),
        ("2030-draft.toml", 'source = "x"\nholidays = []\nworkdays = []\n', "文件名"),
    ],
)
def test_malformed_file_raises_invalid_data_naming_the_file(tmp_path: Path, name: str, text: str, reason: str) -> None:
    path = _write(tmp_path / name, text)
    with pytest.raises(InvalidData) as info:
        WorkingCalendar(tmp_path)
    assert str(path) in info.value.message
    assert reason in info.value.message


def test_region_name_cannot_escape_the_data_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidData, match="地区代码"):
        WorkingCalendar(tmp_path, region="../etc")


def test_repository_data_files_are_valid_and_default_calendar_is_cached(tmp_path: Path) -> None:
    assert load_year_file(DEFAULT_DATA_DIR / "2027.toml").published is False
    assert default_calendar() is default_calendar()
    assert default_calendar("default") is not default_calendar()
    # Another processes directory (DIBAO_PROCESSES_DIR) has a calendar of its own.
    assert calendar_for(tmp_path) is not default_calendar()


@settings(database=None, max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 2, 1)),
    days=st.integers(min_value=0, max_value=60),
)
def test_working_days_between_inverts_add_working_days(start: date, days: int) -> None:
    calendar = default_calendar()
    end = calendar.add_working_days(start, days)
    assert calendar.working_days_between(start, end) == days
    assert days == 0 or calendar.is_working_day(end)
    # The day before the deadline is still one working day short.
    if days:
        assert calendar.working_days_between(start, end - timedelta(days=1)) == days - 1


def test_an_unpublished_year_file_must_not_carry_dates(tmp_path: Path) -> None:
    text = 'source = "未公布"\npublished = false\nholidays = [2031-01-01]\nworkdays = []\n'
    path = _write(tmp_path / "2031.toml", text)
    with pytest.raises(InvalidData, match="published = false"):
        load_year_file(path)


def test_the_calendar_follows_the_configured_processes_directory(tmp_path: Path) -> None:
    """DIBAO_PROCESSES_DIR moves the calendar's data files with the process files: the Context's calendar
    (task due dates, the legal clock) and the BPMN helper working_days_later_iso both read
    <processes>/calendar/, not the repository's."""
    _write(tmp_path / "calendar" / "2030.toml", 'source = "测试"\nholidays = [2030-03-06]\nworkdays = []\n')
    ctx = Context.from_settings(Settings(database_url="sqlite://", processes_dir=tmp_path))
    try:
        assert not ctx.calendar().is_working_day(date(2030, 3, 6))  # the Wednesday made a holiday there
        assert default_calendar().is_working_day(date(2030, 3, 6))  # the repository has no 2030 file
        moved = build_helpers(layered_parameters([]), calendar_dir=ctx.calendar_dir)["working_days_later_iso"]
        repository = build_helpers(layered_parameters([]), calendar_dir=DEFAULT_DATA_DIR)["working_days_later_iso"]
        with freeze_time("2030-03-05 01:00:00"):  # Tuesday 09:00 in China; one working day later:
            assert moved(1) == "2030-03-07T15:59:59+00:00"  # the end of Thursday in China
            assert repository(1) == "2030-03-06T15:59:59+00:00"  # the end of Wednesday
    finally:
        ctx.close()
