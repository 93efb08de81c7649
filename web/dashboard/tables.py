"""The dashboard's figures as tables (each also a CSV file, /dashboard/<name>.csv) and as server-drawn bar charts.

Pure layout: engine.queries.dashboard computes every figure; this module names the columns and totals them.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from engine.queries.dashboard import Dashboard
from web.dashboard.charts import BLUE, GREEN, VERMILION, Bar, Series, bar_chart, percent_text
from web.kit.csv_export import csv_text

MAX_STAGE_BARS = 12
TABLE_NAMES = ("stages", "townships", "regions", "tasks", "timeliness", "exits", "rechecks", "next_rechecks")


@dataclass(frozen=True)
class Table:
    name: str  # the CSV's name: /dashboard/<name>.csv
    caption: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    total: tuple[str, ...] | None = None
    link_column: int | None = None  # a column of case numbers, linked to the case page
    note: str = ""


def _share(decided: int, in_time: int) -> str:
    return percent_text(in_time / decided) if decided else "—"


def tables(board: Dashboard) -> dict[str, Table]:
    """Every table of the page by its name, in the order of TABLE_NAMES."""
    return {table.name: table for table in (*_caseload_tables(board), *_deadline_tables(board))}


def _caseload_tables(board: Dashboard) -> list[Table]:
    return [
        Table(
            "stages",
            "办理中的案件：按流程和当前阶段",
            ("流程", "当前阶段", "案件数"),
            [(s.process_title, s.stage, str(s.count)) for s in board.by_stage],
            ("合计", "", str(sum(s.count for s in board.by_stage))),
        ),
        Table(
            "townships",
            "案件：按乡镇",
            ("乡镇", "办理中", "其中超过法定时限", "近 12 个月作出决定"),
            [(t.name, str(t.open), str(t.overdue), str(t.decided)) for t in board.by_township],
            _totals("合计", [(t.open, t.overdue, t.decided) for t in board.by_township]),
            note="超过法定时限：自受理起已用工作日超过办理时限（含延长）且尚未作出决定。",
        ),
        Table(
            "regions",
            "案件：按地区（流程和参数所属地区）",
            ("地区", "办理中", "其中超过法定时限", "近 12 个月作出决定"),
            [(r.name, str(r.open), str(r.overdue), str(r.decided)) for r in board.by_region],
        ),
        Table(
            "tasks",
            "待办任务：按乡镇（含村、乡镇、县各级经办的任务）",
            ("乡镇", "待办（含已签收）", "其中已超期"),
            [(t.name, str(t.open), str(t.overdue)) for t in board.tasks],
            _totals("合计", [(t.open, t.overdue) for t in board.tasks]),
        ),
    ]


def _deadline_tables(board: Dashboard) -> list[Table]:
    timeliness = board.timeliness_total
    return [
        Table(
            "timeliness",
            "法定时限内作出决定的比例：按乡镇（近 12 个月）",
            ("乡镇", "作出决定（有法定时限）", "在时限内", "比例"),
            [(t.name, str(t.decided), str(t.in_time), _share(t.decided, t.in_time)) for t in board.timeliness],
            (
                "合计",
                str(timeliness.decided),
                str(timeliness.in_time),
                _share(timeliness.decided, timeliness.in_time),
            ),
            note="在时限内：作出决定时，自受理起已用工作日不超过办理时限（含延长）。",
        ),
        Table(
            "exits",
            "渐退期 30 天内届满的家庭",
            ("案件编号", "户主", "村/社区", "渐退届满日", "每月金额（元）", "状态"),
            [
                (e.case_number, e.household, e.village, e.ends_on.isoformat(), e.monthly_amount, _exit_state(e.ended))
                for e in board.exits
            ],
            link_column=0,
            note=_truncation(len(board.exits), board.exits_total),
        ),
        Table(
            "rechecks",
            "动态复核到期：按乡镇",
            ("乡镇", "已到期", "30 天内到期（含已到期）"),
            [(r.name, str(r.due), str(r.due_soon)) for r in board.rechecks],
            _totals("合计", [(r.due, r.due_soon) for r in board.rechecks]),
        ),
        Table(
            "next_rechecks",
            "即将复核的家庭（按复核日期）",
            ("案件编号", "户主", "村/社区", "复核日期", "状态"),
            [
                (r.case_number, r.household, r.village, r.next_review_on.isoformat(), "已到期" if r.due else "未到期")
                for r in board.next_rechecks
            ],
            link_column=0,
        ),
    ]


def _totals(label: str, rows: list[tuple[int, ...]]) -> tuple[str, ...]:
    width = len(rows[0]) if rows else 0
    return (label, *(str(sum(row[i] for row in rows)) for i in range(width)))


def _exit_state(ended: bool) -> str:
    return "已届满，待期满核查" if ended else "即将届满"


def _truncation(shown: int, total: int) -> str:
    return f"共 {total} 户，此处列出前 {shown} 户；导出 CSV 可得全部。" if total > shown else ""


def charts(board: Dashboard) -> dict[str, Markup]:
    stages = board.by_stage[:MAX_STAGE_BARS]
    several_processes = len({s.process_id for s in stages}) > 1
    return {
        "stages": bar_chart(
            "chart-stages",
            "办理中的案件：按当前阶段",
            [Bar(f"{s.stage}（{s.process_title}）" if several_processes else s.stage, (s.count,)) for s in stages],
            [Series("案件数", BLUE)],
        ),
        "townships": bar_chart(
            "chart-townships",
            "办理中的案件：按乡镇",
            [Bar(t.name, (t.open, t.overdue)) for t in board.by_township],
            [Series("办理中", BLUE), Series("超过法定时限", VERMILION)],
        ),
        "tasks": bar_chart(
            "chart-tasks",
            "待办任务：按乡镇",
            [Bar(t.name, (t.open, t.overdue)) for t in board.tasks],
            [Series("待办", BLUE), Series("已超期", VERMILION)],
        ),
        "timeliness": bar_chart(
            "chart-timeliness",
            "法定时限内作出决定的比例：按乡镇（近 12 个月）",
            [Bar(t.name, (t.share,)) for t in board.timeliness if t.share is not None],
            [Series("时限内比例", GREEN)],
            maximum=1.0,
            value_text=percent_text,
        ),
    }


def table_csv(table: Table) -> str:
    """The table with its header and total rows as a CSV file for spreadsheet programs."""
    return csv_text([table.headers, *table.rows, *([table.total] if table.total else [])])
