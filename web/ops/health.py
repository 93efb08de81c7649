"""/healthz (the process answers) and /readyz (it can do its work), for load balancers and monitors."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue

from engine.queries.readiness import readiness
from web.kit.current import context

bp = Blueprint("ops", __name__)
_NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    # No database: browser and fuzz harnesses poll it while the server starts, and "alive" is all it says.
    return jsonify({"ok": True})


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """200 when every check passes, else 503 with the failing checks; no login, nothing secret in it."""
    checks = readiness(context())
    failing = [c for c in checks if not c.ok]
    shown = failing or checks
    body = {"ready": not failing, "checks": [{"name": c.name, "ok": c.ok, "message": c.message} for c in shown]}
    # Chinese as Chinese (jsonify would write \u escapes): an operator reads this in a browser or with curl.
    text = json.dumps(body, ensure_ascii=False, indent=2)
    return Response(text, status=503 if failing else 200, mimetype="application/json", headers=_NO_STORE)
