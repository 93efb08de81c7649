"""批量启动到期复核 (issue 14, docs/starting-cases.md): the month's due 动态复核 of a township or county.

GET /cases/due-reviews previews what would start (how many, which households, the review date that made
each one due); POST starts them (engine.services.reviews.start_due_reviews, the CLI's
`dibao cases start periodic_review --due`) and redirects to GET /cases/due-reviews/started, which lists
the new case numbers. The preview reads the same selection as the batch, so what it lists is what starts.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.clock import to_china, utcnow
from engine.queries import enrolments
from engine.services import reviews
from web.kit.current import context, login_required, username

bp = Blueprint("due_reviews", __name__)


def _day(text: str | None) -> date:
    if not text:
        return to_china(utcnow()).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(400)


@bp.get("/cases/due-reviews")
@login_required
def preview() -> ResponseReturnValue:
    reviews.check_may_start_due(context(), username())  # 403 before anything is read
    day = _day(request.args.get("on"))
    due = enrolments.due_reviews(context(), username(), day)
    return render_template("clerk/due_reviews.html", due=due, limit=enrolments.PREVIEW_LIMIT)


@bp.post("/cases/due-reviews")
@login_required
def start() -> ResponseReturnValue:
    day = _day(request.form.get("on"))
    since = utcnow()
    batch = reviews.start_due_reviews(context(), username(), day)
    flash(f"已启动 {len(batch.started)} 件动态复核（到期 {batch.due} 户）", "success")
    return redirect(url_for("due_reviews.started", since=since.isoformat()))


@bp.get("/cases/due-reviews/started")
@login_required
def started() -> ResponseReturnValue:
    try:
        since = datetime.fromisoformat(request.args.get("since", ""))
    except ValueError:
        abort(400)
    numbers = enrolments.started_reviews(context(), username(), since)
    return render_template("clerk/due_reviews_started.html", numbers=numbers)
