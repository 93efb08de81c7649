"""The background worker (`dibao worker`, or a thread of `dibao serve`): one loop that runs each job in
turn — due timers, the notification rules, the outbox — and sleeps when none of them found work."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from engine.context import Context
from engine.records import heartbeat
from engine.records.document_rendering import render_pending
from engine.services import (
    alert_monitoring,
    alert_queue,
    care_visits,
    digest,
    notification_delivery,
    reminders,
    simulation,
    timers,
)

log = logging.getLogger("dibao.worker")

Job = Callable[[Context], int]

# Each job does what is due now and returns how much it did; a job that fails is logged and the
# others still run (the outbox keeps delivering while a timer sweep meets a database hiccup).
JOBS: tuple[tuple[str, Job], ...] = (
    ("定时器", timers.tick),
    # Notification rules (docs/notification-rules.md): at most once a minute, the digest once a day.
    ("提醒与督办", reminders.job),
    ("每日待办摘要", digest.job),
    # Last, so what the jobs above wrote goes out in the same round.
    ("通知发送", notification_delivery.deliver_due),
    # What-if simulations still queued, or left behind by a stopped server (docs/policy-simulation.md).
    ("政策模拟测算", simulation.run_pending),
    ("文书 PDF 生成", render_pending),  # documents issued by steps, printed off the request path (docs/documents.md)
    ("监测复查", alert_monitoring.recheck_due),  # monitored households due for re-check (docs/alerts.md)
    ("预警开启核查", alert_queue.open_queued),  # processes of large alert batches, queued by the import
    ("特困月度探访", care_visits.open_due),  # this month's visits to dispersed 特困 recipients (docs/tekun-visits.md)
)


def run_once(ctx: Context) -> int:
    """Every job once; how much work they found together."""
    done = 0
    for name, job in JOBS:
        try:
            done += job(ctx)
        except Exception:
            log.exception("后台任务“%s”失败，稍后重试", name)
    return done


PRUNE_EVERY = 3600.0  # seconds between removals of dead workers' heartbeat rows


def run_worker(ctx: Context, stop: threading.Event, interval: float = 5.0) -> None:
    """Run the jobs until `stop` is set, waiting `interval` seconds whenever a round found nothing to do.
    Each round ends with the worker's heartbeat (/metrics shows its age); a clean stop removes it."""
    name, pruned_at = heartbeat.worker_name(), float("-inf")
    try:
        while not stop.is_set():
            work = run_once(ctx)
            prune = time.monotonic() - pruned_at >= PRUNE_EVERY
            if _beat(ctx, name, work, prune=prune) and prune:
                pruned_at = time.monotonic()
            if work == 0:
                stop.wait(interval)
    finally:
        _forget(ctx, name)


def _beat(ctx: Context, name: str, work: int, *, prune: bool) -> bool:
    # The heartbeat is a sign of life, not a job: a database hiccup here is logged and the loop goes on.
    try:
        with ctx.db.write() as session:
            heartbeat.beat(session, name, work)
            if prune:
                heartbeat.prune(session)
    except Exception:
        log.exception("后台任务心跳写入失败，稍后重试")
        return False
    return True


def _forget(ctx: Context, name: str) -> None:
    try:
        with ctx.db.write() as session:
            heartbeat.remove(session, name)
    except Exception:
        log.exception("后台任务心跳记录删除失败（一天后自动清除）")
