"""`python -m tests.browser.seed_simulation`: households for 政策模拟测算 on the database the environment
names: the five of tests/unit/test_simulation.py and 2,000 synthetic ones over the demo county's villages."""

from __future__ import annotations

import os

os.environ.setdefault("DIBAO_FAST_PASSWORD_HASH", "1")

from datetime import timedelta

from engine.clock import utcnow
from engine.context import Context
from engine.lookups import get_org_unit
from tests.bench.simulation_data import households, insert_rows
from tests.integration.test_simulation import _seed

VILLAGES = ("demo-village-1-2", "demo-village-2-2")


def seed() -> None:
    ctx = Context.from_settings()
    try:
        _seed(ctx)
        family = households(2000, seed=6)
        with ctx.db.write() as session:
            for index, code in enumerate(VILLAGES):
                village = get_org_unit(session, code)
                part = family[index::2]
                items = [
                    (f"模拟{n}", h, "active" if n % 4 else None, "approved" if n % 4 else "rejected", "500.00")
                    for n, h in enumerate(part)
                ]
                insert_rows(
                    session,
                    "default",
                    village,
                    items,
                    decided_at=utcnow() - timedelta(days=90),
                    first_number=1000 + index * 5000,
                )
    finally:
        ctx.close()


if __name__ == "__main__":
    seed()
