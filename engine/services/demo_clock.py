"""Demo clock travel: an administrator moves this process's clock forward in demo mode only, so a 公示
of 7 days (or any deadline) can be shown ending during a demonstration.

The offset lives in engine.clock and is per process: `dibao serve` runs the web app and its timer worker
in one process, so both see it; a restart forgets it, and the CLI (another process) never sees it.
Travelling only goes forward, is an audit event (`clock.travelled`), and then processes what has
become due once, exactly as `dibao tick` would.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine import clock
from engine.context import Context
from engine.errors import InvalidData, PermissionDenied
from engine.lookups import get_user
from engine.records import audit
from engine.services import timers
from engine.workflow.timer_clock import follow_engine_clock

ADMIN = "admin"
MIN_DAYS, MAX_DAYS = 1, 60
DEMO_ONLY = "时间快进只能在演示模式下使用"
ADMIN_ONLY = "无权快进时间：需要系统管理角色"
DAYS_MESSAGE = f"快进天数：须为 {MIN_DAYS} 到 {MAX_DAYS} 之间的整数"

# Two travels at once must not both read the same offset and lose one of the moves.
_travel_lock = threading.Lock()


@dataclass(frozen=True)
class ClockStatus:
    now: datetime  # naive UTC, the offset included
    offset: timedelta

    @property
    def offset_days(self) -> float:
        return self.offset / timedelta(days=1)


@dataclass(frozen=True)
class Travel:
    days: int
    status: ClockStatus
    processed: int  # instances whose due timers the sweep after the travel advanced


def available(ctx: Context) -> bool:
    return ctx.settings.demo


def status(ctx: Context) -> ClockStatus:
    """The demo time now and how far it has been travelled (0 in a fresh process)."""
    return ClockStatus(clock.utcnow(), clock.offset())


def check_may_travel(ctx: Context, username: str) -> None:
    """PermissionDenied outside demo mode or for anyone without the admin role."""
    if not available(ctx):
        raise PermissionDenied(DEMO_ONLY)
    with ctx.db.read() as session:
        if ADMIN not in get_user(session, username).roles:
            raise PermissionDenied(ADMIN_ONLY)


def _valid_days(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        raise InvalidData("快进天数无效", {"days": [DAYS_MESSAGE]})
    return days


def travel(ctx: Context, username: str, days: int) -> Travel:
    """Move the clock `days` forward (audited), then fire everything now due once; returns the count."""
    if not available(ctx):
        raise PermissionDenied(DEMO_ONLY)
    with _travel_lock:
        with ctx.db.write() as session:
            user = get_user(session, username)
            if ADMIN not in user.roles:
                raise PermissionDenied(ADMIN_ONLY)
            days = _valid_days(days)
            before = clock.offset()
            after = before + timedelta(days=days)
            audit.record(
                session,
                "clock.travelled",
                audit.Actor.of(user, ADMIN),
                details={
                    "days": days,
                    "offset_days_before": before / timedelta(days=1),
                    "offset_days_after": after / timedelta(days=1),
                    "demo_now_after": (clock.utcnow() + timedelta(days=days)).isoformat(),
                },
            )
        # Spiff's timers must see the same clock before the offset exists, or the worker would sweep
        # instances that are due by next_timer_at but whose timers Spiff refuses to fire.
        follow_engine_clock()
        clock.set_offset(after)
    return Travel(days, status(ctx), timers.tick(ctx))
