"""受理登记, case intake (docs/contracts.md `/cases/new`): register a 低保 application with its household, 试算 it
first.

One form, rendered from the process's start form by web.kit.forms_render, posted back with `_op`:
- `assess` (试算, also what Enter presses: it stores nothing, so a stray Enter never registers a case)
  runs the what-if assessment for the village's region as of today and shows the page again;
- `add:…` / `remove:…` add or remove a member, an income or an expense (no JavaScript needed);
- `submit` (提交登记) starts the case and goes to its page.
Every re-shown page keeps what was typed; field errors sit at their fields (422). The village is a
choice among the villages in the user's scope; start_case checks the scope again (403 otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine import policy
from engine.clock import to_china, utcnow
from engine.domain.vocabulary import CATEGORY_LABELS
from engine.errors import InvalidData
from engine.queries import villages
from engine.results import OrgUnitRef
from engine.services import cases
from engine.services.assessment import assess_household
from web.kit.current import context, login_required, process_titles, username
from web.kit.forms_render import apply_op, parse_submission, render_form

bp = Blueprint("intake", __name__)

# Processes whose start form is {village, channel, household} (docs/contracts.md), so 试算 applies.
PROCESSES = ("dibao_application",)
VILLAGE_REQUIRED = "户籍所在村/社区：请选择"


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 受理登记 link belongs in the header of the signed-in user's pages."""
    user = getattr(current_user, "user", None)
    return {"may_register": bool(user is not None and policy.may_register(user.roles))}


def _with_village_choice(schema: Mapping[str, Any], options: Sequence[OrgUnitRef]) -> dict[str, Any]:
    """The start form with its village field as a choice among the user's villages (a copy: the
    deployed definition is shared and cached). The validator still checks the real definition."""
    properties = dict(schema.get("properties", {}))
    village = dict(properties.get("village", {"type": "string", "title": "户籍所在村/社区"}))
    village.update(
        {
            "enum": [v.code for v in options],
            "x-enum-labels": {v.code: f"{v.name}（{v.code}）" for v in options},
            "x-widget": "select",
        }
    )
    properties["village"] = village
    return {**schema, "properties": properties}


def _region(options: Sequence[OrgUnitRef], chosen: Any) -> str:
    """The region of the chosen village, or of the user's first village while none is chosen."""
    code = chosen if isinstance(chosen, str) and chosen in {v.code for v in options} else options[0].code
    return villages.region_of_village(context(), code, username())


def _page(
    process: str,
    options: Sequence[OrgUnitRef],
    schema: Mapping[str, Any] | None,
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]] | None = None,
    *,
    assessment: Mapping[str, Any] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    titles = process_titles()
    form = render_form(_with_village_choice(schema, options), values, errors or {}) if schema is not None else None
    return (
        render_template(
            "clerk/case_new.html",
            processes=[(p, titles.get(p, p)) for p in PROCESSES],
            process=process,
            has_villages=bool(options),
            form=form,
            assessment=assessment,
            category_labels=CATEGORY_LABELS,
        ),
        status,
    )


@bp.get("/cases/new")
@login_required
def new() -> ResponseReturnValue:
    ctx = context()
    options = villages.registration_villages(ctx, username())  # PermissionDenied → 403 for other roles
    process = request.args.get("process", PROCESSES[0])
    if process not in PROCESSES:
        abort(404)
    if not options:
        return _page(process, options, None, {})
    schema = villages.start_form(ctx, process, _region(options, None))
    # A village assistant has exactly one village: it is chosen already.
    values = {"village": options[0].code} if len(options) == 1 else {}
    return _page(process, options, schema, values)


@bp.post("/cases/new")
@login_required
def register() -> ResponseReturnValue:
    ctx, me = context(), username()
    options = villages.registration_villages(ctx, me)
    process = request.form.get("process", "")
    if process not in PROCESSES or not options:
        abort(400)
    schema = villages.start_form(ctx, process, _region(options, request.form.get("f.village")))
    if schema is None:
        abort(400)
    values = parse_submission(schema, request.form)
    op = request.form.get("_op", "assess")
    if op == "assess":
        return _assess(process, options, schema, values)
    if op != "submit":  # 添加 / 删除 an item of a list: show the form again, nothing is stored
        if not apply_op(schema, values, op):
            abort(400)
        return _page(process, options, schema, values)
    try:
        case = cases.start_case(ctx, process, me, values)
    except InvalidData as exc:
        return _page(process, options, schema, values, exc.fields, status=422)
    flash(f"已登记案件 {case.number}，等待乡镇（街道）受理审查", "success")
    # The case page (/cases/<number>) belongs to the case pages' blueprint; a plain path keeps this
    # blueprint independent of its endpoint name.
    return redirect(f"/cases/{case.number}")


def _assess(
    process: str, options: Sequence[OrgUnitRef], schema: Mapping[str, Any], values: dict[str, Any]
) -> ResponseReturnValue:
    village = values.get("village")
    if not village:
        return _page(process, options, schema, values, {"village": [VILLAGE_REQUIRED]}, status=422)
    region = villages.region_of_village(context(), str(village), username())
    today = to_china(utcnow()).date().isoformat()
    try:
        result = assess_household(context(), region, {"as_of": today, "household": values.get("household") or {}})
    except InvalidData as exc:
        return _page(process, options, schema, values, exc.fields, status=422)
    return _page(process, options, schema, values, assessment=result)
