"""What the browser editors (the BPMN modeler, the DMN table editor) share: reading a file of the region
as the designer now sees it and saving the edited XML as a draft, both as JSON-friendly replies.

Each editor checks scope and the file name first (policy.designer_region: 403; a name of another kind:
404). An editor edits files that exist (the region's or a draft); new files come by upload on the drafts
page, so both read the effective file before saving (NotFound → 404).
"""

from __future__ import annotations

import re

from flask import Response, abort, jsonify, request
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData
from engine.policy import designer_region
from engine.services import designer
from web.kit.current import context, username


def check(region: str, filename: str, name_pattern: re.Pattern[str]) -> None:
    """403 unless the signed-in user designs `region`; 404 for a file name the editor does not open."""
    designer_region(context(), username(), region)
    if not name_pattern.match(filename):
        abort(404)


def xml_reply(region: str, filename: str) -> Response:
    """The file as the designer now sees it: their draft's copy, else the region's effective file."""
    content = designer.effective_file(context(), username(), region, filename)
    response = Response(content, content_type="application/xml; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"  # a draft changes with every save
    return response


def save_reply(region: str, filename: str) -> ResponseReturnValue:
    """The request body (the exported XML; CSRF token in the X-CSRFToken header) saved as a draft →
    JSON {ok, message}, or 422 {ok: false, message, errors} when save_file refuses it (size, encoding,
    unsafe or broken XML)."""
    designer.effective_file(context(), username(), region, filename)
    try:
        designer.save_file(context(), username(), region, filename, request.get_data())
    except InvalidData as exc:
        errors = [m for messages in exc.fields.values() for m in messages] or [exc.message]
        return jsonify(ok=False, message=exc.message, errors=errors), 422
    return jsonify(ok=True, message=f"已保存草稿 {filename}：请到“草稿与部署”页校验后部署")
