"""Benchmark 4: `dibao audit verify` (`audit.verify`) over a valid chain of 1,000,000 events.

The chain continues the one the demo setup and deployment started. Events are built as AuditEvent
objects in Python with details shaped like the real ones, sealed with the engine's keyed `event_hash`, chained
by `prev_hash`, bulk-inserted with Core (through the engine, so JSON is stored exactly as the product
stores it); the AuditHead row is then moved to the last event.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from engine.clock import utcnow
from engine.context import Context
from engine.persistence import AuditEvent, AuditHead
from engine.records import audit
from engine.records.audit_chain import ChainSeal, seal_of
from tests.bench.common import Outcome, Result, analyze, bench_context, bulk_insert, progress, scaled

NAME = "4. audit verify"
TARGET_S = 20.0
COLUMNS = [c.key for c in AuditEvent.__table__.columns if c.key != "id"]


def _details(action: str, n: int) -> dict[str, Any]:
    if action == "case_created":
        return {
            "case_number": f"2026-{n:07d}",
            "process_id": "reference_review",
            "region": "default",
            "version": 1,
            "bundle_hash": f"{n:064x}",
            "village": "demo-village-1-1",
        }
    if action == "task_created":
        return {"task": "register", "title": "受理登记", "role": "township_clerk", "due_at": "2026-11-26T15:59:59"}
    if action == "task_completed":
        return {
            "task": "register",
            "form": "reference_register",
            "changes": {
                "applicant_name": {"before": None, "after": f"申请人{n}"},
                "household_size": {"before": None, "after": 3},
                "requested_amount": {"before": None, "after": "1000.00"},
            },
        }
    return {"due_at": "2026-11-30T01:00:00"}


ACTIONS = ["case_created", "task_created", "task_completed", "timer_fired"]
ACTORS = [(4, "clerk1", "township_clerk", "demo-town-1"), (None, "system", None, None)]


def _events(
    seal: ChainSeal, first_seq: int, prev_hash: str, count: int, start: datetime, last: list[str]
) -> Iterator[dict[str, Any]]:
    """`count` chained events from `first_seq`; the final hash is left in `last[0]`."""
    for i in range(count):
        seq = first_seq + i
        action = ACTIONS[i % len(ACTIONS)]
        actor_id, actor_name, actor_role, actor_org = ACTORS[1 if action == "timer_fired" else 0]
        event = AuditEvent(
            seq=seq,
            occurred_at=start + timedelta(microseconds=37_000 * i + i % 1000),
            action=action,
            actor_id=actor_id,
            actor_name=actor_name,
            actor_role=actor_role,
            actor_org=actor_org,
            case_id=i // 4 + 1,
            instance_id=i // 4 + 1,
            task_id=None if action in ("case_created", "timer_fired") else i // 2 + 1,
            details=_details(action, i // 4 + 1),
            prev_hash=prev_hash,
        )
        event.hash = prev_hash = seal.event_hash(event)
        yield {key: getattr(event, key) for key in COLUMNS}
    last[0] = prev_hash


def _build(ctx: Context, count: int) -> int:
    with ctx.db.read() as session:
        head = session.get(AuditHead, 1)
        assert head is not None
        first_seq, prev_hash, seal = head.seq + 1, head.hash, seal_of(session)
    last = [prev_hash]
    started = time.perf_counter()
    inserted = 0
    step = max(1, count // 10)
    for offset in range(0, count, step):
        size = min(step, count - offset)
        begin = utcnow() - timedelta(days=400) + timedelta(microseconds=37_000 * offset)
        inserted += bulk_insert(ctx, AuditEvent, _events(seal, first_seq + offset, last[0], size, begin, last))
        progress(f"{NAME}:   {inserted:,} events")
    with ctx.db.write() as session:
        end = first_seq + count - 1
        values = {"seq": end, "hash": last[0], "seal": seal.head_seal(end, last[0])}
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(**values))
    analyze(ctx)
    progress(f"{NAME}: chain built in {time.perf_counter() - started:.0f} s")
    with ctx.db.read() as session:
        return len(session.scalars(select(AuditEvent.id)).all())


def run() -> Outcome:
    count = scaled(1_000_000, minimum=1_000)
    repeats = 3
    with bench_context("audit") as ctx:
        progress(f"{NAME}: building a chain of {count:,} events")
        total = _build(ctx, count)
        samples: list[float] = []
        for attempt in range(1, repeats + 1):
            started = time.perf_counter()
            result = audit.verify(ctx.db)
            samples.append(time.perf_counter() - started)
            assert result.ok, result
            assert result.events_checked == total, (result.events_checked, total)
            progress(f"{NAME}: verify #{attempt}: {samples[-1]:.1f} s, {result.events_checked:,} events, ok")
    best = min(samples)
    row = Result.of_samples(NAME, f"`audit.verify` over {total:,} events (whole run)", samples)
    passed = row.median_ms is not None and row.median_ms / 1000 <= TARGET_S
    figure = f"{total / (row.median_ms or 1) * 1000:,.0f} events/s (best {best:.1f} s)"
    return Outcome([replace(row, value=figure, target=f"≤ {TARGET_S:g} s", passed=passed)])
