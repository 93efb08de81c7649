"""Benchmark 8: the 工作台 page of one township clerk with 100,000 open tasks in 待办 (issue 13).

100,000 cases of demo-town-1 (applicant names, a household with two 身份证号 in the start data, spread over
the township's three villages), one open 受理登记 or 初审 task each for township_clerk at demo-town-1 (so
all 100,000 are clerk1's 待办), plus 20,000 tasks clerk1 completed (已办). Rows are bulk-inserted with Core
(not through the engine), then `ANALYZE`.

Each measure is the whole page as a browser gets it: GET / with the query string through the Flask test
client (signed in as clerk1: session check, the inbox query, the tab counts, the step list, the template),
and separately the inbox query alone (engine.queries.inbox.inbox). Target: each page < 200 ms (median).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import select

from engine.clock import utcnow
from engine.context import Context
from engine.domain.id_numbers import check_character
from engine.persistence import Case, HumanTask, OrgUnit, ProcessDefinition, ProcessInstance, User
from engine.queries.inbox import InboxQuery, inbox
from engine.services.bootstrap import DEMO_PASSWORD
from tests.bench.common import Outcome, Result, analyze, bench_context, bulk_insert, progress, scaled
from web import create_app

NAME = "8. inbox pages"
USERNAME = "clerk1"
REPEATS = 30
TARGET_MS = 200.0
SEED = 20261205
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
STEPS = (("intake_review", "受理审查", "dibao_intake_review"), ("first_review", "初审", "dibao_first_review"))


def _id_number(rng: random.Random) -> str:
    first17 = (
        f"110105{rng.randint(1950, 2010)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    )
    return first17 + check_character(first17)


def _setting(ctx: Context) -> tuple[int, int, list[int], int]:
    with ctx.db.read() as session:
        town = session.scalars(select(OrgUnit).where(OrgUnit.code == "demo-town-1")).one()
        villages = list(session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id == town.id).order_by(OrgUnit.id)))
        clerk = session.scalars(select(User.id).where(User.username == USERNAME)).one()
        definition = session.scalars(
            select(ProcessDefinition.id)
            .where(ProcessDefinition.process_id == "dibao_application", ProcessDefinition.region == "default")
            .limit(1)
        ).one()
    return town.id, clerk, villages, definition


def _cases(count: int, town: int, clerk: int, villages: list[int], now: datetime) -> Iterator[dict[str, Any]]:
    rng = random.Random(SEED)
    for case_id in range(1, count + 1):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        members = [{"name": name, "id_number": _id_number(rng)}, {"name": "家属", "id_number": _id_number(rng)}]
        created = now - timedelta(minutes=count - case_id)
        yield {
            "id": case_id,
            "number": f"{created:%Y}-{case_id:07d}",
            "kind": "dibao_application",
            "region": "default",
            "village_id": villages[case_id % len(villages)],
            "township_id": town,
            "applicant_name": name,
            "data": {"village": "demo-village-1-1", "household": {"members": members}},
            "status": "open",
            "stage": "受理审查",
            "created_at": created,
            "created_by_id": clerk,
            "clock_started_at": created,
            "clock_limit_days": 30,
        }


def _instances(count: int, definition: int, now: datetime) -> Iterator[dict[str, Any]]:
    for case_id in range(1, count + 1):
        yield {"id": case_id, "case_id": case_id, "definition_id": definition, "status": "running", "state": b""}


def _tasks(
    count: int, done: int, town: int, clerk: int, villages: list[int], now: datetime
) -> Iterator[dict[str, Any]]:
    rng = random.Random(SEED + 1)
    for task_id in range(1, count + done + 1):
        case_id = (task_id - 1) % count + 1
        finished = task_id > count
        name, title, form = STEPS[rng.random() < 0.3]
        created = now - timedelta(minutes=rng.uniform(1, 60 * 24 * 30))
        yield {
            "id": task_id,
            "instance_id": case_id,
            "case_id": case_id,
            "spiff_task_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "task_name": name,
            "title": title,
            "process_id": "dibao_application",
            "role": "township_clerk",
            "org_unit_id": town,
            "village_id": villages[case_id % len(villages)],
            "form_key": form,
            "state": "completed" if finished else "open",
            "assignee_id": clerk if finished else None,
            "created_at": created,
            "due_at": now + timedelta(hours=rng.uniform(-24 * 20, 24 * 20)),
            "completed_at": created + timedelta(hours=2) if finished else None,
            "completed_by_id": clerk if finished else None,
            "decision": "approve" if finished else None,
            "opinion": "同意" if finished else None,
        }


def _load(ctx: Context, count: int, done: int) -> str:
    town, clerk, villages, definition = _setting(ctx)
    now = utcnow()
    started = time.perf_counter()
    progress(f"{NAME}: inserting {count:,} cases, instances and open tasks, {done:,} done tasks")
    bulk_insert(ctx, Case, _cases(count, town, clerk, villages, now))
    bulk_insert(ctx, ProcessInstance, _instances(count, definition, now))
    bulk_insert(ctx, HumanTask, _tasks(count, done, town, clerk, villages, now))
    analyze(ctx)
    progress(f"{NAME}: loaded and analysed in {time.perf_counter() - started:.0f} s")
    with ctx.db.read() as session:
        sample = session.scalars(select(Case).where(Case.id == count // 2)).one()
        return str(sample.data["household"]["members"][1]["id_number"])


def _measures(count: int, id_number: str) -> list[tuple[str, str]]:
    last = (count + 19) // 20
    return [
        ("待办, page 1 (due date order)", "view=open"),
        (f"待办, page {last // 2:,} of {last:,}", f"view=open&page={last // 2}"),
        (f"待办, last page ({last:,})", f"view=open&page={last}"),
        ("sort by applicant", "view=open&sort=applicant"),
        ("sort by case number, descending", "view=open&sort=case&order=desc"),
        ("sort by village, page 100", "view=open&sort=village&page=100"),
        ("sort by step", "view=open&sort=step"),
        ("search: case number without the year", f"view=open&q={count // 3}"),
        ("search: case number with the year", f"view=open&q={utcnow():%Y}-{count // 3:07d}"),
        ("search: applicant name prefix (王)", "view=open&q=王"),
        ("search: full 身份证号 (exact, audited)", f"view=open&q={id_number}"),
        ("filter: village + step", "view=open&village=demo-village-1-2&step=first_review"),
        ("filter: due today", "view=open&due=today"),
        ("filter: due within 7 days, sort by applicant", "view=open&due=week&sort=applicant"),
        ("已办, page 1", "view=done"),
        ("我发起的, page 1", "view=started"),
    ]


def _time(action: Any) -> list[float]:
    action()  # warm: templates compiled, the process cache filled
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def _query(args: str) -> InboxQuery:
    values = dict(parse_qsl(args))
    return InboxQuery(
        view=values.get("view", "open"),
        q=values.get("q", ""),
        step=values.get("step", ""),
        village=values.get("village", ""),
        due=values.get("due", ""),
        sort=values.get("sort", ""),
        desc=values.get("order") == "desc",
        page=int(values.get("page", "1")),
    )


def run() -> Outcome:
    count, done = scaled(100_000, minimum=2_000), scaled(20_000, minimum=400)
    outcome = Outcome()
    with bench_context("inbox-pages") as ctx:
        id_number = _load(ctx, count, done)
        app = create_app(ctx, {"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
        client = app.test_client()
        signed_in = client.post("/login", data={"username": USERNAME, "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302, signed_in.get_data(as_text=True)
        for label, args in _measures(count, id_number):
            progress(f"{NAME}: {label}")
            page = client.get(f"/?{args}")
            assert page.status_code == 200, (args, page.status_code)
            assert "暂无" not in page.get_data(as_text=True), f"{args}: an empty page measures nothing"
            samples = _time(lambda args=args: client.get(f"/?{args}"))
            row = Result.of_samples(NAME, f"page `/?{args}` ({label})", samples)
            passed = row.median_ms is not None and row.median_ms < TARGET_MS
            outcome.results.append(replace(row, target=f"< {TARGET_MS:g} ms", passed=passed))
            query = _query(args)
            outcome.results.append(
                Result.of_samples(NAME, f"query only: {label}", _time(lambda q=query: inbox(ctx, USERNAME, q)))
            )
    outcome.notes.append(
        f"**{NAME}**: {count:,} cases of demo-town-1, each with one open task for township_clerk "
        f"(all in {USERNAME}'s 待办), and {done:,} tasks {USERNAME} completed; bulk-inserted, then `ANALYZE`. "
        "A page is GET / through the Flask test client as the signed-in clerk: session check, the inbox query "
        "(count + one page of 20), the five tab counts, the step list and the template. 'query only' is "
        "engine.queries.inbox.inbox alone."
    )
    return outcome
