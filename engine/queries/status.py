"""A small read-only summary for the status page and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from engine.clock import utcnow
from engine.context import Context
from engine.persistence import AuditHead, ProcessInstance
from engine.queries.deployed import list_definitions
from engine.results import DeployedVersion


@dataclass(frozen=True)
class SystemStatus:
    processes: list[DeployedVersion]
    due_timers: int
    audit_events: int
    warnings: list[str]


def calendar_warnings(ctx: Context, years: list[int]) -> list[str]:
    calendar = ctx.calendar()
    return [
        f"{year} 年没有节假日数据，工作日按仅周末休息计算，请在 processes/calendar/ 添加 {year}.toml"
        for year in years
        if calendar.coverage(year) == "fallback"
    ]


def system_status(ctx: Context) -> SystemStatus:
    latest: dict[tuple[str, str], DeployedVersion] = {}
    for version in list_definitions(ctx):
        latest[(version.region, version.process_id)] = version
    with ctx.db.read() as session:
        due = (
            session.scalar(
                select(func.count()).select_from(ProcessInstance).where(ProcessInstance.next_timer_at <= utcnow())
            )
            or 0
        )
        head = session.get(AuditHead, 1)
    year = utcnow().year
    return SystemStatus(
        list(latest.values()), int(due), head.seq if head else 0, calendar_warnings(ctx, [year, year + 1])
    )
