"""校验问题 for an editor: GET /designer/problems/<region>/<file> → JSON, the file's problems by element.

The modeler (web/static/modeler/problems.js) asks after loading and after each save, marks every
element with a problem on the canvas and lists them; a click selects the element. Only the region's
designer may ask (policy.designer_region inside the service: 403 otherwise).
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, jsonify
from flask.typing import ResponseReturnValue

from engine.services import designer
from web.kit.current import context, login_required, username

bp = Blueprint("designer_problems", __name__, url_prefix="/designer/problems")

_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}\.(bpmn|dmn)$")


@bp.get("/<region>/<filename>")
@login_required
def file_problems(region: str, filename: str) -> ResponseReturnValue:
    if not _FILE_NAME.match(filename):
        abort(404)
    found = designer.file_problems(context(), username(), region, filename)
    problems = [
        {"element": p.element, "name": p.element_name, "line": p.line, "message": p.message} for p in found.problems
    ]
    response = jsonify(filename=found.filename, problems=problems, elsewhere=found.elsewhere)
    response.headers["Cache-Control"] = "no-store"
    return response
