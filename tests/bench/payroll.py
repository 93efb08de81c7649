"""Benchmark: the 发放名册 of a county with 100,000 enrollments (docs/payments.md).

Cases, enrollments and their amount rows are bulk-inserted with Core into 示范县's six villages: 90 %
active, 5 % in 渐退 (ending after the month), 5 % stopped (before it); urban and rural, one in ten a 单人户;
each household has three members with 身份证号; one enrollment in five has a second amount row (a re-check).
Then `ANALYZE`.

Measured, for next month (a roster may be drafted up to a month ahead; the clock is not frozen, so the
timings are real): generating the draft (compute every
line and insert it; median of REPEATS, each a regeneration), the roster page (totals and first page of
lines), the reconciliation, the approval (recompute, compare, lock, hash the bank file), and the bank file
as CSV and XLSX.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from engine.clock import china_today
from engine.context import Context
from engine.domain.payroll import add_months, month_start, month_text
from engine.persistence import Case, Enrollment, EnrollmentAmount, OrgUnit
from engine.queries import payroll as views
from engine.queries import payroll_check
from engine.services import payroll
from tests.bench.common import Outcome, Result, analyze, bench_context, bulk_insert, progress, scaled
from tests.scenarios.households import id_number

NAME = "payroll"
ENROLLMENTS = 100_000
REPEATS = 3
TARGET_S = 60.0  # generating a county's roster is a monthly batch; the aim is well under a minute
SEED = 20270101
MONTH = add_months(month_start(china_today()), 1)


def _villages(ctx: Context) -> list[tuple[int, int, int]]:
    """(village, township, county) of 示范县's villages."""
    with ctx.db.read() as session:
        county = session.scalars(select(OrgUnit).where(OrgUnit.code == "demo-county")).one()
        towns = session.scalars(select(OrgUnit).where(OrgUnit.parent_id == county.id)).all()
        return [
            (v.id, t.id, county.id)
            for t in towns
            for v in session.scalars(select(OrgUnit).where(OrgUnit.parent_id == t.id))
        ]


def _load(ctx: Context, count: int) -> None:
    rng = random.Random(SEED)
    villages = _villages(ctx)
    created = datetime(2025, 1, 1)
    cases, enrollments, amounts = [], [], []
    for index in range(1, count + 1):
        village, town, county = villages[index % len(villages)]
        name = f"户主{index}"
        cases.append(
            {
                "id": index,
                "number": f"2025-{index:07d}",
                "kind": "dibao_application",
                "region": "default",
                "village_id": village,
                "township_id": town,
                "county_id": county,
                "applicant_name": name,
                "data": {},
                "status": "closed",
                "outcome": "approved",
                "created_at": created,
            }
        )
        state = rng.choices(["active", "gradual_exit", "stopped"], weights=[90, 5, 5])[0]
        ends = {"active": None, "gradual_exit": add_months(MONTH, 3), "stopped": add_months(MONTH, -2)}[state]
        single = rng.random() < 0.1
        amount = Decimal(rng.choice(["300.00", "600.00", "900.00", "1200.00", "2400.00"]))
        starts = date(2025, rng.randint(1, 12), 1)
        enrollments.append(
            {
                "id": index,
                "case_id": index,
                "village_id": village,
                "region": "default",
                "applicant_name": name,
                "masked_name": name[0] + "*",
                "persons": 1 if single else 3,
                "covered_members": name if single else None,
                "monthly_amount": amount,
                "starts_on": starts,
                "ends_on": ends,
                "status": state,
                "created_at": created,
                "household": _household(index, name, rng.choice(["urban", "rural"])),
            }
        )
        amounts.append(_amount(index, starts, amount, "approval", 1 if single else 3))
        if rng.random() < 0.2:
            amounts.append(
                _amount(index, add_months(MONTH, -6), amount + Decimal("100.00"), "review", 1 if single else 3)
            )
    bulk_insert(ctx, Case, cases)
    bulk_insert(ctx, Enrollment, enrollments)
    bulk_insert(ctx, EnrollmentAmount, amounts)


def _household(index: int, name: str, registered_type: str) -> dict[str, Any]:
    members = [
        {"name": name, "relation": "self", "id_number": id_number()},
        {"name": f"配偶{index}", "relation": "spouse", "id_number": id_number()},
        {"name": f"子女{index}", "relation": "child", "id_number": id_number("20150101")},
    ]
    return {"registered_type": registered_type, "members": members}


def _amount(enrollment: int, starts: date, amount: Decimal, source: str, persons: int) -> dict[str, Any]:
    return {
        "enrollment_id": enrollment,
        "effective_from": starts,
        "monthly_amount": amount,
        "persons": persons,
        "source": source,
        "reference": f"2025-{enrollment:07d}",
        "recorded_at": datetime(2025, 1, 1),
    }


def _timed(action: Callable[[], object], repeats: int = 1) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def run() -> Outcome:
    count = scaled(ENROLLMENTS)
    outcome = Outcome()
    month = month_text(MONTH)
    with bench_context("payroll") as ctx:
        progress(f"loading {count:,} enrollments")
        _load(ctx, count)
        analyze(ctx)
        progress("generating")
        generate = _timed(lambda: payroll.generate(ctx, "county1", "demo-county", month), REPEATS)
        header = views.roster_page(ctx, "county1", "demo-county", month).header
        target = f"< {TARGET_S:.0f} s"
        outcome.results.append(
            Result.of_samples(NAME, f"generate {header.line_count:,} lines", generate, target, max(generate) < TARGET_S)
        )
        page = _timed(lambda: views.roster_page(ctx, "county1", "demo-county", month), REPEATS)
        outcome.results.append(Result.of_samples(NAME, "roster page (totals + 50 lines)", page))
        check = _timed(lambda: payroll_check.reconciliation(ctx, "county1", "demo-county", month))
        outcome.results.append(Result.of_samples(NAME, "reconciliation", check))
        as_csv = _timed(lambda: payroll.export(ctx, "county1", "demo-county", month, "csv"))
        outcome.results.append(Result.of_samples(NAME, "bank file CSV", as_csv))
        as_xlsx = _timed(lambda: payroll.export(ctx, "county1", "demo-county", month, "xlsx"))
        outcome.results.append(Result.of_samples(NAME, "bank file XLSX", as_xlsx))
        approve = _timed(lambda: payroll.approve(ctx, "approver1", "demo-county", month))
        outcome.results.append(Result.of_samples(NAME, "approve (recompute, lock, hash)", approve))
        outcome.notes.append(
            f"发放名册 {month}: {count:,} enrollments, {header.line_count:,} lines, {header.persons:,} persons, "
            f"total {header.total} 元."
        )
    return outcome
