"""待处理异议 on the clerk's pages: the inbox panel (templates/clerk/_pending_objections.html).

The panel is a template global rather than a view variable, so the inbox includes it with one line and
whoever shapes the inbox view need not pass anything: the partial asks for the signed-in user's pending
objections itself. Users whose roles do not handle objections get no panel (and no query).
"""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from engine import policy
from engine.queries import objections
from engine.queries.objections import PendingObjections
from web.kit.current import context

bp = Blueprint("objections", __name__)


@bp.app_template_global("pending_objections_panel")
def pending_objections_panel() -> PendingObjections | None:
    """The signed-in user's pending objections, or None for a role that does not handle them."""
    user = getattr(current_user, "user", None)
    if user is None or not policy.may_see_objections(user.roles):
        return None
    return objections.pending_objections(context(), user.username)
