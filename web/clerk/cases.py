"""Case pages: 案件查询 (/cases), the case page (/cases/<number>) with its timeline, household, documents
and diagram, the ID-number reveal (POST, audited), and full-page diagrams of the case's processes.

Who may see a case is the services' decision (staff of the case's village, township or county);
who may reveal ID numbers too (pii.REVEALING_ROLES). Everything here is presentation.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, make_response, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.domain.vocabulary import CATEGORY_SHORT_LABELS, ENROLLMENT_STATUS_LABELS, OUTCOME_LABELS
from engine.domain.vocabulary_tekun import TEKUN_CARE_TIERS, TEKUN_PROCESSES
from engine.errors import InvalidData
from engine.queries import attachments as attachment_lists
from engine.queries import case_page, case_search, urges, villages
from engine.queries import copies as copy_lists
from engine.queries import documents as document_lists
from engine.queries.household import HouseholdView
from engine.services import pii
from web.kit.case_diagram import diagram_context
from web.kit.case_search import search_request
from web.kit.current import context, login_required, page_number, process_titles, username

bp = Blueprint("case_pages", __name__, url_prefix="/cases")

APPROVAL_LEVELS = {"township": "乡镇审批", "county": "县级审批", "committee": "县协调机制一事一议"}
# Assessment keys worth a line of their own on the page (the rest is in its explanation).
ASSESSMENT_FIELDS = (
    ("as_of", "评估日期"),
    ("standard", "保障标准（元/人·月）"),
    ("countable_income", "计入收入（元/月）"),
    ("excluded_income", "不计入收入（元/月）"),
    ("deductions", "扣减（元/月）"),
    ("per_capita_income", "家庭人均收入（元/月）"),
    ("category", "评估类别"),
    ("benefit_amount", "拟保障金额（元/月）"),
    ("amount", "救助金额（元）"),
    ("approval_level", "审批层级"),
    ("advance_payment", "可先行发放（元）"),
    # 特困人员认定评估 (docs/tekun.md)
    ("basic", "基本生活标准（元/月）"),
    ("care_tier", "护理档次"),
    ("care", "照料护理标准（元/月）"),
    ("total", "特困供养金额（元/月）"),
)


def _assessment_lines(assessment: dict[str, Any] | None) -> list[tuple[str, str]]:
    if not assessment:
        return []
    lines = []
    for key, label in ASSESSMENT_FIELDS:
        value = assessment.get(key)
        if value is None or isinstance(value, dict | list):
            continue
        if key == "category":
            value = CATEGORY_SHORT_LABELS.get(str(value), value)
        elif key == "approval_level":
            value = APPROVAL_LEVELS.get(str(value), value)
        elif key == "care_tier":
            value = TEKUN_CARE_TIERS.get(str(value), value)
        lines.append((label, str(value)))
    return lines


def _case_page(
    number: str,
    household: HouseholdView | None = None,
    *,
    reason: str = "",
    reveal_errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    ctx, me = context(), username()
    page = case_page.case_page(ctx, number, me, household)
    response = make_response(
        render_template(
            "clerk/case.html",
            page=page,
            case=page.case,
            assessment_lines=_assessment_lines(page.case.assessment),
            tekun_case=page.case.kind in TEKUN_PROCESSES,
            diagram=diagram_context(number),
            process_titles=process_titles(),
            outcome_labels=OUTCOME_LABELS,
            enrollment_labels=ENROLLMENT_STATUS_LABELS,
            reason=reason,
            reveal_errors=reveal_errors or {},
            attachments=attachment_lists.list_for_case(ctx, me, number),
            documents=document_lists.list_for_case(ctx, me, number),  # 文书 (clerk/_documents.html)
            urgeable=urges.urgeable_tasks(ctx, number, me),  # 催办 forms on the open tasks
            copied=copy_lists.receipts_for_case(ctx, number, me),  # 抄送 receipts (clerk/_copy_receipts.html)
        ),
        status,
    )
    if household is not None and household.revealed:
        # Full ID numbers: not to be kept by the browser or any cache between.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
@login_required
def search() -> ResponseReturnValue:
    ctx, me = context(), username()
    filters, query = search_request()
    result = case_search.search_cases(ctx, me, filters, page_number())
    return render_template(
        "clerk/cases.html",
        result=result,
        filters=filters,
        villages=villages.villages_in_scope(ctx, me),
        process_titles=process_titles(),
        outcome_labels=OUTCOME_LABELS,
        statuses=case_search.STATUSES,
        filtered=bool(query),
        prev_url=_search_url(query, result.page - 1) if result.page > 1 else None,
        next_url=_search_url(query, result.page + 1) if result.page < result.pages else None,
    )


def _search_url(query: dict[str, str], page: int) -> str:
    values: dict[str, Any] = {**query, "page": page}
    return url_for(".search", **values)


@bp.get("/<number>")
@login_required
def show(number: str) -> ResponseReturnValue:
    return _case_page(number)


@bp.post("/<number>/reveal")
@login_required
def reveal(number: str) -> ResponseReturnValue:
    """显示完整身份证号: for this page view only, with a reason, recorded as `pii_viewed`."""
    reason = request.form.get("reason", "")
    try:
        household = pii.reveal_household(context(), number, username(), reason)
    except InvalidData as exc:
        return _case_page(number, reason=reason, reveal_errors=exc.fields, status=422)
    return _case_page(number, household)


@bp.get("/<number>/diagram")
@bp.get("/<number>/diagram/<process_id>")
@login_required
def diagram(number: str, process_id: str | None = None) -> ResponseReturnValue:
    drawn = diagram_context(number, process_id)
    view = drawn["view"]
    return render_template("clerk/diagram.html", number=number, diagram=drawn, view=view)
