"""/metrics in Prometheus text format (docs/monitoring.md), for the configured addresses or the bearer token.

Two kinds of figures: what this process counted (engine/observe.py: request latency, completions, starts),
and what the database says right now (engine/queries/operations_metrics.py), read by a collector at scrape
time. Under gunicorn several processes count: with PROMETHEUS_MULTIPROC_DIR set each writes its values to
files there and a scrape sums them (MultiProcessCollector). The database gauges are made once per scrape
by the process that answers it, never per worker.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from flask import Blueprint, Response, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess, values
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from engine.context import Context
from engine.queries.operations_metrics import operations_figures
from web.kit.current import context

bp = Blueprint("metrics", __name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
FORBIDDEN = "无权读取监控指标：请从允许的地址访问，或提供正确的令牌（DIBAO_METRICS_ALLOW、DIBAO_METRICS_TOKEN）"


def prepare_multiprocess(directory: Path) -> None:
    """In the gunicorn master, before workers fork: an empty directory for the workers' metric files, named
    in the environment the workers inherit. Emptied because files of an earlier run would be summed in."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    # prometheus_client chooses how values are kept when it is first imported; the master may have imported
    # it already (the `dibao` command loads the app's modules), so choose again. The metrics are all
    # labelled: their values are made at first use, in the workers, with the multi-process kind.
    values.ValueClass = values.get_value_class()


def process_exited(pid: int) -> None:
    """gunicorn's child_exit: the live gauges of a dead worker go; its counters stay in the sums."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)


class DatabaseCollector(Collector):
    """The gauges read from the database at scrape time."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[Metric]:
        f = operations_figures(self.ctx)
        yield GaugeMetricFamily(
            "dibao_timer_lag_seconds", "Age of the oldest due timer not fired yet (0: none due).", f.timer_lag_seconds
        )
        yield GaugeMetricFamily("dibao_instances_in_error", "Process instances parked in error.", f.instances_in_error)
        yield GaugeMetricFamily(
            "dibao_notification_outbox_depth", "Notification deliveries waiting to be sent.", f.outbox_depth
        )
        beats = GaugeMetricFamily(
            "dibao_worker_heartbeat_age_seconds", "Seconds since each worker's last round.", labels=["worker"]
        )
        for worker, age in sorted(f.worker_heartbeat_age.items()):
            beats.add_metric([worker], age)
        yield beats
        yield GaugeMetricFamily(
            "dibao_audit_chain_length", "Events in the audit chain (its head seq).", f.audit_chain_length
        )
        yield GaugeMetricFamily(
            "dibao_audit_last_checkpoint_seq", "Seq of the newest signed checkpoint (0: none).", f.last_checkpoint_seq
        )
        yield GaugeMetricFamily(
            "dibao_audit_last_checkpoint_timestamp_seconds",
            "Unix time the newest checkpoint was signed (0: none).",
            f.last_checkpoint_time,
        )
        yield GaugeMetricFamily(
            "dibao_documents_unprinted", "Issued documents whose PDF is not printed yet.", f.documents_unprinted
        )
        yield GaugeMetricFamily(
            "dibao_documents_print_failed",
            "Issued documents the worker stopped trying to print (each failed three times).",
            f.documents_print_failed,
        )


def _allowed() -> bool:
    settings = context().settings
    token = settings.metrics_token
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").strip().encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 from a dual-stack socket is 127.0.0.1
    return any(address in ipaddress.ip_network(entry, strict=False) for entry in settings.metrics_allow)


def scrape(ctx: Context) -> bytes:
    """The whole exposition: the database gauges once, then this process's (or all workers') figures."""
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted, path=directory)
    else:
        counted = REGISTRY
    database = CollectorRegistry()
    database.register(DatabaseCollector(ctx))
    return generate_latest(database) + generate_latest(counted)  # what the database says first: the alerts


@bp.get("/metrics")
def metrics() -> Response:
    if not _allowed():
        return Response(FORBIDDEN, status=403, mimetype="text/plain")
    response = Response(scrape(context()), mimetype=None, content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response
