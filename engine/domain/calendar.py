"""Working-day calendar (docs/contracts.md#working-days): time limits are counted in 工作日.

A year's days off come from, in order, each layer overriding the one before:

1. weekends;
2. the `chinese_calendar` package, for the years it covers (holidays and 调休 make-up days);
3. `<data_dir>/<year>.toml`, for later years or national corrections;
4. `<data_dir>/regions/<region>/<year>.toml`, for a region's local changes.

A year covered by neither the package nor a national data file falls back to weekends only, and
says so: a warning on the "dibao.calendar" logger plus `fallback_years`/`coverage()` for banners.
The file format is documented in processes/calendar/README.md. Where the data directory is
(processes/calendar/ under Settings.processes_dir) is for the caller to say: this module reads no settings.
"""

from __future__ import annotations

import logging
import re
import threading
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal, NoReturn

import chinese_calendar

from engine.errors import InvalidData

logger = logging.getLogger("dibao.calendar")

Coverage = Literal["package", "file", "fallback"]

_YEAR_FILE = re.compile(r"(\d{4})\.toml")
# Region names become path components; anything else could escape the data directory.
_REGION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_KEYS = frozenset({"holidays", "workdays", "source", "published"})
_END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class YearData:
    """One data file: days off and make-up working days of one year."""

    path: Path
    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str
    # False: a placeholder saying the State Council has not published the year's schedule yet; the
    # year is still counted weekends-only, loudly, until the dates are filled in.
    published: bool = True


def load_year_file(path: Path) -> YearData:
    """Parse and validate one `<year>.toml`; raise InvalidData naming the file on any problem."""
    match = _YEAR_FILE.fullmatch(path.name)
    if match is None:
        _fail(path, [f"文件名应为“四位年份.toml”（如 2027.toml），实际为“{path.name}”"])
    year = int(match.group(1))
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        _fail(path, [f"不是有效的 TOML：{exc}"])
    except (OSError, UnicodeDecodeError) as exc:
        _fail(path, [f"无法读取：{exc}"])

    problems: list[str] = []
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        problems.append(f"未知的键：{'、'.join(unknown)}（只允许 holidays、workdays、source、published）")
    published = raw.get("published", True)
    if not isinstance(published, bool):
        problems.append("published 应为 true 或 false")
        published = True
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append("缺少 source（数据来源，如国务院办公厅通知的文号），应为非空字符串")
        source = ""
    holidays = _dates(raw, "holidays", year, problems)
    workdays = _dates(raw, "workdays", year, problems)
    both = sorted(holidays & workdays)
    if both:
        problems.append("以下日期同时出现在 holidays 和 workdays 中：" + "、".join(d.isoformat() for d in both))
    if not published and (holidays or workdays):
        problems.append("published = false 表示放假安排尚未公布，此时 holidays 和 workdays 必须为空")
    if problems:
        _fail(path, problems)
    return YearData(path, year, frozenset(holidays), frozenset(workdays), source.strip(), published)


def _dates(raw: dict[str, Any], key: str, year: int, problems: list[str]) -> set[date]:
    # A missing list is an error rather than "empty" so a misspelt key cannot silently drop holidays.
    if key not in raw:
        problems.append(f"缺少 {key}（没有时写 {key} = []）")
        return set()
    value = raw[key]
    if not isinstance(value, list):
        problems.append(f"{key} 应为日期列表，如 {key} = [{year}-01-01]")
        return set()
    found: set[date] = set()
    for item in value:
        # tomllib yields datetime, a date subclass, for "2027-01-01T00:00:00": a calendar day has no time.
        if not isinstance(item, date) or isinstance(item, datetime):
            problems.append(f"{key} 中的“{item}”不是日期，应写成不加引号的 TOML 日期，如 {year}-01-01")
        elif item.year != year:
            problems.append(f"{key} 中的 {item.isoformat()} 不在 {year} 年内")
        else:
            found.add(item)
    return found


def _fail(path: Path, problems: list[str]) -> NoReturn:
    raise InvalidData(f"日历数据文件 {path} 有误：" + "；".join(problems), fields={str(path): problems})


def _package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _year_dates(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


class WorkingCalendar:
    """Working days for one region. Data files are read and validated when the calendar is built."""

    def __init__(self, data_dir: Path, region: str | None = None) -> None:
        if not data_dir.is_dir():
            raise InvalidData(f"日历数据目录不存在：{data_dir}")
        if region is not None and not _REGION_NAME.fullmatch(region):
            raise InvalidData(f"地区代码无效：“{region}”")
        self.data_dir = data_dir
        self.region = region
        self._national = self._load_dir(data_dir)
        region_dir = data_dir / "regions" / region if region is not None else None
        self._regional = self._load_dir(region_dir) if region_dir and region_dir.is_dir() else {}
        self._working: dict[int, frozenset[date]] = {}
        self._coverage: dict[int, Coverage] = {}
        # Flask serves requests from threads; the lock keeps the fallback warning to one per year.
        self._lock = threading.Lock()

    @staticmethod
    def _load_dir(directory: Path) -> dict[int, YearData]:
        files = (load_year_file(p) for p in sorted(directory.glob("*.toml")))
        return {data.year: data for data in files}

    def is_working_day(self, day: date) -> bool:
        return day in self._working_days(day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (start itself is not counted).

        days=0 returns start. Negative days raise ValueError.
        """
        if days < 0:
            raise ValueError(f"工作日数不能为负数：{days}")
        day = start
        remaining = days
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end], i.e. how many working days have elapsed; 0 if end <= start."""
        count = 0
        day = start + timedelta(days=1)
        while day <= end:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count

    def due_at(self, start: datetime, days: int) -> datetime:
        """Deadline: end of day (23:59:59) of add_working_days(start.date(), days), same tzinfo as start."""
        return datetime.combine(self.add_working_days(start.date(), days), _END_OF_DAY, tzinfo=start.tzinfo)

    @property
    def fallback_years(self) -> frozenset[int]:
        """Years consulted so far that had no data and were counted as weekends-only."""
        with self._lock:
            return frozenset(y for y, c in self._coverage.items() if c == "fallback")

    def coverage(self, year: int) -> Coverage:
        """Where `year`'s holidays come from: "package", "file" (national data file) or "fallback".

        A region file alone does not count: it holds local changes, not the national schedule.
        """
        self._working_days(year)
        return self._coverage[year]

    def sources(self, year: int) -> list[str]:
        """Human-readable origins of `year`'s data (package, file paths with their `source` text)."""
        parts: list[str] = []
        if _package_covers(year):
            parts.append(f"chinese_calendar {chinese_calendar.__version__}")
        for data in (self._national.get(year), self._regional.get(year)):
            if data is not None:
                parts.append(f"{data.path}（{data.source}）")
        return parts

    def _working_days(self, year: int) -> frozenset[date]:
        cached = self._working.get(year)
        if cached is not None:
            return cached
        with self._lock:
            if year not in self._working:
                self._working[year] = self._build_year(year)
            return self._working[year]

    def _build_year(self, year: int) -> frozenset[date]:
        days = _year_dates(year)
        national = self._national.get(year)
        if _package_covers(year):
            working = {d for d in days if chinese_calendar.is_workday(d)}
            self._coverage[year] = "package"
        else:
            working = {d for d in days if d.weekday() < 5}
            self._coverage[year] = "file" if national is not None and national.published else "fallback"
        for data in (national, self._regional.get(year)):
            if data is not None:
                working = (working - data.holidays) | data.workdays
        if self._coverage[year] == "fallback" and national is not None:
            logger.warning(
                "%d 年的放假安排尚未公布（%s：%s），工作日暂按仅周末休息计算，期限可能偏早；"
                "公布后请在该文件中填入放假和调休日期并删除 published = false",
                year,
                national.path,
                national.source,
            )
        elif self._coverage[year] == "fallback":
            logger.warning(
                "%d 年没有节假日数据（chinese_calendar 不覆盖该年，且没有 %s），工作日暂按仅周末休息计算，"
                "期限可能偏早；请按国务院办公厅的放假安排添加该文件",
                year,
                self.data_dir / f"{year}.toml",
            )
        return frozenset(working)


@cache
def calendar_for(data_dir: Path, region: str | None = None) -> WorkingCalendar:
    """The calendar over `data_dir`, one instance per directory and region for the life of the process
    (its files are read and checked once)."""
    return WorkingCalendar(data_dir, region)
