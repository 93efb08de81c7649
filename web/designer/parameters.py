"""参数 (/designer/drafts/<region>/parameters): the region's parameters as a form, grouped by topic, each
with its Chinese name, help, typed inputs and its timeline of dated values (docs/designer-parameters.md).

Presentation only: engine.services.designer builds the form from the parameter catalogue, checks and saves
the region's draft parameters.toml (a designer of region R touches R only: 403). The view lives on the
drafts blueprint, so its endpoint stays designer_drafts.parameters.

Posted fields, per parameter <name>:
- f-<name>-<i>-date / -value / -remove: the i-th value not yet in force (editable, removable);
- n-<name>-date / -value: a new value from a date (left out when the date is blank);
- reset-<name>: drop the region's own table (恢复为全国默认).
Values already in force are not posted: they are kept as they are; a new date changes them.
A multiple choice posts one -value per ticked box plus an empty marker, so "nothing ticked" is visible;
levels and roles (督办接收人) post one "level:role" -value per level's select.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData
from engine.services import designer
from web.designer.drafts import bp
from web.kit.current import context, login_required, username

Rows = list[tuple[str, str]]


def _value(key: str, row: designer.ParameterRow, default: str) -> str:
    if key not in request.form:
        return default
    if row.entry.kind in ("choices", "level_roles"):
        return ",".join(v for v in request.form.getlist(key) if v)
    return request.form.get(key, "")


def _submitted_rows(form: designer.ParameterForm) -> dict[str, Rows | None]:
    """Each parameter's full table as posted: the values in force, the future ones, the new one."""
    changes: dict[str, Rows | None] = {}
    for row in form.rows:
        name = row.name
        if request.form.get(f"reset-{name}") and row.origin == "region":
            changes[name] = None
            continue
        rows: Rows = [(p.start, p.value) for p in row.periods if p.past]
        for index, period in enumerate(row.future):
            key = f"f-{name}-{index}"
            if request.form.get(f"{key}-remove"):
                rows.append(("", ""))  # keeps the rows' numbers as the page shows them
                continue
            rows.append((request.form.get(f"{key}-date", period.start), _value(f"{key}-value", row, period.value)))
        rows.append((request.form.get(f"n-{name}-date", ""), _value(f"n-{name}-value", row, "")))
        changes[name] = rows
    return changes


@bp.route("/<region>/parameters", methods=["GET", "POST"])
@login_required
def parameters(region: str) -> ResponseReturnValue:
    ctx, me = context(), username()
    form = designer.parameters_form(ctx, me, region)
    errors: dict[str, list[str]] = {}
    message = ""
    if request.method == "POST":
        try:
            designer.save_parameters(ctx, me, region, _submitted_rows(form))
        except InvalidData as exc:
            errors, message = exc.fields or {"": [exc.message]}, exc.message
        else:
            flash("参数已保存为草稿；校验通过后即可部署", "success")
            return redirect(url_for("designer_drafts.index", region=region))
    names = {row.name for row in form.rows}
    by_row: dict[str, list[str]] = {}
    for key, messages in errors.items():
        name = key.split("[", 1)[0]
        by_row.setdefault(name if name in names else "", []).extend(messages)
    page = render_template(
        "designer/drafts_parameters.html",
        region=region,
        form=form,
        errors_by_row=by_row,
        message=message,
        posted=request.form if errors else None,
    )
    return page, 422 if errors else 200
