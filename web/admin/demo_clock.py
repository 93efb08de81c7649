"""演示模式的时间快进（仅演示模式、仅系统管理员）.

`/demo/clock` shows the demo time and moves it forward (engine.services.demo_clock), so a 7-day 公示
can end during a demonstration. Outside demo mode the page does not exist (404, even for visitors who
are not signed in); in demo mode it needs the admin role (403).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData
from engine.services import demo_clock
from web.kit.current import context, login_required, username

bp = Blueprint("demo_clock", __name__)

DEFAULT_DAYS = 8  # one day past a 7-day 公示


def _demo_only(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not demo_clock.available(context()):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _page(days: str, errors: Mapping[str, Sequence[str]] | None = None, status: int = 200) -> ResponseReturnValue:
    return (
        render_template(
            "admin/demo_clock.html",
            clock=demo_clock.status(context()),
            days=days,
            errors=list((errors or {}).get("days", [])),
            min_days=demo_clock.MIN_DAYS,
            max_days=demo_clock.MAX_DAYS,
        ),
        status,
    )


@bp.get("/demo/clock")
@_demo_only
@login_required
def show() -> ResponseReturnValue:
    demo_clock.check_may_travel(context(), username())  # PermissionDenied → 403
    return _page(str(DEFAULT_DAYS))


@bp.post("/demo/clock")
@_demo_only
@login_required
def travel() -> ResponseReturnValue:
    ctx, me = context(), username()
    demo_clock.check_may_travel(ctx, me)
    typed = request.form.get("days", "").strip()
    try:
        days = int(typed)
    except ValueError:
        return _page(typed, {"days": [demo_clock.DAYS_MESSAGE]}, 422)
    try:
        result = demo_clock.travel(ctx, me, days)
    except InvalidData as exc:
        return _page(typed, exc.fields, 422)
    flash(f"已快进 {result.days} 天，处理到期事项 {result.processed} 件", "success")
    return redirect(url_for("demo_clock.show"))
