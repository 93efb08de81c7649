"""/metrics and /readyz in a real Chromium (docs/monitoring.md): what Prometheus and a load balancer read,
as an operator sees it from the server itself. Screenshots of both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Server

pytestmark = pytest.mark.browser


def test_metrics_and_readiness_pages(server: Server, chromium: Browser, screenshots: Path) -> None:
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server.url}/")  # one request of a page, so the latency histogram has a route to show
        response = page.goto(f"{server.url}/metrics")
        assert response is not None
        assert response.status == 200
        body = page.locator("body")
        for name in (
            "dibao_http_request_duration_seconds_bucket",
            "dibao_timer_lag_seconds",
            "dibao_instances_in_error",
            "dibao_notification_outbox_depth",
            "dibao_worker_heartbeat_age_seconds",
            "dibao_audit_chain_length",
        ):
            expect(body).to_contain_text(name)
        page.screenshot(path=str(screenshots / "65-metrics.png"))

        response = page.goto(f"{server.url}/readyz")
        assert response is not None
        assert response.status == 200
        ready = json.loads(body.inner_text())
        assert ready["ready"] is True
        expect(body).to_contain_text("数据库可以连接")
        page.screenshot(path=str(screenshots / "65-readyz.png"))
    finally:
        page.close()
