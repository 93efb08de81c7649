"""The task header's deadline (web.kit.filters.deadline): an hour deadline (a timer's, 先行救助) reads
"12月5日 14:30 前" with what is left; a working-day deadline (end of the Beijing day) reads as its date."""

from __future__ import annotations

from datetime import datetime

from web.kit.filters import Deadline, deadline

DUE = datetime(2026, 12, 5, 6, 30)  # 14:30 in Beijing


def test_an_hour_deadline_reads_with_its_hour_and_the_hours_left() -> None:
    assert deadline(DUE, now=datetime(2026, 12, 4, 6, 0)) == Deadline("12月5日 14:30 前", "剩余 24 小时", False)
    assert deadline(DUE, now=datetime(2026, 12, 5, 1, 10)).urgency == "剩余 5 小时"  # 5 h 20 min: whole hours
    assert deadline(DUE, now=datetime(2026, 12, 5, 6, 15)).urgency == "剩余 15 分钟"
    assert deadline(DUE, now=datetime(2026, 12, 5, 6, 30)) == Deadline("12月5日 14:30 前", "已超时", True)


def test_a_working_day_deadline_reads_as_its_beijing_date() -> None:
    end_of_day = datetime(2026, 12, 8, 15, 59, 59)  # 23:59:59 on 8 December in Beijing
    assert deadline(end_of_day, now=datetime(2026, 12, 8, 15, 0)) == Deadline("2026-12-08", None, False)
    assert deadline(end_of_day, now=datetime(2026, 12, 9, 1, 0)) == Deadline("2026-12-08", "已超期", True)
    assert deadline(None) is None
