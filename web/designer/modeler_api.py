"""The JSON the modeler's properties panel reads (web/static/modeler/src/dibao-provider.js).

- GET  /designer/modeler/<region>/options           what the panel's selects offer: forms, roles,
  document templates, processes, decisions, context panels, parameters (each key + Chinese label);
- POST /designer/modeler/<region>/check-expression  JSON {kind: "condition"|"timer", text}, CSRF token
  in the X-CSRFToken header → {ok, message}: deploy's sandbox rules on one expression, as the designer types.
Both for the designer of the region only (policy.designer_region): 403 with a JSON message otherwise.
The answers are read through engine.services.designer.editor_options; nothing here touches SQL or Spiff.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData, PermissionDenied
from engine.services.designer.editor_options import check_editor_expression, editor_options
from web.kit.current import context, login_required, username

bp = Blueprint("modeler_api", __name__, url_prefix="/designer/modeler")


@bp.get("/<region>/options")
@login_required
def options(region: str) -> ResponseReturnValue:
    try:
        found = editor_options(context(), username(), region)
    except PermissionDenied as exc:
        return jsonify(ok=False, message=exc.message), 403
    response = jsonify(asdict(found))
    response.headers["Cache-Control"] = "no-store"  # drafts change what is offered
    return response


@bp.post("/<region>/check-expression")
@login_required
def check_expression(region: str) -> ResponseReturnValue:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(ok=False, message="请求体必须是 JSON 对象：{kind, text}"), 422
    try:
        result = check_editor_expression(context(), username(), region, body.get("kind"), body.get("text"))
    except PermissionDenied as exc:
        return jsonify(ok=False, message=exc.message), 403
    except InvalidData as exc:
        return jsonify(ok=False, message=exc.message), 422
    return jsonify(ok=result.ok, message=result.message)
