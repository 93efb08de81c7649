"""One log line and one latency observation per request (docs/monitoring.md).

The route is the URL rule (/cases/<id:number>), never the path: a path or query string can hold a
身份证号 (a search), and a metric label per path would grow without end. The user is taken only if the
request already loaded it: looking it up here would cost /healthz a database query.
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, g, request
from flask.blueprints import BlueprintSetupState

from engine import observe
from web.kit.errors import request_id

bp = Blueprint("ops_access", __name__)
log = logging.getLogger("dibao.request")

UNMATCHED = "<unmatched>"  # no rule matched (a 404 or 405): all such requests share one label
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _user() -> str | None:
    web_user = g.get("_login_user")  # flask-login's user of this request, if something asked for it
    signed_in = getattr(web_user, "user", None) or g.get("api_user")  # the API's bearer-token user
    name = getattr(signed_in, "username", None)
    return name if isinstance(name, str) else None


def _started() -> None:
    g.ops_started = time.perf_counter()


@bp.record_once
def _first(state: BlueprintSetupState) -> None:
    # First of the app's before_request functions: CSRF and login checks run earlier than this blueprint's
    # own registration would put it, and a request they refuse (400, 401) must be timed too.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _started)


@bp.after_app_request
def _finished(response: Response) -> Response:
    started: float | None = g.get("ops_started")
    duration = time.perf_counter() - started if started is not None else 0.0
    route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    method = request.method if request.method in _METHODS else "OTHER"
    status = response.status_code
    observe.REQUEST_SECONDS.labels(route=route, method=method, status=str(status)).observe(duration)
    log.info(
        "%s %s %s %.1f ms",
        method,
        route,
        status,
        duration * 1000,
        extra={
            "request_id": request_id(),
            "user": _user(),
            "route": route,
            "method": method,
            "status": status,
            "duration_ms": round(duration * 1000, 2),
        },
    )
    return response
