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

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from engine.services import designer
from web.designer import editor_files
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
    editor_files.check(region, filename, _BPMN_NAME)


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
    return editor_files.xml_reply(region, filename)


@bp.post("/<region>/<filename>")
@login_required
def save(region: str, filename: str) -> ResponseReturnValue:
    _check(region, filename)
    return editor_files.save_reply(region, filename)
