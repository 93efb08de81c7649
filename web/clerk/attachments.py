"""附件：上传与下载（任务页、案件页）.

POST /tasks/<id>/attachments (multipart, CSRF-checked like every form) stores a file on a task and goes
back to the task page with a message; a refused file (type, size, empty) is a flash message there too.
The task form's 上传 button posts here from web/static/forms.js (the file alone, the list then updated in
place); without JavaScript it posts the whole task form to tasks.upload, which stores the file the same
way (store_upload) and shows the task page again with what was typed. GET /attachments/<id>
sends the verified bytes as a download. Who may do either is the service's decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData
from engine.results import format_size
from engine.services import attachments
from web.kit.current import context, login_required, username
from web.kit.errors import error_page
from web.kit.forms_render import Field

bp = Blueprint("attachments", __name__)

DATALIST_ID = "attachment-numbers"
_NUMBER_FIELD_MARK = "附件编号"  # form fields titled "…附件编号" (入户调查表附件编号 …) name an attachment


@bp.app_context_processor
def _upload_rules() -> dict[str, Any]:
    """What the upload form tells the user, from the same settings and list the service enforces."""
    return {
        "attachment_accept": attachments.ACCEPT,
        "attachment_types": attachments.ALLOWED_LABELS,
        "attachment_limit": format_size(context().settings.attachment_max_bytes),
        "attachment_datalist": DATALIST_ID,
    }


def offer_numbers(fields: Iterable[Field]) -> None:
    """Point every text field titled "…附件编号" at the datalist of the case's attachment numbers, so the
    browser suggests them (the field stays free text: paper records have numbers of their own)."""
    for field in fields:
        if field.widget == "text" and _NUMBER_FIELD_MARK in field.label:
            field.attrs["list"] = DATALIST_ID
        offer_numbers(field.children)
        offer_numbers(field.items)
        if field.template is not None:
            offer_numbers([field.template])


def store_upload(task_id: int) -> tuple[str | None, list[str]]:
    """The posted `file` and `description` stored on the task: (the success message, []) or (None, the
    Chinese reasons it was refused). PermissionDenied and Conflict propagate (403 / 409)."""
    sent = request.files.get("file")  # None when no file was chosen: the service says so
    filename, content = (sent.filename or "", sent.stream) if sent is not None else ("", b"")
    try:
        stored = attachments.upload(
            context(), username(), task_id, filename, content, request.form.get("description", "")
        )
    except InvalidData as exc:
        return None, [m for messages in exc.fields.values() for m in messages]
    return f"已上传附件 {stored.number}（{stored.filename}，{stored.size_text}）", []


@bp.post("/tasks/<id:task_id>/attachments")
@login_required
def upload(task_id: int) -> ResponseReturnValue:
    done, refused = store_upload(task_id)
    flash(done if done else "附件未能上传：" + "；".join(refused), "success" if done else "error")
    return redirect(url_for("tasks.show", task_id=task_id, _anchor="attachments"), 303)


def content_disposition(filename: str, fallback: str) -> str:
    """`attachment` with an ASCII fallback name and the real one in RFC 5987 form (Chinese names)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@bp.get("/attachments/<id:attachment_id>")
@login_required
def download(attachment_id: int) -> ResponseReturnValue:
    try:
        got = attachments.open_for_download(context(), username(), attachment_id)
    except attachments.AttachmentDamaged as exc:
        return error_page(500, exc.message, title="附件校验未通过")
    meta = got.attachment
    extension = meta.filename.rpartition(".")[2]
    response = Response(got.content, mimetype=meta.content_type)
    response.headers["Content-Disposition"] = content_disposition(meta.filename, f"{meta.number}.{extension}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
