"""工作台: the signed-in user's tasks in four tabs (待办 / 已签收 / 已办 / 超期), filtered and paginated."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.queries.villages import villages_in_scope
from engine.services import tasks
from web.kit.current import context, login_required, page_number, process_titles, username

bp = Blueprint("inbox", __name__)

PAGE_SIZE = 20
TABS = (("open", "待办"), ("claimed", "已签收"), ("done", "已办"), ("overdue", "超期"))


@dataclass(frozen=True)
class Tab:
    view: str
    label: str
    count: int
    url: str
    active: bool


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    ctx, user = context(), username()
    view = request.args.get("view", "open")
    process, village = request.args.get("process") or None, request.args.get("village") or None
    page = page_number()
    rows = tasks.list_tasks(
        ctx, user, view, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, process_id=process, village=village
    )
    tabs = [
        Tab(
            key,
            label,
            tasks.count_tasks(ctx, user, key, process_id=process, village=village),
            url_for(".index", view=key, process=process, village=village),
            key == view,
        )
        for key, label in TABS
    ]
    total = next(tab.count for tab in tabs if tab.active)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    titles = process_titles()
    villages = villages_in_scope(ctx, user)
    return render_template(
        "clerk/inbox.html",
        view=view,
        tabs=tabs,
        rows=rows,
        page=page,
        pages=pages,
        total=total,
        prev_url=url_for(".index", view=view, page=page - 1, process=process, village=village) if page > 1 else None,
        next_url=url_for(".index", view=view, page=page + 1, process=process, village=village)
        if page < pages
        else None,
        process=process or "",
        village=village or "",
        process_titles=titles,
        villages=villages,
        village_names={v.code: v.name for v in villages},
    )
