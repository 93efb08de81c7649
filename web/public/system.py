"""The status page, which needs no login (/healthz and /readyz are in web/ops)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from engine.queries import status
from web.kit.current import context

bp = Blueprint("system", __name__)


@bp.get("/status")
def status_page() -> ResponseReturnValue:
    return render_template("public/status.html", report=status.system_status(context()))
