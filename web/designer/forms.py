"""表单编辑器 (docs/designer-forms.md): a form definition edited as rows of fields, with a live preview.

- GET  /designer/forms/<region>                   the forms a designer of the region may edit;
- GET  /designer/forms/<region>/<form_key>        the editor: the national definition (region default,
  the national designer) or the region's override of it (a region's designer);
- POST /designer/forms/<region>/<form_key>        `_op`: save (default) → draft, then back to the editor
  (POST-redirect-GET); 422 with each problem beside its row and nothing saved; `preview` (the 预览 button
  without JavaScript), `add`, `up:<row>`, `down:<row>`, `remove:<row>` show the editor again unsaved;
- POST /designer/forms/<region>/<form_key>/preview the preview alone, an HTML fragment, for
  web/static/forms-editor/editor.js (CSRF token from the X-CSRFToken header, as the modeler sends it).
The preview is rendered by the clerk's renderer (web.kit.forms_render, kit/_fields.html), so it shows
what a clerk of the region sees. Scope is the service's: engine.policy.designer_region (403 otherwise).
No CSP exception: the script is a file of this origin and the pages carry no inline script or style.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from engine.errors import InvalidData
from engine.services.designer import form_editing
from forms.editing import CHECK_LABELS, KINDS, Row
from web.kit.current import context, login_required, username
from web.kit.forms_render import initial_values, render_form

bp = Blueprint("designer_forms", __name__, url_prefix="/designer/forms")

MAX_ROWS = 200
_ROW_ID = re.compile(r"[a-z0-9]{1,16}")


@bp.app_template_global("designer_form_links")
def _form_links(region: str) -> list[form_editing.FormLink]:
    """For the designer's region page and drafts page: the forms with 编辑 links."""
    return form_editing.form_links(context(), username(), region)


def _rows(form: MultiDict[str, str]) -> list[Row]:
    rows: list[Row] = []
    for rid in form.getlist("row")[:MAX_ROWS]:
        if not _ROW_ID.fullmatch(rid) or any(r.id == rid for r in rows):
            continue

        def get(name: str, rid: str = rid) -> str:
            return form.get(f"r{rid}.{name}", "")[:4000]

        rows.append(
            Row(
                rid,
                get("key").strip(),
                get("orig").strip(),
                get("title"),
                get("kind") or "text",
                bool(get("required")),
                get("options"),
                get("when_field").strip(),
                get("when_values"),
                get("national") == "1",
            )
        )
    return rows


def _edited(rows: list[Row], op: str) -> list[Row]:
    """The rows after an add/up/down/remove button pressed without JavaScript."""
    if op == "add":
        taken = {r.id for r in rows}
        rid = next(f"n{i}" for i in range(len(rows) + 1, len(rows) + MAX_ROWS + 2) if f"n{i}" not in taken)
        return [*rows, Row(rid)] if len(rows) < MAX_ROWS else rows
    action, _, rid = op.partition(":")
    index = next((i for i, r in enumerate(rows) if r.id == rid), None)
    if index is None or (action != "remove" and action not in ("up", "down")):
        return rows
    row = rows[index]
    if action == "remove":
        return rows if row.national else rows[:index] + rows[index + 1 :]
    # A region's national rows stay where the national form has them; its own rows move among themselves.
    target = index - 1 if action == "up" else index + 1
    if 0 <= target < len(rows) and not rows[target].national and not row.national:
        rows[index], rows[target] = rows[target], rows[index]
    return rows


def _preview(schema: Mapping[str, Any]) -> Any:
    return render_form(schema, initial_values(schema, {}), {})


def _page(editor: form_editing.FormEditor, *, preview: Any = None, status: int = 200) -> ResponseReturnValue:
    return (
        render_template(
            "designer/forms_editor.html",
            editor=editor,
            kinds=KINDS,
            new_kinds={k: v for k, v in KINDS.items() if k != "group"},
            checks=CHECK_LABELS,
            preview=preview,
            blank=Row("tmpl"),  # the <template> row; editor.js renumbers its copies
        ),
        status,
    )


@bp.get("/<region>")
@login_required
def index(region: str) -> ResponseReturnValue:
    links = form_editing.form_links(context(), username(), region)
    return render_template("designer/forms_index.html", region=region, links=links)


@bp.get("/<region>/<form_key>")
@login_required
def edit(region: str, form_key: str) -> ResponseReturnValue:
    editor = form_editing.open_editor(context(), username(), region, form_key)
    try:
        preview = _preview(form_editing.preview_schema(context(), username(), region, form_key, editor.title,
                                                        editor.check, editor.rows))  # fmt: skip
    except InvalidData:
        preview = None  # the stored draft has problems: the editor shows them on the next save
    return _page(editor, preview=preview)


@bp.post("/<region>/<form_key>")
@login_required
def save(region: str, form_key: str) -> ResponseReturnValue:
    ctx, me = context(), username()
    opened = form_editing.open_editor(ctx, me, region, form_key)
    title, check = request.form.get("title", "")[:200], request.form.get("check", "")
    op = request.form.get("_op", "save")
    rows = _edited(_rows(request.form), op) if op not in ("save", "preview") else _rows(request.form)
    editor = form_editing.FormEditor(
        opened.region, form_key, opened.national, title if opened.national else opened.title,
        check if opened.national else opened.check, rows, opened.has_draft, [],
    )  # fmt: skip
    if op != "save" and op != "preview":
        return _page(editor)
    try:
        if op == "preview":
            schema = form_editing.preview_schema(ctx, me, region, form_key, editor.title, editor.check, rows)
            return _page(editor, preview=_preview(schema))
        form_editing.save_form(ctx, me, region, form_key, editor.title, editor.check, rows)
    except InvalidData as exc:
        general = list(exc.fields.get("_form", [])) or ([] if exc.fields else [exc.message])
        return _page(dataclasses.replace(editor, general_errors=general), status=422)
    flash("已保存为草稿：请到“草稿与部署”页校验并部署。", "success")
    return redirect(url_for(".edit", region=region, form_key=form_key))


@bp.post("/<region>/<form_key>/preview")
@login_required
def preview(region: str, form_key: str) -> ResponseReturnValue:
    ctx, me = context(), username()
    opened = form_editing.open_editor(ctx, me, region, form_key)
    title = request.form.get("title", "")[:200] if opened.national else opened.title
    check = request.form.get("check", "") if opened.national else opened.check
    # A row just added and still blank is not a problem yet: the preview leaves it out.
    rows = [r for r in _rows(request.form) if r.orig or r.key or r.title.strip()]
    try:
        schema = form_editing.preview_schema(ctx, me, region, form_key, title, check, rows)
    except InvalidData as exc:
        problems = [m for messages in exc.fields.values() for m in messages] or [exc.message]
        return render_template("designer/_forms_preview.html", form=None, problems=problems), 422
    return render_template("designer/_forms_preview.html", form=_preview(schema), problems=[])
