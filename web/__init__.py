"""The Flask application, one blueprint package per workspace (flaskr-style):

- clerk/: 工作台, task pages, 受理登记, 案件查询 and case pages, attachments;
- public/: the 公示 board (no login) and the status page;
- ops/: /healthz, /readyz, /metrics and the request log (docs/monitoring.md);
- designer/: process sets, versions, diffs, drafts, the modeler;
- audit/: the auditor's read-only workspace;
- dashboard/: 统计看板;
- admin/: users, roles, org units, the demo clock;
- api/: the JSON API under /api/v1;
- auth/: signing in and out;
- notifications/: the notification centre (the bell, the list, the preferences);
- recalculation/: 年度调标, a county's recalculation runs (docs/annual-adjustment.md);
- payroll/: 发放名册, a county's monthly payroll rosters;
- care_visits/: 特困人员探访, the open and missed monthly visits (docs/tekun-visits.md);
- kit/: what they share, with no routes (templates/kit/ likewise).

Templates sit in the matching folders of templates/. The `dibao` command line (cli/) is a delivery layer
of its own beside the app. create_app(ctx, test_config) builds one app around one engine Context;
`dibao serve` runs it.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.context import Context
from engine.services import web_sessions
from web import (
    admin,
    alerts,  # 监测预警 (docs/alerts.md)
    audit,
    auth,
    care_visits,  # 特困人员探访 (docs/tekun-visits.md)
    clerk,
    dashboard,
    designer,
    notifications,
    ops,
    payroll,
    public,
    recalculation,
    referrals,  # 转介 (docs/referrals.md)
    tekun,  # 特困抽查 (docs/tekun-sampling.md)
)
from web import intake as intake_workspace  # 一门受理 (docs/intake.md)
from web.api import init_app as init_api
from web.kit import errors, filters, routing

_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # No scripts, styles or fonts from anywhere else; pages work offline.
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}


class _SessionInterface(SecureCookieSessionInterface):
    """Secure session cookies (SESSION_COOKIE_SECURE), except over plain HTTP to this very machine:
    `make run` serves http://127.0.0.1:5000, where a Secure cookie could be dropped by the browser and
    where it never crosses a network anyway."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if not app.config["SESSION_COOKIE_SECURE"]:
            return False
        return request.is_secure or urlsplit(f"//{request.host}").hostname not in _LOOPBACK


def _security_headers(response: Response) -> Response:
    for name, value in _SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _behind_proxies(app: Flask, hops: int) -> None:
    """Behind `hops` reverse proxies (DIBAO_TRUSTED_PROXIES), request.remote_addr and request.scheme come
    from the last `hops` X-Forwarded-For / -Proto entries: the ones those proxies wrote. Whatever a client
    put in those headers itself sits further left and is ignored. X-Forwarded-Host is not trusted: a proxy
    that merely passes it on would let a client choose the host; proxies pass the original Host instead."""
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def create_app(ctx: Context | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    """`test_config` overrides any setting below, e.g. {"SESSION_COOKIE_SECURE": False}."""
    app = Flask(__name__)
    routing.init_app(app)  # <id:…> in every route: before any blueprint adds its rules
    context = ctx or Context.from_settings()
    app.config.from_mapping(
        SECRET_KEY=context.settings.secret_key or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        # The signed session cookie is refused 8 hours after it was last written (Flask checks its age); the
        # server-side session record it names ends 8 hours after sign-in, or earlier when revoked.
        PERMANENT_SESSION_LIFETIME=web_sessions.SESSION_LIFETIME,
        # A clerk may spend a while on a long form: the CSRF token lasts as long as the session.
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        # An attachment (DIBAO_ATTACHMENT_MAX_BYTES) plus the form around it; past this: 413, nothing read.
        MAX_CONTENT_LENGTH=max(2 * 1024 * 1024, context.settings.attachment_max_bytes + 256 * 1024),
    )
    if test_config:
        app.config.update(test_config)
    # Secure cookies unless debugging or testing, or told otherwise.
    if "SESSION_COOKIE_SECURE" not in (test_config or {}):
        app.config["SESSION_COOKIE_SECURE"] = not (app.debug or app.testing)
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    app.session_interface = _SessionInterface()
    _behind_proxies(app, context.settings.trusted_proxies)
    app.extensions["dibao"] = context

    errors.init_app(app)  # first: its request id exists before CSRF or login checks can fail
    CSRFProtect(app)
    init_api(app)  # the JSON API under /api/v1: bearer tokens, no cookies, so exempt from CSRF
    auth.init_app(app)
    filters.init_app(app)
    for workspace in (
        clerk,
        public,
        audit,
        dashboard,
        admin,
        designer,
        notifications,
        recalculation,
        payroll,
        ops,
        referrals,
        intake_workspace,
        alerts,
        tekun,
        care_visits,
    ):
        for blueprint in workspace.BLUEPRINTS:
            app.register_blueprint(blueprint)
    app.after_request(_security_headers)
    return app
