"""Benchmark: importing a 10,000-row file of monitoring alerts (docs/alerts.md, issue 20: alert rows imported per
second).

示范县 gets ENROLMENTS covered households (bulk-inserted, three members with 身份证号 each), so matching reads a
real index. Two generated CSV files (checksum-valid numbers), each imported once in one transaction:

- "register only": ROWS alerts of households that are not covered and name no village: parsed, matched,
  stored, nothing opened (the floor of the import);
- "with processes": ROWS alerts, one in ten of an enrolled household (a 动态复核 each), the rest naming a village
  (a 预警核查 each): the import stores them with their processes queued (more than alerts.INLINE_STARTS), then
  the worker's job opens them, timed separately.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.context import Context
from engine.domain.id_numbers import check_character
from engine.persistence import Case, Enrollment, OrgUnit
from engine.services import alert_queue, alerts
from tests.bench.common import Outcome, Result, analyze, bench_context, bulk_insert, progress, scaled
from tests.scenarios.households import household, member

NAME = "alert_import"
ROWS = 10_000
ENROLMENTS = 5_000
HEADER = "身份证号,姓名,预警指标,预警等级,预警来源,预警日期,村/社区\n"
LEVELS = ("红色", "橙色", "黄色")


def number(serial: int) -> str:
    """A checksum-valid number, distinct per serial (the sequence and birth day vary)."""
    area, rest = divmod(serial, 28_000)
    first17 = f"{110105 + area:06d}{19500101 + rest // 1000}{rest % 1000:03d}"
    return first17 + check_character(first17)


def _villages(ctx: Context) -> list[tuple[int, int, int, str]]:
    with ctx.db.read() as session:
        county = session.scalars(select(OrgUnit).where(OrgUnit.code == "demo-county")).one()
        towns = session.scalars(select(OrgUnit).where(OrgUnit.parent_id == county.id)).all()
        return [
            (v.id, t.id, county.id, v.code)
            for t in towns
            for v in session.scalars(select(OrgUnit).where(OrgUnit.parent_id == t.id))
        ]


def _household(index: int) -> dict[str, Any]:
    """A household as the application form sends it (what a 动态复核's start form checks)."""
    found = household(member("户主", "self", ("wage", "1500.00")), member("配偶", "spouse"), member("子女", "child"))
    for m, person in enumerate(found["members"]):
        person["name"] = f"{person['name']}{index}"
        person["id_number"] = number(100_000 + index * 3 + m)
    return found


def _load(ctx: Context, count: int) -> list[str]:
    """Covered households; returns each one's first member's number."""
    villages = _villages(ctx)
    created = datetime(2025, 1, 1)
    cases, enrollments, heads = [], [], []
    for index in range(1, count + 1):
        village, town, county, _code = villages[index % len(villages)]
        household = _household(index)
        members = household["members"]
        heads.append(members[0]["id_number"])
        cases.append(
            {
                "id": index,
                "number": f"2025-{index:07d}",
                "kind": "dibao_application",
                "region": "default",
                "village_id": village,
                "township_id": town,
                "county_id": county,
                "applicant_name": members[0]["name"],
                "data": {"household": household},
                "status": "closed",
                "outcome": "approved",
                "created_at": created,
            }
        )
        enrollments.append(
            {
                "case_id": index,
                "village_id": village,
                "region": "default",
                "applicant_name": members[0]["name"],
                "masked_name": "成*",
                "persons": 3,
                "monthly_amount": 900,
                "starts_on": created.date(),
                "status": "active",
                "created_at": created,
                "household": household,
            }
        )
    bulk_insert(ctx, Case, cases)
    bulk_insert(ctx, Enrollment, enrollments)
    return heads


def _file(rows: int, heads: list[str], villages: list[str], *, processes: bool) -> bytes:
    lines = [HEADER]
    for i in range(rows):
        level = LEVELS[i % 3]
        if processes and i % 10 == 0 and i // 10 < len(heads):
            lines.append(f"{heads[i // 10]},户主,收入骤减,{level},民政,2026-12-01,\n")
        else:
            village = villages[i % len(villages)] if processes else ""
            serial = (700_000 if processes else 500_000) + i
            lines.append(f"{number(serial)},居民{i},突发灾害,{level},应急,2026-12-01,{village}\n")
    return "".join(lines).encode("utf-8-sig")


def run() -> Outcome:
    rows, households = scaled(ROWS), scaled(ENROLMENTS)
    outcome = Outcome()
    with bench_context(NAME) as ctx:
        progress(f"loading {households:,} covered households")
        heads = _load(ctx, households)
        analyze(ctx)
        villages = [code for *_ids, code in _villages(ctx)]
        for label, processes in (("register only", False), ("with processes", True)):
            content = _file(rows, heads, villages, processes=processes)
            progress(f"importing {rows:,} rows ({label})")
            started = time.perf_counter()
            result = alerts.import_file(ctx, "county1", content, "bench.csv", f"BENCH-{label}")
            seconds = time.perf_counter() - started
            outcome.results.append(
                Result(
                    NAME,
                    f"import {rows:,} rows, {label}",
                    rows,
                    value=f"{rows / seconds:,.0f} rows/s ({seconds:.1f} s)",
                )
            )
            assert result.rejected == 0, result.report[:3]
            if processes:
                progress("the worker opens the queued processes")
                started, opened = time.perf_counter(), 0
                while done := alert_queue.open_queued(ctx):
                    opened += done
                seconds = time.perf_counter() - started
                outcome.results.append(
                    Result(
                        NAME,
                        f"worker opens {opened:,} queued processes ({alert_queue.CHUNK} per transaction)",
                        opened,
                        value=f"{opened / seconds:,.0f} /s ({seconds:.1f} s)",
                    )
                )
    return outcome
