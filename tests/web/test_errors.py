"""Error pages: Chinese, with the request id, never a stack trace; the status page and health check."""

from __future__ import annotations

import logging
import re

import pytest
from flask import Flask

from engine.context import Context
from engine.errors import WorkflowFailed
from tests.web.conftest import Browser, open_task

_RID = re.compile(r"请求编号 <code>([0-9a-f]{32})</code>")


def _boom() -> str:
    raise RuntimeError("secret-internal-detail")


def _workflow_failure() -> str:
    raise WorkflowFailed("脚本运行超时：元素 prepare_notice", "prepare_notice")


def _no_trace(html: str) -> None:
    assert "Traceback" not in html
    assert 'File "' not in html


def test_unexpected_error_is_logged_with_the_request_id_shown_on_the_page(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    app.add_url_rule("/test-only/boom", view_func=_boom)
    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="dibao.web"):
        response = client.get("/test-only/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    _no_trace(html)
    assert "secret-internal-detail" not in html
    assert "系统遇到意外错误" in html
    match = _RID.search(html)
    assert match
    assert match.group(1) == response.headers["X-Request-Id"]
    (record,) = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert record.exc_info is not None  # the trace goes to the log


def test_workflow_failure_shows_the_engine_message(app: Flask) -> None:
    app.add_url_rule("/test-only/workflow", view_func=_workflow_failure)
    response = app.test_client().get("/test-only/workflow")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "流程运行出错" in html
    assert "脚本运行超时：元素 prepare_notice" in html
    _no_trace(html)


def test_not_found_pages(browser: Browser) -> None:
    unknown = browser.get("/no-such-page")
    assert unknown.status_code == 404
    assert "页面不存在" in unknown.get_data(as_text=True)
    assert len(unknown.headers["X-Request-Id"]) == 32
    browser.login("clerk1")
    missing = browser.get("/tasks/99999")
    assert missing.status_code == 404
    html = missing.get_data(as_text=True)
    assert "任务 99999 不存在" in html
    assert '<html lang="zh-CN">' in html
    _no_trace(html)


def test_forbidden_page(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk2")
    response = browser.get(f"/tasks/{task_id}")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "无权访问" in html
    assert "无权查看该任务" in html
    _no_trace(html)


def test_wrong_method_is_a_chinese_page(browser: Browser) -> None:
    response = browser.get("/logout")
    assert response.status_code == 405
    assert "不支持的请求方式" in response.get_data(as_text=True)


def test_every_response_has_its_own_request_id_and_the_security_headers(browser: Browser) -> None:
    responses = [browser.get(url) for url in ("/healthz", "/status", "/login", "/", "/nowhere")]
    assert len({r.headers["X-Request-Id"] for r in responses}) == len(responses)
    for response in responses:
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_status_page_and_health_check_need_no_login(browser: Browser) -> None:
    status = browser.get("/status")
    assert status.status_code == 200
    html = status.get_data(as_text=True)
    assert "低保审批系统 · 运行中" in html
    assert "已部署流程" in html
    assert "reference_review" in html
    assert "待处理定时器" in html
    assert "审计事件" in html
    health = browser.get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {"ok": True}
