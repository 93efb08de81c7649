"""/metrics (docs/monitoring.md): who may read it (the configured addresses, or the bearer token), what a
completion and a start add, the latency histogram labelled by route, and the gauges the database gives
at scrape time (timer lag, instances in error, outbox depth, worker heartbeats, the audit chain)."""

from __future__ import annotations

import os
import re
import threading
import time
from datetime import timedelta

import pytest
from flask import Flask
from freezegun import freeze_time
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from engine.clock import utcnow
from engine.context import Context
from engine.persistence import (
    AuditCheckpoint,
    AuditHead,
    IssuedDocument,
    NotificationDelivery,
    ProcessInstance,
    WorkerHeartbeat,
)
from engine.records.document_rendering import MAX_ATTEMPTS, render_pending
from engine.services import cases
from engine.services import worker as worker_loop
from tests.conftest import MakeContext
from tests.web import documents_flow
from tests.web.conftest import REGISTER, Browser, make_app, open_task

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(app: Flask, address: str = "127.0.0.1", **headers: str) -> Samples:
    response = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": address}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain; version=")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def refused(app: Flask, address: str, **headers: str) -> None:
    response = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": address}, headers=headers)
    assert response.status_code == 403
    assert "无权读取监控指标" in response.get_data(as_text=True)
    assert "dibao_" not in response.get_data(as_text=True)


def test_the_machine_itself_may_read_others_may_not(ctx: Context) -> None:
    app = make_app(ctx)
    assert scrape(app, "127.0.0.1")
    assert scrape(app, "::1")
    assert scrape(app, "::ffff:127.0.0.1")  # a dual-stack socket's spelling of the same address
    refused(app, "10.1.2.3")
    refused(app, "192.0.2.7", Authorization="Bearer anything")  # no token configured: none opens it


def test_configured_network(make_context: MakeContext) -> None:
    app = make_app(make_context(metrics_allow=("10.0.0.0/8",)))
    assert scrape(app, "10.20.30.40")
    refused(app, "11.0.0.1")
    refused(app, "127.0.0.1")  # the default no longer applies once the list is set


def test_behind_a_proxy_the_clients_address_counts(make_context: MakeContext) -> None:
    """nginx on the same machine forwards everyone: its own 127.0.0.1 must not open /metrics to the world."""
    app = make_app(make_context(trusted_proxies=1, metrics_allow=("127.0.0.1", "10.0.0.0/8")))
    refused(app, "127.0.0.1", **{"X-Forwarded-For": "203.0.113.5"})
    assert scrape(app, "127.0.0.1", **{"X-Forwarded-For": "10.9.8.7"})


def test_bearer_token(make_context: MakeContext) -> None:
    app = make_app(make_context(metrics_token="s3cret-token-for-prometheus"))
    assert scrape(app, "198.51.100.9", Authorization="Bearer s3cret-token-for-prometheus")
    refused(app, "198.51.100.9", Authorization="Bearer s3cret-token-for-prometheus-not")
    refused(app, "198.51.100.9", Authorization="Basic czNjcmV0")
    refused(app, "198.51.100.9")


def test_not_in_the_api_description(app: Flask) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").get_data(as_text=True)
    assert "/metrics" not in spec
    assert "/readyz" not in spec


def test_a_start_and_a_completion_are_counted_once_committed(app: Flask, ctx: Context, browser: Browser) -> None:
    before = scrape(app)
    task_id = open_task(ctx)  # starts a reference_review case
    browser.login("clerk1")
    assert browser.post(f"/tasks/{task_id}/complete", {**REGISTER, "f.household_size": "三口"}).status_code == 422
    assert browser.post(f"/tasks/{task_id}/complete", REGISTER).status_code == 302
    after = scrape(app)
    starts = "dibao_case_starts_total"
    completions = "dibao_task_completions_total"
    assert value(after, starts, process="reference_review") - value(before, starts, process="reference_review") == 1
    # The refused form (422) rolled back: one completion, not two.
    process = {"process": "reference_review"}
    assert value(after, completions, **process) - value(before, completions, **process) == 1
    # Latency by route: the URL rule, never the task's own path.
    routes = {dict(labels)["route"] for name, labels in after if name == "dibao_http_request_duration_seconds_count"}
    assert any(re.fullmatch(r"/tasks/<[^>]+>/complete", route) for route in routes), routes
    assert f"/tasks/{task_id}/complete" not in routes
    posts = [
        dict(labels)
        for name, labels in after
        if name == "dibao_http_request_duration_seconds_count" and dict(labels)["route"].endswith("/complete")
    ]
    assert {(p["method"], p["status"]) for p in posts} >= {("POST", "302"), ("POST", "422")}


def test_a_step_that_conflicts_is_not_counted(ctx: Context) -> None:
    app = make_app(ctx)
    before = value(scrape(app), "dibao_case_starts_total", process="reference_review")
    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal: the point is what was not counted
        cases.start_case(ctx, "reference_review", "clerk1", {"village": "no-such-village"})
    assert value(scrape(app), "dibao_case_starts_total", process="reference_review") == before


BACKENDS = pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])


@BACKENDS
def test_database_gauges(ctx: Context, backend: str) -> None:
    app = make_app(ctx)
    late, broken = (cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"}) for _ in "ab")
    now = utcnow()
    with ctx.db.write() as session:
        instances = {i.case.number: i for i in session.scalars(select(ProcessInstance))}
        instances[late.number].next_timer_at = now - timedelta(minutes=10)
        instances[late.number].status = "waiting"
        instances[broken.number].status, instances[broken.number].next_timer_at = "error", None
        head = session.get(AuditHead, 1)
        assert head is not None
        session.add(AuditCheckpoint(seq=head.seq, hash=head.hash, signed_at=now, signer="f" * 64, signature="0" * 128))
    samples = scrape(app)
    lag = value(samples, "dibao_timer_lag_seconds")
    assert 600 <= lag < 900  # the oldest due timer is ten minutes old (and the test took a moment)
    assert value(samples, "dibao_instances_in_error") == 1
    with ctx.db.read() as session:
        pending = session.scalar(
            select(func.count()).select_from(NotificationDelivery).where(NotificationDelivery.status == "pending")
        )
        seq = session.scalar(select(AuditHead.seq))
    assert value(samples, "dibao_notification_outbox_depth") == pending
    assert value(samples, "dibao_audit_chain_length") == seq > 0
    assert value(samples, "dibao_audit_last_checkpoint_seq") == head.seq
    assert abs(value(samples, "dibao_audit_last_checkpoint_timestamp_seconds") - time.time()) < 300


def test_no_timer_due_is_zero_lag(ctx: Context) -> None:
    samples = scrape(make_app(ctx))
    assert value(samples, "dibao_timer_lag_seconds") == 0
    assert value(samples, "dibao_audit_last_checkpoint_seq") == 0


@BACKENDS
def test_worker_heartbeat(ctx: Context, backend: str) -> None:
    """The loop's row appears with its first round, /metrics shows its age, and a clean stop removes it.
    A row a day old (a worker killed without a clean stop) is pruned."""
    app = make_app(ctx)
    with ctx.db.write() as session:
        gone = utcnow() - timedelta(days=2)
        session.add(WorkerHeartbeat(worker="old-host:4242", started_at=gone, last_seen=gone, last_round_work=0))
    stop = threading.Event()
    loop = threading.Thread(target=worker_loop.run_worker, args=(ctx, stop, 0.05))
    loop.start()
    try:
        deadline = time.monotonic() + 60
        while _heartbeats(ctx) in ([], ["old-host:4242"]) and time.monotonic() < deadline:
            time.sleep(0.05)  # polling the running loop, not waiting for a timer
        (name,) = _heartbeats(ctx)
        age = value(scrape(app), "dibao_worker_heartbeat_age_seconds", worker=name)
        assert 0 <= age < 60
        assert name.endswith(f":{os.getpid()}")
    finally:
        stop.set()
        loop.join(timeout=60)
    assert _heartbeats(ctx) == []
    assert not [k for k in scrape(app) if k[0] == "dibao_worker_heartbeat_age_seconds"]


def _heartbeats(ctx: Context) -> list[str]:
    with ctx.db.read() as session:
        return list(session.scalars(select(WorkerHeartbeat.worker)))


def test_documents_waiting_for_their_pdf_and_those_given_up_on(ctx: Context) -> None:
    """Issued in the step, printed by the worker (docs/documents.md): /metrics shows how many wait, and how
    many the worker stopped retrying, which need an administrator."""
    with freeze_time(documents_flow.START):
        documents_flow.in_notice(ctx)  # 受理 and 入户调查 issue documents; nothing printed them yet
    app = make_app(ctx)
    waiting = value(scrape(app), "dibao_documents_unprinted")
    assert waiting >= 2
    assert value(scrape(app), "dibao_documents_print_failed") == 0
    with ctx.db.write() as session:
        first = session.scalars(select(IssuedDocument).where(IssuedDocument.sha256.is_(None))).first()
        assert first is not None
        first.render_attempts = MAX_ATTEMPTS
    assert value(scrape(app), "dibao_documents_print_failed") == 1
    assert render_pending(ctx) == waiting - 1  # the one given up on is left for an administrator
    assert value(scrape(app), "dibao_documents_unprinted") == 1
