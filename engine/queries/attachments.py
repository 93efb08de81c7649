"""The attachments of a case or a task as lists and downloads show them (storing and reading the files
themselves: engine.services.attachments)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.errors import NotFound
from engine.lookups import get_case, get_user
from engine.persistence import Attachment, Case, HumanTask, User
from engine.policy import check_may_see_case
from engine.results import AttachmentView


def attachment_views(session: Session, condition: ColumnElement[bool]) -> list[AttachmentView]:
    """Attachments matching `condition` with their case number, task title and uploader, in one query."""
    query = (
        select(Attachment, Case.number, HumanTask.title, User.username, User.display_name)
        .join(Case, Case.id == Attachment.case_id)
        .outerjoin(HumanTask, HumanTask.id == Attachment.task_id)
        .join(User, User.id == Attachment.uploaded_by_id)
        .where(condition)
        .order_by(Attachment.id)
    )
    return [
        AttachmentView(
            a.id,
            a.number,
            case_number,
            a.task_id,
            task_title,
            a.filename,
            a.content_type,
            a.size,
            a.sha256,
            uploader,
            display_name,
            a.uploaded_at,
            a.description,
        )
        for a, case_number, task_title, uploader, display_name in session.execute(query)
    ]


def list_for_case(ctx: Context, username: str, case_number: str) -> list[AttachmentView]:
    """The case's attachments in upload order, for whoever may see the case."""
    with ctx.db.read() as session:
        case = get_case(session, case_number)
        check_may_see_case(get_user(session, username), case)
        return attachment_views(session, Attachment.case_id == case.id)


def list_for_task(ctx: Context, username: str, task_id: int) -> list[AttachmentView]:
    """The attachments uploaded on one task, for whoever may see its case."""
    with ctx.db.read() as session:
        task = session.get(HumanTask, task_id)
        if task is None:
            raise NotFound(f"任务 {task_id} 不存在")
        check_may_see_case(get_user(session, username), task.case)
        return attachment_views(session, Attachment.task_id == task.id)
