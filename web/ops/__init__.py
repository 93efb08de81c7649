"""What operators and their monitors use (docs/monitoring.md): /healthz and /readyz (health), /metrics in
Prometheus format (metrics), one log line and one latency observation per request (access), and the
process's logging setup (logs). No page here needs a login; /metrics has its own access rule."""

from __future__ import annotations

from flask import Blueprint

from web.ops import access, health, metrics

BLUEPRINTS: tuple[Blueprint, ...] = (access.bp, health.bp, metrics.bp)
