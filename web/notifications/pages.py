"""The bell, the list and the preferences, POST-redirect-GET. Opening a notification and marking all read
are POSTs with the CSRF token: a read is also a read receipt (抄送, 催办), which another site must not fake."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine.domain.notification_kinds import KINDS
from engine.errors import InvalidData
from engine.queries import notifications as notification_query
from engine.services import notifications
from web.kit.current import context, login_required, page_number, username

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

TABS = (("all", "全部"), ("unread", "未读"))
BELL_LIMIT = 99  # above it the bell reads 99+


@bp.app_context_processor
def _bell() -> dict[str, Any]:
    """The header's unread count: one indexed COUNT per signed-in page, none for anyone else."""
    user = getattr(current_user, "user", None)
    if user is None:
        return {}
    if "unread_notifications" not in g:  # a page that renders several templates still counts once
        g.unread_notifications = notification_query.unread_count(context(), user.username)
    count: int = g.unread_notifications
    return {"bell": {"count": count, "text": f"{BELL_LIMIT}+" if count > BELL_LIMIT else str(count)}}


def _query() -> notification_query.NotificationQuery:
    # A hand-edited address gets the nearest sensible list, not an error page.
    view = request.args.get("view", "all")
    kind = request.args.get("kind", "")
    return notification_query.NotificationQuery(
        view=view if view in notification_query.VIEWS else "all",
        kind=kind if kind in KINDS else "",
        page=min(page_number(), notification_query.MAX_PAGE),
    )


def _url(query: notification_query.NotificationQuery, **changes: Any) -> str:
    values: dict[str, Any] = {"view": query.view, "kind": query.kind, "page": query.page, **changes}
    return url_for(".index", **{k: v for k, v in values.items() if v not in ("", "all", 1, None)})


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    query = _query()
    page = notification_query.list_notifications(context(), username(), query)
    tabs = [
        {"label": label, "url": _url(query, view=view, page=None), "active": view == query.view} for view, label in TABS
    ]
    return render_template(
        "notifications/list.html",
        page=page,
        query=query,
        tabs=tabs,
        kinds=[(kind, spec.label) for kind, spec in KINDS.items()],
        prev_url=_url(query, page=query.page - 1) if query.page > 1 else None,
        next_url=_url(query, page=query.page + 1) if query.page < page.pages else None,
    )


@bp.post("/<id:notification_id>/open")
@login_required
def open_one(notification_id: int) -> ResponseReturnValue:
    target = notifications.open_notification(context(), username(), notification_id)
    if target.task_id is not None:
        return redirect(url_for("tasks.show", task_id=target.task_id))
    if target.case_number is not None:
        return redirect(url_for("case_pages.show", number=target.case_number))
    flash("该通知已标为已读", "success")
    return redirect(url_for(".index"))


@bp.post("/read-all")
@login_required
def read_all() -> ResponseReturnValue:
    count = notifications.mark_all_read(context(), username())
    flash(f"已将 {count} 条通知标为已读" if count else "没有未读通知", "success")
    return redirect(url_for(".index"))


@bp.get("/preferences")
@login_required
def preferences() -> ResponseReturnValue:
    return _preferences_page(notifications.preferences(context(), username()))


@bp.post("/preferences")
@login_required
def save_preferences() -> ResponseReturnValue:
    form = request.form
    choices = {kind: notifications.Choice(email=f"email_{kind}" in form, sms=f"sms_{kind}" in form) for kind in KINDS}
    email, mobile = form.get("email", ""), form.get("mobile", "")
    try:
        notifications.save_preferences(context(), username(), choices, email=email, mobile=mobile)
    except InvalidData as exc:
        typed = notifications.Preferences(
            email.strip(),
            mobile.strip(),
            tuple(
                notifications.PreferenceRow(kind, spec.label, choices[kind].email, choices[kind].sms, spec.sms_allowed)
                for kind, spec in KINDS.items()
            ),
        )
        return _preferences_page(typed, errors=exc.fields, message=exc.message, status=422)
    flash("通知设置已保存", "success")
    return redirect(url_for(".preferences"))


def _preferences_page(
    prefs: notifications.Preferences,
    *,
    errors: dict[str, list[str]] | None = None,
    message: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    page = render_template("notifications/preferences.html", prefs=prefs, errors=errors or {}, message=message)
    return page, status
