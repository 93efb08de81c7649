"""The scale proof (docs/scaling.md): 2 web servers and 2 workers, real processes on one PostgreSQL database,
driven over real HTTP by concurrent clients that alternate between the servers. Cases are started and
worked, the same task is completed through both servers at the same moment, the public objects to running
公示 through both, due 公示 periods are swept by every worker at once and new-task emails go out through
a local SMTP server. Afterwards: no lost update, no timer fired twice, no notification sent twice or lost,
and `dibao audit verify` passes over exactly the events the work should have written.

No sleeping for timers: the cases whose 公示 is over are made in this process under a frozen clock in the
past, before the servers start; the servers and workers run on the real clock and find them due."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from engine.context import Context
from engine.persistence import AuditEvent, HumanTask, IssuedDocument, NotificationDelivery, Objection
from engine.queries import notices as notice_board
from engine.services import cases, tasks
from engine.settings import Settings
from tests.api.conftest import eligible_household
from tests.conftest import POSTGRES_URL, add_second_clerk
from tests.integration.scale_support import Cluster, call, cluster_env, run_dibao, running_cluster, scratch_database
from tests.integration.scale_support import token as issue_token
from tests.notifications.delivery_support import give_email
from tests.notifications.servers import SENDER, Mailbox, smtp_server
from tests.scenarios.flow import Application

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

VILLAGE = "demo-village-1-1"
REGISTER = {"applicant_name": "孙七", "household_size": 2, "requested_amount": "700"}  # → 乡镇审批
REVIEW = {"decision": "approve", "opinion": "同意"}
DUE_CASES = 24  # reference cases whose 公示 ended long ago: the workers' timers
STARTS = 40  # reference cases started over HTTP and registered
NOTICES = 2  # 低保 applications in a running 公示, objected to over HTTP
OBJECTIONS = 6  # per notice, alternating servers, each from its own address
RACES = 8  # tasks completed through both servers at the same moment
CLIENTS = 8
SETTLE_SECONDS = 90


@dataclasses.dataclass
class Seeded:
    due_instances: set[int]
    notice_ids: list[int]


def _context(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Context:
    for key, value in env.items():
        if key.startswith("DIBAO_"):
            monkeypatch.setenv(key, value)
    return Context.from_settings(Settings.from_env())


def _seed(ctx: Context) -> Seeded:
    """Before the servers start: clerk1b wants new tasks by email; DUE_CASES reference cases registered a
    month ago (their 公示 is over); NOTICES 低保 applications whose 7-day 公示 began a day ago."""
    add_second_clerk(ctx)
    give_email(ctx, "clerk1b", task_new=True)
    due: set[int] = set()
    with freeze_time(datetime.now(UTC) - timedelta(days=30)):
        for _ in range(DUE_CASES):
            case = cases.start_case(ctx, "reference_review", "clerk1", {"village": VILLAGE})
            (task,) = [t for t in case.tasks if t.state == "open"]
            tasks.complete(ctx, task.id, "clerk1", REGISTER)
    with ctx.db.read() as session:
        due = set(session.scalars(select(HumanTask.instance_id).where(HumanTask.task_name == "register")))
    with freeze_time(datetime.now(UTC) - timedelta(days=1)):
        for _ in range(NOTICES):
            Application(ctx, eligible_household()).start().accept().investigate().first_review()
        notice_ids = [n.id for n in notice_board.open_notices(ctx, VILLAGE)]
    assert len(due) == DUE_CASES
    assert len(notice_ids) == NOTICES
    return Seeded(due, notice_ids)


def _actions(ctx: Context) -> Counter[str]:
    with ctx.db.read() as session:
        rows = session.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action))
        return Counter(dict(rows.tuples().all()))


def _parallel(work: list[Callable[[], Any]]) -> list[Any]:
    with ThreadPoolExecutor(CLIENTS) as pool:
        return [f.result() for f in [pool.submit(job) for job in work]]


def _start_and_register(cluster: Cluster, tokens: list[str]) -> list[str]:
    """STARTS cases started and their 受理登记 completed, each request on the other server than the last."""

    def one(n: int) -> str:
        url, other = cluster.urls[n % 2], cluster.urls[(n + 1) % 2]
        started = call(url, "POST", "/cases", {"process": "reference_review", "data": {"village": VILLAGE}}, tokens[0])
        assert started.status == 201, started
        (task,) = started.body["open_tasks"]
        done = call(other, "POST", f"/tasks/{task['id']}/complete", {"data": REGISTER}, tokens[1])
        assert done.status == 200, done
        return str(started.body["number"])

    return _parallel([lambda n=n: one(n) for n in range(STARTS)])


def _object(cluster: Cluster, notice_ids: list[int]) -> None:
    """Objections to each running 公示 through both servers at once, each from its own address (the
    servers trust one proxy hop, so X-Forwarded-For is the client: the per-address rate limit stays out)."""

    def one(n: int) -> None:
        notice = notice_ids[n % len(notice_ids)]
        body = {"text": f"第 {n} 条异议：该户有收入未申报"}
        reply = call(cluster.urls[n % 2], "POST", f"/notices/{notice}/objections", body, X_Forwarded_For=f"10.9.0.{n}")
        assert reply.status == 201, reply

    _parallel([lambda n=n: one(n) for n in range(OBJECTIONS * len(notice_ids))])


def _reviews(ctx: Context, count: int) -> list[int]:
    """Poll until the workers' timers have opened `count` 乡镇审批 tasks; their ids."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        with ctx.db.read() as session:
            query = select(HumanTask.id).where(HumanTask.task_name == "township_review", HumanTask.state == "open")
            found = list(session.scalars(query.order_by(HumanTask.id)))
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)  # polling for the workers' progress, not waiting for a timer period


def _race(cluster: Cluster, tokens: list[str], task_ids: list[int]) -> None:
    """Each task completed through both servers at the same moment: exactly one 200, the other 409."""
    for task_id in task_ids:
        barrier = threading.Barrier(2, timeout=30)

        def both(n: int, task_id: int = task_id, barrier: threading.Barrier = barrier) -> int:
            barrier.wait()
            return call(cluster.urls[n], "POST", f"/tasks/{task_id}/complete", {"data": REVIEW}, tokens[n]).status

        with ThreadPoolExecutor(2) as pool:
            statuses = sorted(pool.map(both, [0, 1]))
        assert statuses == [200, 409], (task_id, statuses)


def _complete(cluster: Cluster, tokens: list[str], task_ids: list[int]) -> None:
    def one(n: int, task_id: int) -> None:
        reply = call(cluster.urls[n % 2], "POST", f"/tasks/{task_id}/complete", {"data": REVIEW}, tokens[n % 2])
        assert reply.status == 200, reply

    _parallel([lambda n=n, t=t: one(n, t) for n, t in enumerate(task_ids)])


def _documents(ctx: Context) -> list[int]:
    with ctx.db.read() as session:
        return list(session.scalars(select(IssuedDocument.id).order_by(IssuedDocument.id)))


def _assert_printed_once(ctx: Context, documents: list[int]) -> None:
    """Two workers print the documents (engine/records/document_rendering.py): each exactly once."""
    with ctx.db.read() as session:
        events = session.scalars(select(AuditEvent.details).where(AuditEvent.action == "document_rendered")).all()
        printed = session.scalars(select(IssuedDocument.id).where(IssuedDocument.sha256.is_not(None))).all()
    assert sorted(int(e["document_id"]) for e in events) == documents
    assert sorted(printed) == documents


def _settled(ctx: Context, cluster: Cluster) -> None:
    """Poll until no timer is due and the outbox is empty (the workers have done all there is)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        cluster.alive()
        with ctx.db.read() as session:
            waiting = session.scalar(
                select(func.count())
                .select_from(NotificationDelivery)
                .where(NotificationDelivery.status.in_(("pending", "sending")))
            )
            unprinted = session.scalar(
                select(func.count()).select_from(IssuedDocument).where(IssuedDocument.sha256.is_(None))
            )
        if waiting == 0 and unprinted == 0:
            return
        time.sleep(0.2)  # polling for the workers' progress
    raise AssertionError(f"{waiting} deliveries, {unprinted} documents still waiting:\n{cluster.logs()}")


def _assert_mail(ctx: Context, mailbox: Mailbox) -> None:
    """Every email delivery sent, each exactly once (by its Message-ID, derived from the delivery)."""
    with ctx.db.read() as session:
        rows = list(session.scalars(select(NotificationDelivery).where(NotificationDelivery.channel == "email")))
    assert rows, "no email was written: the test no longer exercises delivery"
    assert {r.status for r in rows} == {"sent"}, Counter(r.status for r in rows)
    received = Counter(str(m["Message-ID"]) for m in mailbox.messages())
    assert max(received.values()) == 1, [k for k, v in received.items() if v > 1]
    assert len(received) == len(rows)


def _assert_timers(ctx: Context, due_instances: set[int]) -> None:
    with ctx.db.read() as session:
        fired = session.scalars(select(AuditEvent).where(AuditEvent.action == "timer_fired")).all()
    per_timer = Counter((e.instance_id, e.details["due_at"]) for e in fired)
    assert max(per_timer.values()) == 1, [k for k, v in per_timer.items() if v > 1]
    assert Counter(e.instance_id for e in fired if e.instance_id in due_instances) == dict.fromkeys(due_instances, 1)


def _assert_one_completion(cluster: Cluster, token: str, ctx: Context, task_ids: list[int]) -> None:
    """A raced task's case history shows one completion of it (read through the API as users do)."""
    with ctx.db.read() as session:
        numbers = {
            t.id: t.instance.case.number for t in session.scalars(select(HumanTask).where(HumanTask.id.in_(task_ids)))
        }
    for task_id, number in numbers.items():
        history = call(cluster.urls[task_id % 2], "GET", f"/cases/{number}/history", token=token)
        assert history.status == 200, history
        events = history.body["events"]
        reviewed = [e for e in events if e["action"] == "task_completed" and e["details"]["task"] == "township_review"]
        assert len(reviewed) == 1, (task_id, events)
    with ctx.db.read() as session:
        query = select(AuditEvent.task_id).where(
            AuditEvent.action == "task_completed", AuditEvent.task_id.in_(task_ids)
        )
        assert sorted(session.scalars(query)) == sorted(task_ids)


@pytest.fixture
def admin_url() -> str:
    if not POSTGRES_URL:
        pytest.skip("DIBAO_TEST_POSTGRES_URL is not set (make test-postgres sets it)")
    return POSTGRES_URL


def test_two_web_servers_and_two_workers_on_one_database(
    admin_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server() as (smtp_port, mailbox), scratch_database(admin_url) as database_url:
        mail = {"DIBAO_SMTP_HOST": "127.0.0.1", "DIBAO_SMTP_PORT": str(smtp_port), "DIBAO_SMTP_SECURITY": "none"}
        env = cluster_env(tmp_path, database_url, DIBAO_SMTP_SENDER=SENDER, DIBAO_TRUSTED_PROXIES="1", **mail)
        run_dibao(env, "init", "--demo")
        ctx = _context(env, monkeypatch)
        try:
            seeded = _seed(ctx)
            before = _actions(ctx)
            documents = _documents(ctx)  # the seeded 低保 cases' documents: the workers print them during the run
            with running_cluster(tmp_path, env) as cluster:
                tokens = [issue_token(url, "clerk1") for url in cluster.urls]
                with ThreadPoolExecutor(2) as side:
                    objecting = side.submit(_object, cluster, seeded.notice_ids)
                    numbers = _start_and_register(cluster, tokens)
                    objecting.result()
                reviews = _reviews(ctx, DUE_CASES)
                assert len(reviews) == DUE_CASES, cluster.logs()
                _race(cluster, tokens, reviews[:RACES])
                _complete(cluster, tokens, reviews[RACES:])
                _settled(ctx, cluster)
                _assert_one_completion(cluster, tokens[0], ctx, reviews[:RACES])
            done = _actions(ctx) - before
            assert len(numbers) == len(set(numbers)) == STARTS
            _assert_timers(ctx, seeded.due_instances)
            _assert_mail(ctx, mailbox)
            with ctx.db.read() as session:
                assert session.scalar(select(func.count()).select_from(Objection)) == OBJECTIONS * NOTICES
                total = session.scalar(select(func.count()).select_from(AuditEvent))
            # Exactly what the work should have written, no more: a lost or doubled step would show here.
            assert done == {
                "api_token_issued": 2,
                "login": 2,
                "case_created": STARTS,
                "task_created": STARTS + DUE_CASES,  # 受理登记 of the new cases, 乡镇审批 after each timer
                "task_completed": STARTS + DUE_CASES,
                "timer_fired": DUE_CASES,
                "process_completed": DUE_CASES,
                "objection_received": OBJECTIONS * NOTICES,
                "document_rendered": len(documents),
            }
            _assert_printed_once(ctx, documents)
            assert run_dibao(env, "audit", "verify").strip() == f"审计链完整：共 {total} 个事件"
        finally:
            ctx.close()
