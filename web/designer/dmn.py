"""DMN decision tables in the browser (dmn-js, copied by `make modeler-assets`) and the 测试决策表 page.

Per .dmn file of the designer's region, all scope-checked by policy.designer_region (a designer edits
only their own region; anyone else gets 403, visitors the login page):
- GET  /designer/dmn/<region>/<file>.dmn        the decision-table editor (or a note where npm was absent);
- GET  /designer/dmn/<region>/<file>.dmn/xml    the file as the designer sees it (draft, else effective);
- POST /designer/dmn/<region>/<file>.dmn        the exported XML as the body (X-CSRFToken header) →
  designer.save_file → JSON {ok, message}, or 422 {ok: false, message, errors};
- GET/POST /designer/dmn/<region>/<file>.dmn/test   a form with one field per input column; the result for
  the draft and the deployed file side by side (engine.services.designer.decision_tests).
Validation, dry run and deployment stay on the drafts page, as for BPMN.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData
from engine.services import designer
from engine.services.designer import decision_tests
from web.designer import editor_files
from web.kit.current import context, login_required, username

bp = Blueprint("designer_dmn", __name__, url_prefix="/designer/dmn")

VENDOR_DIR = Path(__file__).resolve().parents[1] / "static" / "vendor" / "dmn-js"  # tests monkeypatch it
VENDOR_SCRIPT = "dmn-modeler.production.min.js"
_DMN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}\.dmn$")


def _check(region: str, filename: str) -> None:
    editor_files.check(region, filename, _DMN_NAME)


def assets_installed() -> bool:
    return (VENDOR_DIR / VENDOR_SCRIPT).is_file()


@bp.get("/<region>/<filename>")
@login_required
def page(region: str, filename: str) -> ResponseReturnValue:
    _check(region, filename)
    designer.effective_file(context(), username(), region, filename)  # NotFound → 404, not an empty table
    return render_template("designer/dmn_editor.html", region=region, filename=filename, installed=assets_installed())


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


def shown(value: Any) -> str:
    """An output value as a designer reads it: 是/否 for booleans, lists joined, text as it is."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or value == "":
        return "（空）"
    if isinstance(value, list):
        return "、".join(shown(v) for v in value)
    return str(value)


@bp.route("/<region>/<filename>/test", methods=["GET", "POST"])
@login_required
def test(region: str, filename: str) -> ResponseReturnValue:
    _check(region, filename)
    ctx, me = context(), username()
    form = decision_tests.decision_form(ctx, me, region, filename)
    report: decision_tests.DecisionTestReport | None = None
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {key: str(value) for key, value in request.form.items() if key != "csrf_token"}
        try:
            report = decision_tests.run_decision_test(ctx, me, region, filename, values)
        except InvalidData as exc:
            errors = {field: list(messages) for field, messages in exc.fields.items()} or {"": [exc.message]}
    page = render_template(
        "designer/dmn_test.html",
        form=form,
        values=values,
        errors=errors,
        report=report,
        shown=shown,
        type_labels=decision_tests.TYPE_LABELS,
        hit_policies=decision_tests.HIT_POLICY_LABELS,
    )
    return page, 422 if errors else 200
