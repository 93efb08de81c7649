"""文书：下载与打印（案件页、任务页、审计档案）(docs/documents-verify-and-download.md).

GET /documents/<id> sends the issued PDF as a download (attachment, the Chinese name in RFC 5987 form);
GET /documents/<id>/print sends the same bytes inline, for the browser's PDF viewer to print from (the
pages open it in a new tab). Both are audited by the service, which also decides who may (whoever may
see the case) and refuses a damaged file. Everything here is presentation.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response
from flask.typing import ResponseReturnValue

from engine.services import documents
from web.kit.current import context, login_required, username
from web.kit.errors import error_page

bp = Blueprint("documents", __name__)


def content_disposition(kind: str, filename: str, fallback: str) -> str:
    """`kind` (attachment or inline) with an ASCII fallback name and the real one as RFC 5987 says."""
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _pdf(document_id: int, purpose: str, kind: str) -> ResponseReturnValue:
    try:
        got = documents.open_for_download(context(), username(), document_id, purpose)
    except documents.DocumentDamaged as exc:
        return error_page(500, exc.message, title="文书校验未通过")
    meta = got.document
    response = Response(got.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(kind, meta.filename, meta.ascii_filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"  # names and amounts: not for shared caches
    return response


@bp.get("/documents/<id:document_id>")
@login_required
def download(document_id: int) -> ResponseReturnValue:
    return _pdf(document_id, "download", "attachment")


@bp.get("/documents/<id:document_id>/print")
@login_required
def print_view(document_id: int) -> ResponseReturnValue:
    return _pdf(document_id, "print", "inline")
