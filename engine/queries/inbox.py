"""工作台 for thirty cases a day: the signed-in user's tasks (待办 / 已签收 / 已办 / 超期) or the cases they
registered (我发起的), searched, filtered, sorted by any column and paged with a total.

One read transaction per page: the count, the page of rows (HumanTask joined with its case and village,
no workflow restore) and nothing else. A search by a full 身份证号 is the exception: it is personal data,
so the page is read in a write transaction that records `pii_searched` (docs/inbox.md#search).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, aliased

from engine import policy
from engine.clock import utcnow
from engine.context import Context
from engine.domain.privacy import mask_name
from engine.errors import InvalidData, PermissionDenied
from engine.lookups import get_user
from engine.persistence import Case, HumanTask, OrgUnit, User
from engine.queries.inbox_search import due_window, matching_tasks, search_condition, task_scope
from engine.queries.task_summaries import summaries
from engine.records import audit
from engine.results import TaskSummary

TASK_VIEWS = ("open", "claimed", "done", "overdue", "delegated")
VIEWS = (*TASK_VIEWS, "started")
SORTS = ("applicant", "case", "process", "step", "village", "due", "created", "completed")
DUE_WINDOWS = ("overdue", "today", "week")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
MAX_TEXT = 100
_MAX_STEPS = 200
_MAX_ID_MATCHES = 1000  # cases holding one 身份证号: a person's applications over the years

_VILLAGE = aliased(OrgUnit, name="inbox_village")
_ASSIGNEE = aliased(User, name="inbox_assignee")


@dataclass(frozen=True)
class InboxQuery:
    """What the clerk asked for. Empty strings mean "no filter"; `sort` empty means the view's default."""

    view: str = "open"
    q: str = ""
    process: str = ""
    step: str = ""  # a task name (BPMN id), e.g. county_confirmation
    village: str = ""  # a village's org-unit code
    due: str = ""  # one of DUE_WINDOWS
    sort: str = ""
    desc: bool = False
    page: int = 1
    page_size: int = PAGE_SIZE

    def with_page(self, page: int) -> InboxQuery:
        return replace(self, page=page)


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox: a task (task views) or a case (我发起的, `task` is None)."""

    case_number: str
    applicant: str  # masked: 张*, 王*明
    process_id: str
    step: str  # the task's title, or the case's stage
    village: str  # code
    village_name: str
    case_status: str
    case_outcome: str | None
    task: TaskSummary | None = None
    created_at: datetime | None = None

    @property
    def overdue(self) -> bool:
        return self.task is not None and self.task.overdue


@dataclass(frozen=True)
class InboxPage:
    query: InboxQuery
    rows: list[InboxRow]
    total: int
    searched_id_number: bool = False  # the search was a full 身份证号 (and was audited)
    steps: list[tuple[str, str]] = field(default_factory=list)  # (task name, title) the step filter offers

    @property
    def pages(self) -> int:
        return max((self.total + self.query.page_size - 1) // self.query.page_size, 1)


def check_query(query: InboxQuery) -> None:
    """Bad parameters are a 422 naming the parameter, before anything is read."""
    errors: dict[str, list[str]] = {}
    if query.view not in VIEWS:
        errors["view"] = [f"视图必须是 {'/'.join(VIEWS)} 之一"]
    if query.sort and query.sort not in SORTS:
        errors["sort"] = [f"排序列必须是 {'/'.join(SORTS)} 之一"]
    if query.due and query.due not in DUE_WINDOWS:
        errors["due"] = [f"到期范围必须是 {'/'.join(DUE_WINDOWS)} 之一"]
    for name in ("q", "process", "step", "village"):
        if len(getattr(query, name)) > MAX_TEXT:
            errors[name] = [f"不能超过 {MAX_TEXT} 个字"]
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        errors["page_size"] = [f"每页条数必须在 1 到 {MAX_PAGE_SIZE} 之间"]
    if errors:
        raise InvalidData("查询参数有误", errors)


def inbox(ctx: Context, username: str, query: InboxQuery, counted: dict[str, int] | None = None) -> InboxPage:
    """The page of the inbox `query` asks for. A full 身份证号 in `q` needs a role that may see ID numbers
    (policy.may_reveal) and is recorded as `pii_searched`. `counted`: the tab counts the caller already has
    (from `counts` with the same process and village), reused as the total when no other filter applies."""
    check_query(query)
    query = replace(query, q=query.q.strip(), page=max(query.page, 1))
    by_id = search_condition(query.q).id_number is not None
    with ctx.db.write() if by_id else ctx.db.read() as session:
        user = get_user(session, username)
        if by_id and not policy.may_reveal(user):
            raise PermissionDenied("您的角色无权按身份证号查询（可按案件编号或申请人姓名查询）")
        known = (counted or {}).get(query.view) if not (query.q or query.step or query.due) else None
        if query.view == "started":
            page = _cases_page(session, user, query)
        else:
            page = _tasks_page(session, user, query, known)
        if by_id:
            _audit_search(session, user, page)
        return page


def counts(ctx: Context, username: str, process: str = "", village: str = "") -> dict[str, int]:
    """How many rows each view holds with the process and village filters (the tab counts), in one read."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        totals = {}
        for view in TASK_VIEWS:
            conditions = _task_conditions(session, user, InboxQuery(view=view, process=process, village=village))
            totals[view] = int(session.scalar(_task_from(select(func.count()), False).where(*conditions)) or 0)
        started = [Case.created_by_id == user.id]
        if process:
            started.append(Case.kind == process)
        if village:
            started.append(Case.village_id == _village_id(session, village))
        totals["started"] = int(session.scalar(select(func.count()).select_from(Case).where(*started)) or 0)
        return totals


def _tasks_page(session: Session, user: User, query: InboxQuery, known_total: int | None) -> InboxPage:
    conditions = _task_conditions(session, user, query)
    # The case is joined only when the sort reads it: counting 100,000 tasks needs an index alone.
    if known_total is None:
        known_total = session.scalar(_task_from(select(func.count()), False).where(*conditions)) or 0
    total = known_total
    ids = list(
        session.scalars(
            _task_from(select(HumanTask.id), query.sort == "applicant")
            .where(*conditions)
            .order_by(*_task_order(query))
            .limit(query.page_size)
            .offset((query.page - 1) * query.page_size)
        )
    )
    # The page's ids first (a narrow sort), then its rows with everything shown: the wide join runs for 20 rows.
    by_id = {s.id: s for s in summaries(session, HumanTask.id.in_(ids))} if ids else {}
    extras = _case_columns(session, ids)
    rows = [_task_row(by_id[i], *extras[i]) for i in ids if i in by_id]
    steps = _steps(session, user, query)
    return InboxPage(query, rows, int(total), search_condition(query.q).id_number is not None, steps)


def _task_from(statement: Select[Any], with_case: bool) -> Select[Any]:
    statement = statement.select_from(HumanTask)
    return statement.join(Case, Case.id == HumanTask.case_id) if with_case else statement


def _task_conditions(session: Session, user: User, query: InboxQuery) -> list[ColumnElement[bool]]:
    conditions = task_scope(user, query.view)
    if query.q:
        term = search_condition(query.q, _code_point_order(session))
        if term.id_number is not None:
            # One scan of the start data for the few cases holding the number, not one per query below.
            found = list(session.scalars(select(Case.id).where(term.condition).limit(_MAX_ID_MATCHES)))
            conditions.append(HumanTask.case_id.in_(found))
        else:
            conditions.append(matching_tasks(term))
    if query.process:
        conditions.append(HumanTask.process_id == query.process)
    if query.step:
        conditions.append(HumanTask.task_name == query.step)
    if query.village:
        conditions.append(HumanTask.village_id == _village_id(session, query.village))
    if query.due:
        conditions.append(due_window(query.due, utcnow()))
    return conditions


def _code_point_order(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _village_id(session: Session, code: str) -> Any:
    return select(OrgUnit.id).where(OrgUnit.code == code).scalar_subquery()


def _task_order(query: InboxQuery) -> list[Any]:
    column: Any = {
        "applicant": Case.applicant_name,
        # Numbers are "<year>-<case id>" (engine.services.cases), so the case id sorts them without the join.
        "case": HumanTask.case_id,
        "process": HumanTask.process_id,
        "step": HumanTask.title,
        "village": HumanTask.village_id,
        "due": HumanTask.due_at,
        "created": HumanTask.created_at,
        "completed": HumanTask.completed_at,
    }.get(query.sort or ("completed" if query.view == "done" else "due"))
    desc = query.desc or (not query.sort and query.view == "done")
    return [column.desc(), HumanTask.id.desc()] if desc else [column, HumanTask.id]


def _case_columns(session: Session, ids: list[int]) -> dict[int, tuple[str | None, str, str | None, str]]:
    if not ids:
        return {}
    rows = session.execute(
        select(HumanTask.id, Case.applicant_name, Case.status, Case.outcome, _VILLAGE.name)
        .join(Case, Case.id == HumanTask.case_id)
        .join(_VILLAGE, _VILLAGE.id == HumanTask.village_id)
        .where(HumanTask.id.in_(ids))
    ).all()
    return {task_id: (name, status, outcome, village) for task_id, name, status, outcome, village in rows}


def _task_row(task: TaskSummary, name: str | None, status: str, outcome: str | None, village: str) -> InboxRow:
    return InboxRow(
        task.case_number,
        mask_name(name or ""),
        task.process_id,
        task.title,
        task.village,
        village,
        status,
        outcome,
        task,
        task.created_at,
    )


def _steps(session: Session, user: User, query: InboxQuery) -> list[tuple[str, str]]:
    """The steps the user's current view holds (for the step filter). A loose index scan: one index seek per
    distinct step instead of reading every task of the view (100,000 open tasks hold a handful of steps)."""
    if query.view == "done":
        return []  # 已办 grows without end and has no index by step: its filter is process, village and search
    scope = task_scope(user, query.view)
    steps: list[tuple[str, str]] = []
    name = session.scalar(select(func.min(HumanTask.task_name)).where(*scope))
    while name is not None and len(steps) < _MAX_STEPS:
        title = session.scalar(select(HumanTask.title).where(*scope, HumanTask.task_name == name).limit(1))
        steps.append((str(name), str(title or name)))
        name = session.scalar(select(func.min(HumanTask.task_name)).where(*scope, HumanTask.task_name > name))
    return sorted(steps, key=lambda step: step[1])


def _cases_page(session: Session, user: User, query: InboxQuery) -> InboxPage:
    """我发起的: the cases the user registered, with where each stands and how it ended."""
    conditions: list[ColumnElement[bool]] = [Case.created_by_id == user.id]
    if query.q:
        conditions.append(search_condition(query.q, _code_point_order(session)).condition)
    if query.process:
        conditions.append(Case.kind == query.process)
    if query.village:
        conditions.append(Case.village_id == _village_id(session, query.village))
    total = session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
    column: Any = {
        "applicant": Case.applicant_name,
        "case": Case.number,
        "process": Case.kind,
        "step": Case.stage,
        "village": Case.village_id,
    }.get(query.sort, Case.created_at)
    desc = query.desc or not query.sort
    found = session.execute(
        select(Case, _VILLAGE.code, _VILLAGE.name)
        .join(_VILLAGE, _VILLAGE.id == Case.village_id)
        .where(*conditions)
        .order_by(*([column.desc(), Case.id.desc()] if desc else [column, Case.id]))
        .limit(query.page_size)
        .offset((query.page - 1) * query.page_size)
    ).all()
    rows = [
        InboxRow(
            case.number,
            mask_name(case.applicant_name or ""),
            case.kind,
            case.stage or "",
            code,
            name,
            case.status,
            case.outcome,
            None,
            case.created_at,
        )
        for case, code, name in found
    ]
    return InboxPage(query, rows, int(total), search_condition(query.q).id_number is not None)


def _audit_search(session: Session, user: User, page: InboxPage) -> None:
    """One `pii_searched` per case found (on its history), or one without a case when nothing matched."""
    numbers = sorted({row.case_number for row in page.rows})
    cases = dict(session.execute(select(Case.number, Case.id).where(Case.number.in_(numbers))).tuples().all())
    actor = audit.Actor.of(user, min(user.roles & policy.REVEALING_ROLES))
    details = {"where": "inbox", "view": page.query.view, "matches": page.total}
    found: list[str | None] = [*numbers] or [None]
    for number in found:
        audit.record(
            session,
            "pii_searched",
            actor,
            case_id=cases.get(number) if number else None,
            details={**details, **({"case_number": number} if number else {})},
        )


def urgent(task: TaskSummary, now: datetime | None = None) -> bool:
    """A step with a deadline counted in hours (先行救助: 24 hours): its allotted time is at most two days,
    so the inbox shows the hour of its due and marks it 加急 while it is open."""
    if task.due_at is None or task.state not in ("open", "claimed"):
        return False
    return task.due_at - task.created_at <= timedelta(days=2) or (
        task.due_at - (now or utcnow()) <= timedelta(hours=24) and task.due_at > (now or utcnow())
    )
