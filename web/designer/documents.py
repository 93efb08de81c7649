"""文书模板 in the drafts workspace (/designer/drafts/<region>/documents/…): edit a template as a draft,
preview it as a PDF against the sample or a case of the region.

Presentation only: engine.services.designer decides who may (a designer of the region: PermissionDenied
→ 403), checks the names and the templates, renders and audits. A template that cannot be rendered is
a page with the Chinese message and 422, not a PDF and not a 500. Forms carry the CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine import policy
from engine.errors import InvalidData, NotFound
from engine.services import designer
from web.kit.current import context, login_required, username
from web.kit.errors import error_page

bp = Blueprint("designer_documents", __name__, url_prefix="/designer/drafts")


def _messages(exc: InvalidData) -> list[str]:
    return [m for messages in exc.fields.values() for m in messages] or [exc.message]


def _edit_page(region: str, filename: str, text: str, errors: list[str] | None = None) -> str:
    return render_template(
        "designer/drafts_document.html",
        region=region,
        filename=filename,
        text=text,
        errors=errors or [],
        max_kb=designer.MAX_DRAFT_BYTES // 1024,
    )


def _checked_name(filename: str) -> str:
    name = designer.draft_name(filename)
    if designer.file_kind(name) != "document":
        raise InvalidData(
            "文件名不符合要求", {"file": [f"{filename!r}：文书模板的文件名为小写字母、数字、下划线加 .html"]}
        )
    return name


@bp.get("/<region>/documents/new")
@login_required
def new(region: str) -> ResponseReturnValue:
    """The 新建文书模板 form's target: the edit page of the typed name (empty when the region has no such file)."""
    policy.designer_region(context(), username(), region)
    try:
        name = _checked_name(request.args.get("file", ""))
    except InvalidData as exc:
        flash("；".join(_messages(exc)), "error")
        return redirect(url_for("designer_drafts.index", region=region))
    return redirect(url_for(".edit", region=region, filename=name))


@bp.route("/<region>/documents/<filename>", methods=["GET", "POST"])
@login_required
def edit(region: str, filename: str) -> ResponseReturnValue:
    ctx, me = context(), username()
    policy.designer_region(ctx, me, region)  # 403 before anything else
    try:
        name = _checked_name(filename)
    except InvalidData as exc:
        raise NotFound("；".join(_messages(exc))) from None
    if request.method == "POST":
        text = request.form.get("content", "")
        try:
            designer.save_file(ctx, me, region, name, text.replace("\r\n", "\n").encode("utf-8"))
        except InvalidData as exc:
            return _edit_page(region, name, text, [f"{exc.message}：{m}" for m in _messages(exc)]), 422
        flash(f"已保存草稿 {name}；校验通过后即可部署", "success")
        return redirect(url_for(".edit", region=region, filename=name))
    try:
        text = designer.effective_file(ctx, me, region, name).decode("utf-8", errors="replace")
    except NotFound:
        text = ""  # a new template
    return _edit_page(region, name, text)


@bp.get("/<region>/documents/<filename>/pdf")
@login_required
def pdf(region: str, filename: str) -> ResponseReturnValue:
    """?case=<number>: against that case of the region (audited as a view of its data); else the sample."""
    try:
        shown = designer.preview_document(context(), username(), region, filename, request.args.get("case"))
    except InvalidData as exc:
        return error_page(422, "；".join(_messages(exc)), title="文书模板无法预览")
    response = Response(shown.pdf, mimetype="application/pdf")
    suffix = f"-{shown.case_number}" if shown.case_number else "-sample"
    ascii_name = filename.removesuffix(".html") + suffix.encode("ascii", "replace").decode().replace("?", "_")
    response.headers["Content-Disposition"] = f'inline; filename="preview-{ascii_name}.pdf"'
    response.headers["Cache-Control"] = "no-store"  # a case's data: not kept by the browser's cache
    return response
