"""待处理异议: objections to a 公示 that nobody has dealt with yet, visible the moment they arrive.

An objection reaches the waiting process at once (engine.services.notices), but the process only turns
it into a task (异议处理, 公示异议核查) when the 公示 period ends. Until then the township would not know.
This read model shows them from columns alone (no workflow restore):

An objection is **pending** while its case is still running and either its 公示 is still open, or the
公示 has closed and no step of the case has been completed since. The first step after a 公示 with
objections is their handling in every process we ship (the objection gateway leads straight to it), so
its completion is what settles them; the rule needs no task names, so a region's own process keeps it.

Who sees them: the roles that handle or act on objections (township clerk and head, the county's
caseworkers), for the cases of their own unit (the same indexed unit columns as 案件查询).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, not_, or_, select
from sqlalchemy.orm import Session

from engine import policy
from engine.context import Context
from engine.domain.roles import Level
from engine.lookups import get_user
from engine.persistence import Case, HumanTask, Notice, Objection, OrgUnit, User
from engine.persistence.cases import IN_PROGRESS_STATUSES

_Row = TypeVar("_Row", bound=tuple[Any, ...])
MAX_ITEMS = 200  # an inbox panel, not a report: the oldest first, and the count says how many in all


@dataclass(frozen=True)
class ObjectionItem:
    objection_id: int
    case_number: str
    process_id: str
    village_name: str
    applicant_name: str | None
    text: str
    channel: str
    contact_given: bool
    received_at: datetime  # naive UTC
    notice_open: bool  # the 公示 is still running (more objections may come)
    notice_ends_at: datetime
    task_id: int | None  # an open task of the case this user may work (the 异议处理 once it exists)


@dataclass(frozen=True)
class PendingObjections:
    items: list[ObjectionItem]
    total: int


def _scope(user: User) -> ColumnElement[bool]:
    column = {
        Level.VILLAGE.value: Case.village_id,
        Level.TOWNSHIP.value: Case.township_id,
        Level.COUNTY.value: Case.county_id,
    }.get(user.org_unit.level)
    return column == user.org_unit_id if column is not None else false()


def pending_condition() -> ColumnElement[bool]:
    """The pending rule of the module docstring, on a query joining Objection, Notice and Case."""
    handled = exists().where(
        HumanTask.case_id == Notice.case_id,
        HumanTask.state == "completed",
        HumanTask.completed_at >= Notice.closed_at,
    )
    return and_(
        Case.status.in_(IN_PROGRESS_STATUSES),
        or_(Notice.status == "open", and_(Notice.closed_at.is_not(None), not_(handled))),
    )


def pending_objections(ctx: Context, username: str) -> PendingObjections:
    """The pending objections of the cases in the user's unit, oldest first (PermissionDenied for roles
    that do not handle objections)."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        policy.check_may_see_objections(user)
        conditions = [_scope(user), pending_condition()]
        total = session.scalar(_joined(select(func.count(Objection.id))).where(*conditions)) or 0
        rows = session.execute(
            _joined(select(Objection, Notice, Case, OrgUnit.name))
            .where(*conditions)
            .order_by(Objection.received_at, Objection.id)
            .limit(MAX_ITEMS)
        ).all()
        tasks = _workable_tasks(session, user, {case.id for _, _, case, _ in rows})
        items = [_item(o, n, c, village, tasks.get(c.id)) for o, n, c, village in rows]
        return PendingObjections(items, int(total))


def pending_count(session: Session, case_id: int) -> int:
    """How many objections to this case are pending (for the badge on its case and task pages; the
    caller has checked that the reader may see the case)."""
    query = _joined(select(func.count(Objection.id))).where(Case.id == case_id, pending_condition())
    return int(session.scalar(query) or 0)


def _joined(query: Select[_Row]) -> Select[_Row]:
    return (
        query.select_from(Objection)
        .join(Notice, Notice.id == Objection.notice_id)
        .join(Case, Case.id == Notice.case_id)
        .join(OrgUnit, OrgUnit.id == Case.village_id)
    )


def _workable_tasks(session: Session, user: User, case_ids: set[int]) -> dict[int, int]:
    if not case_ids:
        return {}
    rows = session.execute(
        select(HumanTask.case_id, HumanTask.id)
        .where(
            HumanTask.case_id.in_(case_ids),
            HumanTask.state.in_(("open", "claimed")),
            HumanTask.role.in_(sorted(user.roles)),
            HumanTask.org_unit_id == user.org_unit_id,
        )
        .order_by(HumanTask.id.desc())
    ).all()
    found: dict[int, int] = {}
    for case_id, task_id in rows:
        found.setdefault(int(case_id), int(task_id))
    return found


def _item(objection: Objection, notice: Notice, case: Case, village: str, task_id: int | None) -> ObjectionItem:
    return ObjectionItem(
        objection.id,
        case.number,
        case.kind,
        village,
        case.applicant_name,
        objection.text,
        objection.channel,
        objection.contact is not None,
        objection.received_at,
        notice.status == "open",
        notice.ends_at,
        task_id,
    )
