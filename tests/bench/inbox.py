"""Benchmark 2: the inbox views of one township clerk with 1,000,000 HumanTask rows in the database.

Rows are bulk-inserted with Core (same columns and encodings the ORM writes), spread over the demo org
tree the way the real process spreads them: township roles at the case's township, county roles at
demo-county; mixed states; due dates spread over a year around now. Then `ANALYZE`, then each view of
`tasks.list_tasks` (first page of 50) is timed. The SQL each view ran and SQLite's plan for it are
reported under the table.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select

from engine.clock import utcnow
from engine.context import Context
from engine.persistence import Case, HumanTask, OrgUnit, ProcessDefinition, ProcessInstance, User, UserRole
from engine.services import tasks
from tests.bench.common import Outcome, Result, analyze, bench_context, bulk_insert, progress, scaled

NAME = "2. inbox"
USERNAME = "clerk1"
REPEATS = 200
TARGET_MS = 20.0
SEED = 20260101
# The overdue view's `state IN (open, claimed)` defeats ix_human_task_inbox's ordering, so SQLite sorts every
# overdue row of the org unit. If the view misses its target, this index (the schema's ix_human_task_overdue
# since commit 5852212) is created in the benchmark's own database and the view timed again.
CANDIDATE_INDEX = "CREATE INDEX ix_bench_candidate ON human_task (org_unit_id, due_at, state, role)"

# (role, share of all tasks); township roles sit at the case's township, the others at the county.
ROLES = [
    ("township_clerk", 0.40),
    ("township_head", 0.10),
    ("verification_center", 0.15),
    ("county_clerk", 0.15),
    ("county_approver", 0.15),
    ("coordination_committee", 0.05),
]
STATES = [("open", 0.25), ("claimed", 0.05), ("completed", 0.65), ("cancelled", 0.05)]
TASK_NAMES = {
    "township_clerk": ("register", "受理登记", "reference_register"),
    "township_head": ("township_review", "乡镇审批", "reference_review"),
}
COUNTY_TASK = ("county_review", "县级审批", "reference_review")


@dataclass(frozen=True)
class Org:
    county: int
    towns: dict[int, list[int]]  # township id -> its villages
    worker: dict[tuple[int, str], int]  # (org unit id, role) -> the demo user holding that role there
    definition_id: int


def _org(ctx: Context) -> Org:
    with ctx.db.read() as session:
        units = {u.code: u for u in session.scalars(select(OrgUnit).where(OrgUnit.code.like("demo-%")))}
        towns = {
            units[town].id: [u.id for u in units.values() if u.parent_id == units[town].id]
            for town in ("demo-town-1", "demo-town-2")
        }
        worker: dict[tuple[int, str], int] = {
            (unit_id, role): user_id
            for user_id, unit_id, role in session.execute(
                select(User.id, User.org_unit_id, UserRole.role)
                .join(UserRole, UserRole.user_id == User.id)
                .where(User.org_unit_id.in_([u.id for u in units.values()]))
            )
        }
        definition_id = session.scalars(
            select(ProcessDefinition.id)
            .where(ProcessDefinition.process_id == "reference_review", ProcessDefinition.region == "default")
            .order_by(ProcessDefinition.version.desc())
            .limit(1)
        ).one()
    return Org(units["demo-county"].id, towns, worker, definition_id)


def _cases(org: Org, count: int, now: datetime) -> Iterator[dict[str, Any]]:
    rng = random.Random(SEED)
    town_ids = sorted(org.towns)
    for case_id in range(1, count + 1):
        town = town_ids[case_id % len(town_ids)]
        created = now - timedelta(days=rng.uniform(0, 400))
        yield {
            "id": case_id,
            "number": f"{created:%Y}-{case_id:07d}",
            "kind": "reference_review",
            "region": "default",
            "village_id": rng.choice(org.towns[town]),
            "township_id": town,
            "applicant_name": f"申请人{case_id}",
            "data": {"village": "demo-village", "applicant_name": f"申请人{case_id}"},
            "status": "open",
            "stage": "乡镇审批",
            "decided_amount": None,
            "created_at": created,
            "created_by_id": None,
            "closed_at": None,
            "related_case_id": None,
            "clock_started_at": created,
            "clock_limit_days": 30,
            "clock_extension_reason": None,
        }


def _instances(org: Org, count: int, now: datetime) -> Iterator[dict[str, Any]]:
    for case_id in range(1, count + 1):
        yield {
            "id": case_id,
            "case_id": case_id,
            "definition_id": org.definition_id,
            "status": "running",
            "state": b"",
            "lock_version": 1,
            "next_timer_at": None,
            "error_message": None,
            "error_element": None,
            "created_at": now,
            "updated_at": now,
        }


def _pick(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _tasks(org: Org, ids: range, case_count: int, now: datetime) -> Iterator[dict[str, Any]]:
    rng = random.Random(SEED + ids.start)
    town_ids = sorted(org.towns)
    for task_id in ids:
        case_id = rng.randint(1, case_count)
        town = town_ids[case_id % len(town_ids)]
        village = org.towns[town][case_id % len(org.towns[town])]
        role = _pick(rng, ROLES)
        unit = town if role.startswith("township_") else org.county
        name, title, form = TASK_NAMES.get(role, COUNTY_TASK)
        state = _pick(rng, STATES)
        due = now + timedelta(seconds=rng.uniform(-182, 183) * 86400)
        created = min(due - timedelta(days=rng.randint(3, 10)), now - timedelta(minutes=rng.uniform(1, 600)))
        done = created + (min(now, due + timedelta(days=5)) - created) * rng.random()
        user = org.worker.get((unit, role))
        finished = state in ("completed", "cancelled")
        yield {
            "id": task_id,
            "instance_id": case_id,
            "case_id": case_id,
            "spiff_task_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "task_name": name,
            "title": title,
            "process_id": "reference_review",
            "role": role,
            "org_unit_id": unit,
            "village_id": village,
            "form_key": form,
            "state": state,
            "assignee_id": user if state in ("claimed", "completed") else None,
            "created_at": created,
            "due_at": due,
            "completed_at": done if finished else None,
            "completed_by_id": user if state == "completed" else None,
            "decision": "approve" if state == "completed" and name != "register" else None,
            "opinion": "同意" if state == "completed" and name != "register" else None,
        }


def _load(ctx: Context, task_count: int, case_count: int) -> None:
    org, now = _org(ctx), utcnow()
    started = time.perf_counter()
    progress(f"{NAME}: inserting {case_count:,} cases and process instances")
    bulk_insert(ctx, Case, _cases(org, case_count, now))
    bulk_insert(ctx, ProcessInstance, _instances(org, case_count, now))
    progress(f"{NAME}: inserting {task_count:,} human tasks")
    inserted = 0
    step = max(1, task_count // 10)
    for first in range(1, task_count + 1, step):
        ids = range(first, min(first + step, task_count + 1))
        inserted += bulk_insert(ctx, HumanTask, _tasks(org, ids, case_count, now))
        progress(f"{NAME}:   {inserted:,} tasks")
    progress(f"{NAME}: ANALYZE")
    analyze(ctx)
    progress(f"{NAME}: loaded in {time.perf_counter() - started:.0f} s")


def _clerk_open_count(ctx: Context) -> int:
    with ctx.db.read() as session:
        unit_id = session.scalars(select(User.org_unit_id).where(User.username == USERNAME)).one()
        roles = sorted(
            session.scalars(
                select(UserRole.role).join(User, User.id == UserRole.user_id).where(User.username == USERNAME)
            )
        )
        return (
            session.scalar(
                select(func.count())
                .select_from(HumanTask)
                .where(
                    HumanTask.org_unit_id == unit_id,
                    HumanTask.state == "open",
                    HumanTask.role.in_(roles),
                )
            )
            or 0
        )


def _time_view(ctx: Context, view: str) -> tuple[list[float], str, Any]:
    """Time the view; return the samples and the task query it ran (statement, parameters)."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "FROM human_task" in statement and "LIMIT" in statement:
            captured.append((statement, parameters))

    event.listen(ctx.db.engine, "before_cursor_execute", capture)
    try:
        first = tasks.list_tasks(ctx, USERNAME, view)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", capture)
    assert len(first) == 50, f"{view}: only {len(first)} rows; the data set does not fill the first page"
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        tasks.list_tasks(ctx, USERNAME, view)
        samples.append(time.perf_counter() - started)
    statement, parameters = captured[-1]
    return samples, statement, parameters


def _plan(ctx: Context, statement: str, parameters: Any) -> str:
    with ctx.db.engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return "\n".join(f"{row[0]:>3} {row[1]:>3} {row[3]}" for row in rows)


def _candidate(ctx: Context) -> list[Result]:
    progress(f"{NAME}: experiment: {CANDIDATE_INDEX}")
    with ctx.db.engine.begin() as conn:
        conn.exec_driver_sql(CANDIDATE_INDEX)
    analyze(ctx)
    rows = []
    for view in ("overdue", "open"):
        samples, statement, parameters = _time_view(ctx, view)
        uses = "ix_bench_candidate" in _plan(ctx, statement, parameters)
        rows.append(
            Result.of_samples(
                NAME,
                f"experiment: {view!r} with candidate index (org_unit_id, due_at, state, role)"
                f"{' (used)' if uses else ' (not used: plan unchanged)'}",
                samples,
            )
        )
    return rows


def run() -> Outcome:
    task_count, case_count = scaled(1_000_000, minimum=5_000), scaled(100_000, minimum=500)
    outcome = Outcome()
    with bench_context("inbox") as ctx:
        _load(ctx, task_count, case_count)
        open_rows = _clerk_open_count(ctx)
        progress(f"{NAME}: {USERNAME} has {open_rows:,} open tasks in 待办")
        for view in ("open", "overdue", "done", "claimed"):
            progress(f"{NAME}: timing view {view!r} ×{REPEATS}")
            samples, statement, parameters = _time_view(ctx, view)
            row = Result.of_samples(NAME, f"`list_tasks({USERNAME!r}, {view!r})` first 50 rows", samples)
            passed = row.median_ms is not None and row.median_ms <= TARGET_MS
            outcome.results.append(replace(row, target=f"≤ {TARGET_MS:g} ms", passed=passed))
            outcome.notes.append(
                f"**{NAME}, view `{view}`** ({'met' if passed else 'MISSED'}): SQLite plan\n\n"
                f"```\n{_plan(ctx, statement, parameters)}\n```\n\n<details><summary>SQL</summary>\n\n"
                f"```sql\n{statement}\n```\n\nparameters: `{parameters}`\n\n</details>"
            )
        if any(r.passed is False for r in outcome.results if "'overdue'" in r.measure):
            outcome.results += _candidate(ctx)
    outcome.notes.insert(
        0,
        f"**{NAME}**: {task_count:,} HumanTask rows over {case_count:,} cases; "
        f"{USERNAME}'s 待办 holds {open_rows:,} open tasks. Rows: township_clerk 40 %, township_head 10 % "
        "(at the case's township), county roles 50 % (demo-county); states open 25 %, claimed 5 %, "
        "completed 65 %, cancelled 5 %; due dates uniform over now −182 … +183 days. `ANALYZE` ran after loading.",
    )
    return outcome
