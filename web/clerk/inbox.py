"""工作台: the signed-in user's tasks (待办 / 已签收 / 已办 / 超期) and cases (我发起的), searched, filtered,
sorted by any column and paged (engine.queries.inbox); 批量签收 and 批量审批 on the selected rows
(engine.services.batch_tasks), POST-redirect-GET with the per-task result list shown once."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from engine.domain.vocabulary import OUTCOME_LABELS
from engine.queries import inbox as inbox_query
from engine.queries.villages import villages_in_scope
from engine.services import batch_tasks
from web.kit.current import context, login_required, page_number, process_titles, signed_in, username

bp = Blueprint("inbox", __name__)

PAGE_SIZE = inbox_query.PAGE_SIZE
TABS = (
    ("open", "待办"),
    ("claimed", "已签收"),
    ("done", "已办"),
    ("overdue", "超期"),
    ("delegated", "委派给我"),  # docs/delegation.md
    ("started", "我发起的"),
)
SORT_LABELS = {
    "applicant": "申请人",
    "case": "案件编号",
    "process": "流程",
    "step": "环节",
    "village": "村/社区",
    "due": "办理期限",
    "completed": "办结时间",
    "created": "登记时间",
}
DUE_LABELS = {"overdue": "已过期限", "today": "今天到期", "week": "7 天内到期"}
_FILTERS = ("q", "process", "step", "village", "due")
_RESULT_KEY = "inbox_batch_result"


@dataclass(frozen=True)
class Tab:
    view: str
    label: str
    count: int | None
    url: str
    active: bool


def _query() -> inbox_query.InboxQuery:
    args = request.args
    return inbox_query.InboxQuery(
        view=args.get("view", "open"),
        **{name: args.get(name, "").strip() for name in _FILTERS},
        sort=args.get("sort", "").strip(),
        desc=args.get("order") == "desc",
        page=page_number(),
        page_size=PAGE_SIZE,
    )


def _params(query: inbox_query.InboxQuery, **changes: Any) -> dict[str, Any]:
    """The query string of a link that keeps the current filters (empty ones left out)."""
    values: dict[str, Any] = {"view": query.view, **{name: getattr(query, name) for name in _FILTERS}}
    values |= {"sort": query.sort, "order": "desc" if query.desc and query.sort else ""}
    values |= changes
    return {key: value for key, value in values.items() if value not in ("", None, 1) or key == "view"}


def _sort_url(query: inbox_query.InboxQuery, column: str) -> str:
    desc = query.sort == column and not query.desc
    return url_for(".index", **_params(query, sort=column, order="desc" if desc else "", page=None))


def _tabs(query: inbox_query.InboxQuery, totals: dict[str, int]) -> list[Tab]:
    keep: dict[str, Any] = {
        key: value for key, value in (("process", query.process), ("village", query.village)) if value
    }
    return [Tab(key, label, totals[key], url_for(".index", view=key, **keep), key == query.view) for key, label in TABS]


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    if set(signed_in().roles) == {"department_staff"}:  # a department's staff work 转介 only (docs/referrals.md)
        return redirect(url_for("referrals.index"))
    ctx, user = context(), username()
    query = _query()
    totals = inbox_query.counts(ctx, user, query.process, query.village)
    page = inbox_query.inbox(ctx, user, query, totals)
    rows = page.rows
    choices = batch_tasks.decision_choices(ctx, user, rows[0].task.id) if query.step and rows and rows[0].task else []
    return render_template(
        "clerk/inbox.html",
        query=query,
        view=query.view,
        inbox=page,
        tabs=_tabs(query, totals),
        rows=rows,
        page=page.query.page,
        pages=page.pages,
        total=page.total,
        page_numbers=_page_numbers(page.query.page, page.pages),
        page_url=lambda n: url_for(".index", **_params(query, page=n)),
        sort_url=lambda column: _sort_url(query, column),
        sort_labels=SORT_LABELS,
        due_labels=DUE_LABELS,
        outcome_labels=OUTCOME_LABELS,
        decision_choices=choices,
        batch=session.pop(_RESULT_KEY, None),
        here=url_for(".index", **_params(query)),
        process_titles=process_titles(),
        villages=villages_in_scope(ctx, user),
        urgent=inbox_query.urgent,
        filtered=any(getattr(query, name) for name in _FILTERS),
    )


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: the first, the last and two either side of the current page (None is a gap)."""
    shown = sorted({1, pages, *range(max(page - 2, 1), min(page + 2, pages) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


@bp.post("/inbox/batch")
@login_required
def batch() -> ResponseReturnValue:
    """批量签收 / 批量审批 of the checked rows; the result list is shown once on the inbox it came from."""
    ctx, user = context(), username()
    form = request.form
    ids = [int(raw) for raw in form.getlist("task_id") if raw.isascii() and raw.isdigit() and len(raw) < 12]
    action = form.get("action", "")
    if action == "claim":
        result = batch_tasks.batch_claim(ctx, user, ids)
    else:
        result = batch_tasks.batch_complete(ctx, user, ids, form.get("decision", ""), form.get("opinion", ""))
    session[_RESULT_KEY] = {
        "action": "批量签收" if result.action == "claim" else "批量审批",
        "succeeded": result.succeeded,
        "failed": result.failed,
        "items": [asdict(item) for item in result.items],
    }
    back = form.get("back", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else url_for(".index"))
