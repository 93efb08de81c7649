"""Benchmark 5: start 10,000 periodic re-check cases in one batch (docs/contracts.md#performance-targets: ≥ 300
cases/s).

The enrolled households are inserted directly (10,000 full applications would take minutes and
measure something else); the batch then goes through `reviews.start_due_reviews` exactly as
`dibao cases start periodic_review --due` runs it: the real BPMN, HumanTask rows and audit events.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, insert, select

from engine.persistence import Case, Enrollment, HumanTask, OrgUnit
from engine.services import reviews
from tests.bench.common import Outcome, Result, bench_context, progress, scaled

NAME = "5. batch re-check start"
VILLAGES = ("demo-village-1-1", "demo-village-1-2", "demo-village-1-3")
HOUSEHOLD = json.loads(
    (__import__("pathlib").Path(__file__).parents[1] / "data" / "households" / "scenario1.json").read_text()
)["household"]


def _enrolled(ctx: object, count: int) -> None:
    from engine.context import Context

    assert isinstance(ctx, Context)
    with ctx.db.write() as session:
        units = {u.code: u for u in session.scalars(select(OrgUnit).where(OrgUnit.code.like("demo-%")))}
        town, county = units["demo-town-1"], units["demo-county"]
        now = datetime(2026, 11, 1)
        session.execute(
            insert(Case),
            [
                {
                    "number": f"2025-{index + 1:07d}",
                    "kind": "dibao_application",
                    "region": "default",
                    "village_id": units[VILLAGES[index % len(VILLAGES)]].id,
                    "township_id": town.id,
                    "county_id": county.id,
                    "applicant_name": "张三",
                    "data": {"household": HOUSEHOLD},
                    "status": "closed",
                    "outcome": "approved",
                    "created_at": now,
                }
                for index in range(count)
            ],
        )
        ids = session.execute(select(Case.id, Case.village_id).where(Case.kind == "dibao_application")).all()
        session.execute(
            insert(Enrollment),
            [
                {
                    "case_id": case_id,
                    "village_id": village_id,
                    "region": "default",
                    "applicant_name": "张三",
                    "masked_name": "张*",
                    "persons": 3,
                    "monthly_amount": Decimal("900.00"),
                    "starts_on": date(2025, 12, 1),
                    "status": "active",
                    "created_at": now,
                    "household": HOUSEHOLD,
                    "next_review_on": date(2026, 11, 1),
                }
                for case_id, village_id in ids
            ],
        )


def run() -> Outcome:
    count = scaled(10_000, minimum=100)
    with bench_context("recheck") as ctx:
        progress(f"{NAME}: inserting {count:,} enrolled households")
        _enrolled(ctx, count)
        progress(f"{NAME}: starting the batch")
        started = time.perf_counter()
        batch = reviews.start_due_reviews(ctx, "clerk1", date(2026, 11, 23))
        elapsed = time.perf_counter() - started
        with ctx.db.read() as session:
            created = session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.state == "open"))
    assert len(batch.started) == count == created, (len(batch.started), count, created)
    rate = count / elapsed
    passed = rate >= 300
    row = Result(NAME, "`reviews.start_due_reviews`, one batch, chunks of 500 per transaction", count)
    figure = f"{rate:.0f} cases/s ({elapsed:.1f} s total)"
    return Outcome([Result(row.benchmark, row.measure, row.n, value=figure, target="≥ 300 /s", passed=passed)])
