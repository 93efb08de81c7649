"""文书核验 (docs/documents-verify-and-download.md), no login: the page the QR code on every document points at.

GET /public/verify is a form to type the code printed on a paper; GET /public/verify/<code> shows what a
citizen may see of that document (title, issuing unit, date, masked applicant, sha256, whether it is
current or was corrected and by which code) and a form to upload the PDF one holds: POST
/public/verify/<code> hashes it (never stored; at most MAX_UPLOAD bytes) and says 一致 or 不一致. Codes are
read as typed from paper (engine.domain.document_codes.normalise_code). An unknown code is a Chinese 404.
Not rate-limited: codes have 60 random bits, so guessing one that exists is hopeless, and nothing is written.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError

from engine.errors import NotFound
from engine.queries import documents
from engine.results import format_size
from web.kit.current import context
from web.kit.errors import request_id

bp = Blueprint("verify", __name__, url_prefix="/public/verify")

MAX_UPLOAD = 10 * 1024 * 1024  # far above any issued document (a few hundred KB)
_CHUNK = 64 * 1024


def _error(status: int, title: str, message: str) -> ResponseReturnValue:
    page = render_template("public/verify_error.html", status=status, title=title, message=message, rid=request_id())
    return page, status


@bp.errorhandler(CSRFError)
def _csrf(exc: CSRFError) -> ResponseReturnValue:
    return _error(400, "请求未通过安全校验", "页面已过期或缺少安全校验信息，请返回文书核验页面刷新后重新上传。")


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound) -> ResponseReturnValue:
    return _error(404, "未查到该文书", exc.message)


@bp.get("")
def form() -> ResponseReturnValue:
    typed = request.args.get("code", "").strip()
    if typed:
        found = documents.find_by_code(context(), typed)  # NotFound → the 404 page
        return redirect(url_for(".show", code=found.code), 303)
    return render_template("public/verify_form.html")


@bp.get("/<code>")
def show(code: str) -> ResponseReturnValue:
    return _page(documents.find_by_code(context(), code))


def _page(
    document: documents.PublicDocument,
    check: documents.FileCheck | None = None,
    error: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    page = render_template("public/verify.html", doc=document, check=check, error=error, limit=format_size(MAX_UPLOAD))
    return page, status


def _read_upload() -> bytes | None:
    """At most MAX_UPLOAD + 1 bytes of the posted `file`: enough to tell "too large"; None for no file."""
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return None
    chunks, total = [], 0
    while total <= MAX_UPLOAD:
        chunk = sent.stream.read(min(_CHUNK, MAX_UPLOAD + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


@bp.post("/<code>")
def check(code: str) -> ResponseReturnValue:
    ctx = context()
    document = documents.find_by_code(ctx, code)
    content = _read_upload()
    if not content:
        return _page(document, error="PDF 文件：请选择要核对的文件（不能为空）", status=422)
    if len(content) > MAX_UPLOAD:
        return _page(document, error=f"PDF 文件：不能超过 {format_size(MAX_UPLOAD)}", status=413)
    return _page(document, documents.check_file(ctx, document.code, content))
