"""Benchmark 10 (issue 16): notifications delivered per second by one worker.

N email notifications are written to the outbox (engine.records.notifications.outbox, as the causes
write them), then one worker runs engine.services.notification_delivery.deliver_due until the outbox is
empty, sending to a real local SMTP server (aiosmtpd, no TLS) on SQLite: claim transactions, one SMTP
connection per message, one result transaction per message. The server must have received exactly N.
"""

from __future__ import annotations

import dataclasses
import time

from sqlalchemy import select

from engine.persistence import NotificationDelivery, User
from engine.records.notifications.outbox import Message, send
from engine.services.notification_delivery import deliver_due
from tests.bench.common import Outcome, Result, bench_context, progress, scaled
from tests.notifications.servers import SENDER, smtp_server

NAME = "10. notification delivery"


def delivery(count: int) -> list[Result]:
    with smtp_server() as (port, mailbox), bench_context("delivery") as ctx:
        ctx.settings = dataclasses.replace(
            ctx.settings, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none", smtp_sender=SENDER
        )
        with ctx.db.write() as session:
            user = session.scalars(select(User).where(User.username == "head1")).unique().one()
            user.email = "head1@example.org"
            for n in range(count):
                send(session, Message("task_overdue", f"bench:{n}", f"任务已超期 {n}", "请尽快办理。"), [user])
        progress(f"{NAME}: delivering {count} emails to a local aiosmtpd")
        started = time.perf_counter()
        delivered = deliver_due(ctx)
        elapsed = time.perf_counter() - started
        with ctx.db.read() as session:
            sent = session.scalars(select(NotificationDelivery.id).where(NotificationDelivery.status == "sent")).all()
        received = len(mailbox.messages())
    ok = delivered == len(sent) == received == count
    return [
        Result(
            NAME,
            "emails delivered per second, one worker, SQLite, local SMTP (each received once)",
            count,
            value=f"{count / elapsed:.0f} /s",
            passed=ok,
        )
    ]


def run() -> Outcome:
    return Outcome(delivery(scaled(500, minimum=50)))
