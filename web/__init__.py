"""The Flask application. The clerk workspace and the JSON API arrive with their own issue; until then
the app serves a status page so `dibao serve` and `make run` work end to end."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, jsonify

from engine.services import status
from engine.services.context import Context


def create_app(ctx: Context | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    context = ctx or Context.from_settings()
    app.config.from_mapping(
        SECRET_KEY=context.settings.secret_key or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["dibao"] = context

    @app.get("/")
    def index() -> tuple[str, int, dict[str, str]]:
        report = status.system_status(context)
        rows = "".join(f"<li>{p.region} · {p.process_id} v{p.version}（{p.title}）</li>" for p in report.processes)
        banner = "".join(f"<p class=warn>{w}</p>" for w in report.warnings)
        page = (
            f"<!doctype html><html lang=zh-CN><meta charset=utf-8><title>低保审批系统</title>"
            f"<h1>低保审批系统 · 运行中</h1>{banner}<p>已部署流程：</p><ul>{rows}</ul>"
            f"<p>待处理定时器：{report.due_timers}；审计事件：{report.audit_events}</p></html>"
        )
        return page, 200, {"Content-Type": "text/html; charset=utf-8"}

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify({"ok": True})

    return app
