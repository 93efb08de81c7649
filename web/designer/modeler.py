"""浏览器内的 BPMN 建模器（bpmn-js，由 Makefile 从 npm 安装）.

Three routes per BPMN file of the designer's region, all scope-checked by policy.designer_region
(a designer edits only their own region; anyone else gets 403, visitors the login page):
- GET  /designer/modeler/<region>/<file>.bpmn       the modeler page (or, where `make modeler-assets`
  found no npm, a page saying so and pointing to the drafts page, where upload still works);
- GET  /designer/modeler/<region>/<file>.bpmn/xml   the file as the designer now sees it (their draft's
  copy, else the region's effective file), which web/static/modeler/modeler.js imports;
- POST /designer/modeler/<region>/<file>.bpmn       the exported XML as the request body (CSRF token in
  the X-CSRFToken header) → designer.save_file → JSON {ok, message}, or 422 {ok: false, message, errors}.
Validation and deployment stay on the drafts page (/designer/drafts/<region>): one place does them.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData
from engine.policy import designer_region
from engine.services import designer
from web.kit.current import context, login_required, username

bp = Blueprint("modeler", __name__, url_prefix="/designer/modeler")

# Where `make modeler-assets` copies bpmn-js's prebuilt files (git-ignored). Tests monkeypatch it.
VENDOR_DIR = Path(__file__).resolve().parents[1] / "static" / "vendor" / "modeler"
VENDOR_SCRIPT = "bpmn-modeler.js"
# A file name of the region's bundle: no directories, BPMN only (the other kinds are uploaded on the drafts page).
_BPMN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}\.bpmn$")

# No CSP exception for this page: bpmn-js 18's modeler (canvas, palette, context pad, popup menu, label
# editing) was checked in Chromium under the application-wide `default-src 'self'` with no violation
# reported (it sets styles through the CSSOM, which CSP allows, not through style attributes or <style>).
# If a later version needs `style-src 'unsafe-inline'`, set it on this route's response only.


def _check(region: str, filename: str) -> None:
    """403 unless the signed-in user designs `region`; 404 for anything but a plain .bpmn file name."""
    designer_region(context(), username(), region)
    if not _BPMN_NAME.match(filename):
        abort(404)


def assets_installed() -> bool:
    return (VENDOR_DIR / VENDOR_SCRIPT).is_file()


@bp.get("/<region>/<filename>")
@login_required
def page(region: str, filename: str) -> ResponseReturnValue:
    _check(region, filename)
    installed = assets_installed()
    if installed:
        designer.effective_file(context(), username(), region, filename)  # NotFound → 404, not an empty canvas
    return render_template("designer/modeler.html", region=region, filename=filename, installed=installed)


@bp.get("/<region>/<filename>/xml")
@login_required
def xml(region: str, filename: str) -> ResponseReturnValue:
    _check(region, filename)
    content = designer.effective_file(context(), username(), region, filename)
    response = Response(content, content_type="application/xml; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"  # a draft changes with every save
    return response


@bp.post("/<region>/<filename>")
@login_required
def save(region: str, filename: str) -> ResponseReturnValue:
    _check(region, filename)
    # The modeler edits files that exist (the region's or a draft); new files come by upload on the drafts page.
    designer.effective_file(context(), username(), region, filename)
    content = request.get_data()  # the raw XML; save_file checks size, encoding and that it parses safely
    try:
        designer.save_file(context(), username(), region, filename, content)
    except InvalidData as exc:
        errors = [m for messages in exc.fields.values() for m in messages] or [exc.message]
        return jsonify(ok=False, message=exc.message, errors=errors), 422
    return jsonify(ok=True, message=f"已保存草稿 {filename}：请到“草稿与部署”页校验后部署")
