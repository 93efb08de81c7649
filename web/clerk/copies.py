"""抄送我的 (docs/urge-and-copy.md): my `copied` notifications, newest first; 查看 marks one read (the read
receipt) and opens its case at the 抄送 list."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from engine.queries import copies
from engine.services import copies as copy_commands
from web.kit.current import context, login_required, page_number, username

bp = Blueprint("copies", __name__, url_prefix="/copies")


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    listed = copies.copied_to_me(context(), username(), page_number())
    return render_template("clerk/copies.html", listed=listed)


@bp.post("/<id:notification_id>/open")
@login_required
def open_copy(notification_id: int) -> ResponseReturnValue:
    row = copy_commands.open_copy(context(), notification_id, username())
    if row.case_number is None:
        return redirect(url_for(".index"))
    return redirect(url_for("case_pages.show", number=row.case_number, _anchor="copies"))
