"""审计工作台 (/audit): case search, the case dossier with its chain check, its exports (JSON, a printable
page, events as CSV), the whole-chain check and the report of who viewed personal data.

Read-only: the only POST is the chain check, and nothing here changes a case. Who may open what is
the services' decision (engine.queries.dossier: auditor or admin role, cases of their own unit);
every dossier view and export is recorded there as an audit event. Everything here is presentation.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine import policy
from engine.errors import InvalidData
from engine.queries import case_search, dossier, villages
from engine.queries import documents as document_lists
from engine.results import VerifyResult
from engine.services import audit_checkpoint
from web.kit.case_diagram import diagram_context
from web.kit.case_search import search_request
from web.kit.csv_export import csv_text
from web.kit.current import context, login_required, page_number, process_titles, username

bp = Blueprint("audit", __name__, url_prefix="/audit")

_DATE_FIELDS = {"since": "起始日期", "until": "截止日期"}


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 审计 link belongs in the header of the signed-in user's pages."""
    user = getattr(current_user, "user", None)
    return {"may_audit": bool(user is not None and policy.AUDIT_ROLES & set(user.roles))}


def _index(verification: VerifyResult | None = None) -> ResponseReturnValue:
    ctx, me = context(), username()
    desk = dossier.auditor_desk(ctx, me)  # PermissionDenied for anyone but auditors and admins
    filters, query = search_request()
    result = case_search.search_cases(ctx, me, filters, page_number())
    return render_template(
        "audit/index.html",
        desk=desk,
        result=result,
        filters=filters,
        villages=villages.villages_in_scope(ctx, me),
        process_titles=process_titles(),
        statuses=case_search.STATUSES,
        filtered=bool(query),
        prev_url=_url(".index", {**query, "page": result.page - 1}) if result.page > 1 else None,
        next_url=_url(".index", {**query, "page": result.page + 1}) if result.page < result.pages else None,
        verification=verification,
        checkpoint=audit_checkpoint.latest_checkpoint(ctx, me),
    )


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    return _index()


@bp.post("/verify")
@login_required
def verify_all() -> ResponseReturnValue:
    """校验全部: the whole chain, from the first event to the head, and against the latest checkpoint signed by
    the configured auditor key (audit_checkpoint.verify_audit checks the role)."""
    return _index(audit_checkpoint.verify_audit(context(), username()))


def _url(endpoint: str, values: dict[str, Any]) -> str:
    return url_for(endpoint, **values)


def _no_store(response: Response) -> Response:
    # Audit material (names, opinions, who viewed what): not for the browser's or any proxy's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _documents(number: str) -> list[document_lists.DocumentView]:
    """The case's 文书 with their hashes (audit/_documents.html); after dossier(), which checks the role."""
    return document_lists.list_for_case(context(), username(), number)


@bp.get("/cases/<number>")
@login_required
def case(number: str) -> ResponseReturnValue:
    found = dossier.dossier(context(), username(), number)
    page = render_template(
        "audit/case.html", d=found, facts=found.facts, diagram=diagram_context(number), documents=_documents(number)
    )
    return _no_store(make_response(page))


@bp.get("/cases/<number>/print")
@login_required
def case_print(number: str) -> ResponseReturnValue:
    found = dossier.dossier(context(), username(), number, export="print")
    page = render_template(
        "audit/print.html", d=found, facts=found.facts, diagram=diagram_context(number), documents=_documents(number)
    )
    return _no_store(make_response(page))


@bp.get("/cases/<number>.json")
@login_required
def case_json(number: str) -> ResponseReturnValue:
    found = dossier.dossier(context(), username(), number, export="json")
    body = json.dumps(dossier.as_json(found), ensure_ascii=False, indent=2)
    response = Response(body, content_type="application/json; charset=utf-8")
    return _no_store(_attachment(response, f"dossier-{found.facts.number}.json"))


@bp.get("/cases/<number>/events.csv")
@login_required
def case_events_csv(number: str) -> ResponseReturnValue:
    rows = dossier.events_csv(context(), username(), number)
    return _no_store(_csv(rows, f"events-{number}.csv"))


def _report_args() -> tuple[date | None, date | None, bool]:
    """The report's date filters; InvalidData naming the field when one is not a date."""
    errors: dict[str, list[str]] = {}
    days: dict[str, date | None] = {}
    for name, label in _DATE_FIELDS.items():
        raw = request.args.get(name, "").strip()
        try:
            days[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            errors[name] = [f"{label}：应为 YYYY-MM-DD 格式的日期"]
    if errors:
        raise InvalidData("查询条件有误", errors)
    return days["since"], days["until"], request.args.get("audit_reads") == "1"


@bp.get("/pii-views")
@login_required
def pii_views() -> ResponseReturnValue:
    ctx, me = context(), username()
    dossier.auditor_desk(ctx, me)  # the role check comes before any input check
    values = {name: request.args.get(name, "").strip() for name in _DATE_FIELDS}
    try:
        since, until, audit_reads = _report_args()
        report = dossier.pii_views(ctx, me, since, until, include_audit_reads=audit_reads)
    except InvalidData as exc:
        page = render_template("audit/pii.html", report=None, values=values, errors=exc.fields, csv_url=None)
        return _no_store(make_response(page, 422))
    kept = {key: value for key, value in request.args.items() if key in (*_DATE_FIELDS, "audit_reads")}
    csv_url = _url(".pii_views_csv", kept)
    page = render_template("audit/pii.html", report=report, values=values, errors={}, csv_url=csv_url)
    return _no_store(make_response(page))


@bp.get("/pii-views.csv")
@login_required
def pii_views_csv() -> ResponseReturnValue:
    ctx, me = context(), username()
    dossier.auditor_desk(ctx, me)
    since, until, audit_reads = _report_args()
    rows = dossier.pii_views_csv(ctx, me, since, until, include_audit_reads=audit_reads)
    return _no_store(_csv(rows, "pii-views.csv"))


def _csv(rows: Sequence[Sequence[str]], filename: str) -> Response:
    response = Response(csv_text(rows), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def _attachment(response: Response, filename: str) -> Response:
    # Werkzeug quotes the name (a case number: digits and dashes, checked by the service beforehand).
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response
