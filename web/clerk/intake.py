"""受理登记, case intake (docs/contracts.md `/cases/new`): register a 低保 application with its household, 试算 it
first.

One form, rendered from the process's start form by web.kit.forms_render, posted back with `_op`:
- `assess` (试算, also what Enter presses: it stores nothing, so a stray Enter never registers a case)
  runs the what-if assessment for the village's region as of today and shows the page again;
- `add:…` / `remove:…` add or remove a member, an income or an expense (no JavaScript needed);
- `submit` (提交登记) starts the case and goes to its page. A member's 身份证号 already in a running case or
  an enrolment stops it once (409, the matches listed, a 「仍然登记」 checkbox); submitted again with the
  box ticked, it registers (engine.services.cases.start_case, confirm_duplicate).
With JavaScript, duplicate_check.js asks POST /cases/new/duplicates while the numbers are typed.
Every re-shown page keeps what was typed; field errors sit at their fields (422). The village is a
choice among the villages in the user's scope; start_case checks the scope again (403 otherwise).

Issue 14 (docs/starting-cases.md): the page offers, as tabs, every process the user's roles may start
(engine.queries.starting, from the deployed definitions), each with its own start form. 试算 is the
household assessment for a form with a household, the 临时救助 what-if (amount, township limit, who
approves, what is paid first) for 临时救助. The 动态复核 form starts from a chosen enrolment
(web/clerk/intake_review.py).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine import policy
from engine.clock import to_china, utcnow
from engine.domain.vocabulary import APPROVAL_LEVELS, CATEGORY_LABELS
from engine.errors import DuplicateFound, InvalidData, PermissionDenied
from engine.queries import duplicates, starting, villages
from engine.queries.duplicates import DuplicateMatch
from engine.results import OrgUnitRef
from engine.services import cases
from engine.services import intake as intake_requests
from engine.services.assessment import assess_household
from engine.services.temporary import assess_temporary
from web.clerk import intake_review
from web.kit.current import context, login_required, username
from web.kit.forms_parse import apply_op, parse_submission
from web.kit.forms_render import render_form

bp = Blueprint("intake", __name__)

# The 临时救助 process, whose 试算 is the temporary-assistance what-if rather than the household assessment.
TEMPORARY = "temporary_assistance"
VILLAGE_REQUIRED = "户籍所在村/社区：请选择"
# The start-form fields the 临时救助 what-if reads (engine.services.temporary.REQUEST_FORM, without as_of).
TEMPORARY_REQUEST = ("kind", "cause", "persons", "months", "household_type", "existing_recipient")
# The live duplicate check runs as the clerk types: a few dozen a minute is typing, more is a script.
CHECKS_PER_MINUTE = 30
_checks: dict[str, deque[float]] = {}
_checks_lock = threading.Lock()


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 受理登记 and 案件查询 links belong in the header of the signed-in user's pages (a designer or
    a department's staff see no case, so the search would only ever be empty for them)."""
    user = getattr(current_user, "user", None)
    return {
        "may_register": bool(user is not None and policy.may_start_any(user.roles)),
        "may_search_cases": bool(user is not None and set(user.roles) & policy.VIEWING_ROLES),
    }


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
    duplicates: Sequence[DuplicateMatch] = (),
    status: int = 200,
) -> ResponseReturnValue:
    startable = starting.startable_processes(context(), username())
    from_intake = _from_intake()
    form = render_form(_with_village_choice(schema, options), values, errors or {}) if schema is not None else None
    has_household = schema is not None and "household" in schema.get("properties", {})
    return (
        render_template(
            "clerk/case_new.html",
            processes=[(p.process_id, p.title) for p in startable],
            process=process,
            title=next((p.title for p in startable if p.process_id == process), process),
            may_batch=intake_review.may_batch(process, startable),
            has_villages=bool(options),
            form=form,
            can_assess=has_household or process == TEMPORARY,
            assessment=assessment if process != TEMPORARY else None,
            temporary=assessment if process == TEMPORARY else None,
            approval_levels=APPROVAL_LEVELS,
            category_labels=CATEGORY_LABELS,
            duplicates=duplicates,
            review=intake_review.picker(process, values),
            # The live duplicate check is for registrations (a re-check is of an enrolled household on purpose).
            duplicate_checked=process in cases.DUPLICATE_CHECKED,
            temporary_form=process == TEMPORARY,
            from_intake=from_intake,
        ),
        status,
    )


def _startable(process: str | None) -> tuple[str, list[OrgUnitRef]]:
    """The chosen process (the first startable one by default) and the user's villages; 403 for a user
    who may start nothing, 404 for a process the user may not start."""
    ctx, me = context(), username()
    ids = [p.process_id for p in starting.startable_processes(ctx, me)]
    if not ids:
        raise PermissionDenied(policy.NOT_STARTER_MESSAGE)
    chosen = process or ids[0]
    if chosen not in ids:
        abort(404)
    return chosen, villages.villages_in_scope(ctx, me)


@bp.get("/cases/new")
@login_required
def new() -> ResponseReturnValue:
    ctx = context()
    process, options = _startable(request.args.get("process"))
    if not options:
        return _page(process, options, None, {})
    schema = villages.start_form(ctx, process, _region(options, None))
    # A village assistant has exactly one village: it is chosen already.
    values: dict[str, Any] = {"village": options[0].code} if len(options) == 1 else {}
    values.update(intake_review.prefill(process, request.args.get("enrolment")))
    values.update(_case_prefill(schema))  # 特困复核 / 终止 opened from the enrolled case's page
    number = _from_intake()
    if number:  # 一门受理 (docs/intake.md): the request's name, 身份证号, phone and need carried over
        values.update(intake_requests.prefill(ctx, username(), number, process))
    return _page(process, options, schema, values)


def _case_prefill(schema: Mapping[str, Any] | None) -> dict[str, str]:
    """?related_case=…&village=… (links on a case page) for a start form acting on that case; the start checks
    both again."""
    properties = (schema or {}).get("properties") or {}
    if "related_case" not in properties:
        return {}
    picked = {key: (request.args.get(key) or "").strip()[:32] for key in ("related_case", "village")}
    return {key: value for key, value in picked.items() if value}


def _from_intake() -> str | None:
    """The 一门受理 request this start triages (?intake=… on the page, a hidden field in the form)."""
    number = (request.values.get("intake") or "").strip()
    return number[:32] or None


@bp.post("/cases/new")
@login_required
def register() -> ResponseReturnValue:
    ctx, me = context(), username()
    process, options = _startable(request.form.get("process") or "-")
    if not options:
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
    confirmed = request.form.get("confirm_duplicate") == "1"
    try:
        number = _from_intake()
        if number:  # the case and the request's link to it in one transaction
            case = intake_requests.start_case(ctx, number, me, process, values, confirm_duplicate=confirmed)
        else:
            case = cases.start_case(ctx, process, me, values, confirm_duplicate=confirmed)
    except InvalidData as exc:
        return _page(process, options, schema, values, exc.fields, status=422)
    except DuplicateFound as found:
        matches = [m for m in found.matches if isinstance(m, DuplicateMatch)]
        return _page(process, options, schema, values, duplicates=matches, status=409)
    flash(f"已登记案件 {case.number}（{case.stage or '已启动'}）", "success")
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
        if process == TEMPORARY:
            request_values = {k: values.get(k) for k in TEMPORARY_REQUEST if values.get(k) is not None}
            result = assess_temporary(context(), region, {"as_of": today, **request_values})
        else:
            result = assess_household(context(), region, {"as_of": today, "household": values.get("household") or {}})
    except InvalidData as exc:
        return _page(process, options, schema, values, exc.fields, status=422)
    return _page(process, options, schema, values, assessment=result)


def _rate_ok(user: str) -> bool:
    now = time.monotonic()
    with _checks_lock:
        recent = _checks.setdefault(user, deque())
        while recent and recent[0] < now - 60:
            recent.popleft()
        if len(recent) >= CHECKS_PER_MINUTE:
            return False
        recent.append(now)
        return True


@bp.post("/cases/new/duplicates")
@login_required
def check_duplicates() -> ResponseReturnValue:
    """JSON for duplicate_check.js: {"id_numbers": [...]} → the matches, each with a link to the case
    when it lies in the clerk's scope (POST, CSRF header: the numbers stay out of URLs and logs)."""
    me = username()
    payload = request.get_json(silent=True)
    numbers = payload.get("id_numbers") if isinstance(payload, dict) else None
    if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
        return jsonify({"error": "invalid", "message": "请求数据有误：id_numbers 必须是身份证号列表"}), 400
    if not _rate_ok(me):
        return jsonify({"error": "rate_limited", "message": "查询过于频繁，请稍后再试"}), 429
    try:
        found = duplicates.find_duplicates(context(), me, numbers[: duplicates.MAX_NUMBERS])
    except PermissionDenied as denied:
        return jsonify({"error": "forbidden", "message": denied.message}), 403
    items = [{"text": m.text, "url": f"/cases/{m.case_number}" if m.case_number else None} for m in found]
    return jsonify({"matches": items})
