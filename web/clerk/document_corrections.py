"""更正 an issued document (GET/POST /documents/<id>/correct, docs/documents-corrections-and-printing.md): the
page shows the document and asks for the reason; a correction redirects to the case page with a flash naming
the new verification code. The rules are engine.services.document_corrections' and engine.policy's."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue

from engine.errors import Conflict, InvalidData
from engine.services import document_corrections
from engine.services.document_corrections import DocumentView
from web.kit.current import context, login_required, username

bp = Blueprint("document_corrections", __name__, url_prefix="/documents")


def _form(
    document: DocumentView, reason: str, errors: Mapping[str, list[str]], message: str = "", status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "clerk/document_correct.html",
        document=document,
        reason=reason,
        errors=errors,
        message=message,
        max_reason=document_corrections.MAX_REASON,
    )
    return page, status


@bp.get("/<id:document_id>/correct")
@login_required
def form(document_id: int) -> ResponseReturnValue:
    document = document_corrections.check_may_correct(context(), username(), document_id)
    if document.superseded:
        return _form(document, "", {}, f"文书 {document.code} 已被更正，请更正最新版本", 409)
    return _form(document, "", {})


@bp.post("/<id:document_id>/correct")
@login_required
def correct(document_id: int) -> ResponseReturnValue:
    reason = request.form.get("reason", "")[:2000]
    try:
        new = document_corrections.correct(context(), username(), document_id, reason)
    except (InvalidData, Conflict) as exc:
        document = document_corrections.check_may_correct(context(), username(), document_id)
        fields = exc.fields if isinstance(exc, InvalidData) else {}
        return _form(document, reason, fields, exc.message, 422 if isinstance(exc, InvalidData) else 409)
    flash(
        f"已出具更正后的{new.title}（第 {new.version} 版），核验码 {new.code}；"
        f"原文书 {new.replaces_code} 已标记为已更正",
        "success",
    )
    return redirect(f"/cases/{new.case_number}")
