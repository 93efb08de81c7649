"""The JSON API under /api/v1 (docs/contracts.md): bearer tokens, marshmallow schemas, JSON errors, and the
OpenAPI document at /api/v1/openapi.json. Views map HTTP to engine.services calls and nothing more."""

from __future__ import annotations

from flask import Flask

# Importing the route modules registers their routes on the blueprint.
from web.api import (
    admin,
    alerts,  # 监测预警 (docs/alerts.md)
    assessments,
    case_ending,  # 终止、暂停、恢复、撤销
    cases,
    delegation,  # 委派 (docs/delegation.md)
    document_corrections,  # 更正 of an issued document (docs/documents-corrections-and-printing.md)
    documents,  # 文书 (docs/documents-verify-and-download.md)
    intake,  # 一门受理 (docs/intake.md)
    migrations,  # running cases to a newer process version (docs/process-migration.md)
    notices,
    notifications,  # the notification centre (docs/notification-centre.md)
    objections,
    openapi,
    payroll,  # 发放名册 (docs/payments.md)
    referrals,  # 转介 (docs/referrals.md)
    rewinding,  # 撤回, 退回, move (docs/withdraw-and-return.md)
    simulations,  # 政策模拟测算 (docs/policy-simulation.md)
    starting,  # what a user may start, 延长办理期限 (docs/starting-cases.md)
    tasks,
    tekun,  # 特困人员认定评估 (docs/tekun-assessment.md)
    tokens,
    urging,  # 催办 (docs/urge-and-copy.md)
)
from web.api.core import OPERATIONS, bp
from web.api.errors import http_error
from web.kit.errors import answer_in_json_under

__all__ = [
    "OPERATIONS",
    "admin",
    "alerts",
    "assessments",
    "bp",
    "case_ending",
    "cases",
    "delegation",
    "document_corrections",
    "documents",
    "init_app",
    "intake",
    "migrations",
    "notices",
    "notifications",
    "objections",
    "openapi",
    "payroll",
    "referrals",
    "rewinding",
    "simulations",
    "starting",
    "tasks",
    "tekun",
    "tokens",
    "urging",
]


def init_app(app: Flask) -> None:
    # The API authenticates by the Authorization header only, never by the session cookie, so a
    # cross-site request cannot act for anyone: CSRF tokens would add nothing (and no client has one).
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)
    app.register_blueprint(bp)
    # An unknown address or an undeclared method under /api/v1 is a JSON error too (with Allow on a 405).
    answer_in_json_under(app, bp.url_prefix or "", http_error)
