"""The 特困人员探访 list: a thin view over engine.queries.care_visits. GET /tekun/visits lists the open visits
(this month's still to do and earlier months' missed ones, names masked) with links to their cases;
`?missed=1` only the missed. Roles and scope are engine.policy.care_visits'."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from engine.queries import care_visits as views
from web.kit.current import context, login_required, username

bp = Blueprint("care_visits", __name__, url_prefix="/tekun/visits")


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    missed_only = request.args.get("missed") == "1"
    found = views.open_visits(context(), username(), missed_only=missed_only)
    return render_template("care_visits/index.html", visits=found)
