"""流程设计草稿 (/designer/drafts/<region>): upload, validate, preview, dry run, deploy.

Everything here is presentation; engine.services.designer decides who may do what (a designer of region R
touches R only: PermissionDenied → 403), checks the files and audits every action. Forms carry the CSRF
token; bad input re-renders the page with the message and 422, nothing saved.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from engine import policy
from engine.domain.vocabulary import FILE_KIND_LABELS
from engine.errors import BundleInvalid, InvalidData, NotFound
from engine.services import designer
from web.kit.current import context, login_required, username
from web.kit.diagram import DiagramError, render_svg

bp = Blueprint("designer_drafts", __name__, url_prefix="/designer/drafts")


def _messages(exc: InvalidData) -> list[str]:
    details = [m for messages in exc.fields.values() for m in messages]
    return details or [exc.message]


def _index_page(region: str, *, report: designer.DraftReport | None = None, errors: list[str] | None = None) -> str:
    ctx, me = context(), username()
    return render_template(
        "designer/drafts_index.html",
        region=region,
        files=designer.draft_files(ctx, me, region),
        documents=designer.region_documents(ctx, me, region),
        report=report,
        errors=errors or [],
        kind_labels=FILE_KIND_LABELS,
        max_kb=designer.MAX_DRAFT_BYTES // 1024,
    )


@bp.get("/<region>")
@login_required
def index(region: str) -> ResponseReturnValue:
    return _index_page(region)


@bp.post("/<region>/upload")
@login_required
def upload(region: str) -> ResponseReturnValue:
    ctx, me = context(), username()
    policy.designer_region(ctx, me, region)  # 403 before looking at the upload
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _index_page(region, errors=["请选择要上传的文件"]), 422
    content = sent.stream.read(designer.MAX_DRAFT_BYTES + 1)
    try:
        view = designer.save_file(ctx, me, region, sent.filename, content)
    except InvalidData as exc:
        return _index_page(region, errors=[f"{exc.message}：{m}" for m in _messages(exc)]), 422
    flash(f"已保存草稿 {view.filename}", "success")
    return redirect(url_for("designer_drafts.index", region=region))


@bp.post("/<region>/files/<filename>/delete")
@login_required
def delete(region: str, filename: str) -> ResponseReturnValue:
    designer.delete_file(context(), username(), region, filename)
    flash(f"已删除草稿 {filename}", "success")
    return redirect(url_for("designer_drafts.index", region=region))


@bp.post("/<region>/discard")
@login_required
def discard(region: str) -> ResponseReturnValue:
    names = designer.discard_draft(context(), username(), region)
    flash(f"已放弃草稿（{len(names)} 个文件）" if names else "没有草稿可放弃", "success")
    return redirect(url_for("designer_drafts.index", region=region))


@bp.post("/<region>/validate")
@login_required
def validate(region: str) -> ResponseReturnValue:
    report = designer.validate_draft(context(), username(), region)
    return _index_page(region, report=report)


@bp.post("/<region>/deploy")
@login_required
def deploy(region: str) -> ResponseReturnValue:
    ctx, me = context(), username()
    try:
        deployed = designer.deploy(ctx, region, me, drafts=True)
    except BundleInvalid as exc:
        report = designer.failed_deploy_report(ctx, me, region, exc.problems)
        return _index_page(region, report=report, errors=["校验未通过，没有部署"]), 422
    except InvalidData as exc:
        return _index_page(region, errors=_messages(exc)), 422
    new = [f"{v.process_id} 第 {v.version} 版" for v in deployed if v.new]
    flash("已部署：" + "、".join(new) if new else "已部署，流程内容没有变化，没有产生新版本", "success")
    return redirect(url_for("designer_drafts.index", region=region))


# ---- preview and dry run -----------------------------------------------------------------------------


@bp.get("/<region>/preview/<filename>")
@login_required
def preview(region: str, filename: str) -> ResponseReturnValue:
    source = designer.preview(context(), username(), region, filename)
    diagrams: list[dict[str, Any]] = []
    for index, process_id in enumerate(source.process_ids):
        try:
            svg = render_svg(source.text, process_id, id_prefix=f"bpmn{index}", title=process_id)
            # render_svg builds the SVG with lxml, which escapes every text and attribute it writes.
            diagrams.append({"process_id": process_id, "svg": Markup(svg), "error": None})  # noqa: S704
        except DiagramError as exc:
            diagrams.append({"process_id": process_id, "svg": None, "error": str(exc)})
    return render_template("designer/drafts_preview.html", region=region, source=source, diagrams=diagrams)


@bp.route("/<region>/dry-run", methods=["GET", "POST"])
@login_required
def dry_run(region: str) -> ResponseReturnValue:
    ctx, me = context(), username()
    titles = designer.process_titles(ctx, me, region)
    process_ids = list(titles)
    household = json.dumps(designer.SAMPLE_HOUSEHOLD, ensure_ascii=False, indent=2)
    process_id = "dibao_application" if "dibao_application" in process_ids else (process_ids or [""])[0]
    report: designer.DryRunReport | None = None
    errors: list[str] = []
    if request.method == "POST":
        household = request.form.get("household", "")
        process_id = request.form.get("process_id", "")
        if process_id not in process_ids:
            errors.append(f"流程：没有流程 {process_id!r}")
        else:
            try:
                report = designer.dry_run(ctx, me, region, process_id, household)
            except (InvalidData, NotFound) as exc:
                errors.extend(_messages(exc) if isinstance(exc, InvalidData) else [exc.message])
    page = render_template(
        "designer/drafts_dry_run.html",
        region=region,
        process_ids=process_ids,
        titles=titles,
        process_id=process_id,
        household=household,
        report=report,
        errors=errors,
        result_json=json.dumps(report.run.assessment, ensure_ascii=False, indent=2) if report and report.run else "",
    )
    return page, 422 if errors else 200
