"""流程设计工作台：地区的有效流程集、版本历史、版本差异.

/designer sends a designer to their own region; /designer/<region> lists the region's effective files
(默认 or 本地区) and each process's deployed version, with links to its history, diffs, the deployed
diagram, the modeler and the drafts page. Who may read which region is the service's decision
(engine.queries.designer.workspace: a designer their region, an administrator theirs, read-only).
Read-only pages: nothing here changes anything, so nothing here is audited. The drafts and modeler
pages (drafts.py, modeler.py beside this module) are linked by path, not endpoint, so each page stands
on its own while the others change.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine import policy
from engine.queries import designer
from web.kit.current import context, login_required, username
from web.kit.diagram import DiagramError, render_svg
from web.kit.errors import error_page

bp = Blueprint("designer", __name__, url_prefix="/designer")


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 流程设计 link belongs in the header of the signed-in user's pages."""
    user = getattr(current_user, "user", None)
    return {"may_design": bool(user is not None and policy.may_design(user.roles))}


@bp.get("")
@login_required
def home() -> ResponseReturnValue:
    space = designer.workspace(context(), username())
    return redirect(url_for(".region", region=space.region))


@bp.get("/<region>")
@login_required
def region(region: str) -> ResponseReturnValue:
    process_set = designer.process_set(context(), username(), region)
    return render_template("designer/index.html", process_set=process_set, space=process_set.workspace)


@bp.get("/<region>/<process_id>/history")
@login_required
def history(region: str, process_id: str) -> ResponseReturnValue:
    ctx, me = context(), username()
    versions = designer.history(ctx, me, region, process_id)
    return render_template(
        "designer/history.html",
        space=designer.workspace(ctx, me, region),
        process_id=process_id,
        versions=versions,
        title=versions[0].title,
    )


@bp.get("/<region>/<process_id>/diff")
@login_required
def diff(region: str, process_id: str) -> ResponseReturnValue:
    """?from=N&to=M; without `to` the newest version, without `from` the one before `to`."""
    ctx, me = context(), username()
    raw_to, raw_from = request.args.get("to"), request.args.get("from")
    if raw_to:
        to_version = designer.check_version_number(raw_to, "to", "比较的目标版本")
    else:
        to_version = designer.latest_version(ctx, me, region, process_id)
    if raw_from:
        from_version = designer.check_version_number(raw_from, "from", "比较的起始版本")
    else:
        from_version = max(to_version - 1, 1)
    result = designer.diff(ctx, me, region, process_id, from_version, to_version)
    versions = designer.history(ctx, me, region, process_id)
    return render_template("designer/diff.html", result=result, space=result.workspace, versions=versions)


@bp.get("/<region>/<process_id>/v<id:version>/diagram")
@login_required
def diagram(region: str, process_id: str, version: int) -> ResponseReturnValue:
    """The deployed version's diagram as an SVG file (opens in the browser, saves, prints)."""
    drawn = designer.diagram(context(), username(), region, process_id, version)
    title = f"{drawn.version.title}（{drawn.version.region} 第 {version} 版）"
    try:
        svg = render_svg(drawn.bpmn, process_id, title=title)
    except DiagramError as exc:
        return error_page(422, exc.message, title="流程图无法显示")
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = f'inline; filename="{process_id}-v{version}.svg"'
    return response
