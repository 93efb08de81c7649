"""A task as its page shows it, in one call: one read transaction and one restore of the workflow.

The page used to ask seven services in seven transactions and restore the workflow twice (once for the
form's data, once for the diagram). ``task_page`` reads everything in one session and takes both the
task's data and the diagram's highlights from one restored state. ``show_task`` is the smaller view the
API and the CLI give (no diagram, no lists), with the same scope check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, joinedload

from engine import policy
from engine.context import Context
from engine.errors import NotFound
from engine.lookups import get_user
from engine.persistence import Attachment, HumanTask, ProcessInstance
from engine.queries.attachments import attachment_views
from engine.queries.case_view import case_view
from engine.queries.deployed import process_titles
from engine.queries.diagrams import DiagramView, diagram_view, latest_instance
from engine.queries.household_copy import Baseline, masked_baselines
from engine.queries.task_summaries import summaries, summary_of
from engine.queries.villages import colleagues_of, villages_of
from engine.results import AttachmentView, CaseView, OrgUnitRef, Person, TaskDetail
from engine.workflow.runtime import WorkflowRun

OPEN_STATES = ("open", "claimed")
_WITH_INSTANCE = (joinedload(HumanTask.instance).joinedload(ProcessInstance.definition), joinedload(HumanTask.case))


@dataclass(frozen=True)
class TaskPage:
    detail: TaskDetail
    case: CaseView
    diagram: DiagramView  # the process the task belongs to (a 公示 task shows the 公示 process)
    villages: list[OrgUnitRef]  # of the reader's scope: the names the page shows for village codes
    colleagues: list[Person]  # who the task may be transferred to
    attachments: list[AttachmentView]
    process_titles: dict[str, str]
    # Household-copy fields' baselines, 身份证号 masked (docs/household-copy.md); {} for most forms.
    baselines: dict[str, Baseline] = field(default_factory=dict)


def _task(session: Session, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id, options=_WITH_INSTANCE)
    if task is None:
        raise NotFound(f"任务 {task_id} 不存在")
    return task


def _detail(ctx: Context, session: Session, task: HumanTask, run: WorkflowRun | None) -> TaskDetail:
    form = ctx.process(task.instance.definition).forms.get(task.form_key or "")
    data: dict[str, Any] = {}
    if task.state in OPEN_STATES and run is not None:
        data = run.task_data(task.spiff_task_id)
    earlier = summaries(
        session,
        HumanTask.case_id == task.case_id,
        HumanTask.state == "completed",
        HumanTask.opinion.is_not(None),
        order_by=HumanTask.completed_at,
    )
    return TaskDetail(summary_of(task), task.form_key, dict(form.schema) if form else None, data, earlier)


def _read(ctx: Context, task: HumanTask) -> WorkflowRun | None:
    return _read_instance(ctx, task.instance)


def _read_instance(ctx: Context, instance: ProcessInstance) -> WorkflowRun | None:
    return ctx.process(instance.definition).read(instance.state) if instance.state else None


def show_task(ctx: Context, task_id: int, username: str | None = None) -> TaskDetail:
    """The task, its form schema, the data its form opens with and the case's earlier opinions."""
    with ctx.db.read() as session:
        task = _task(session, task_id)
        if username is not None:
            policy.check_may_see_task(get_user(session, username), task)
        return _detail(ctx, session, task, _read(ctx, task) if task.state in OPEN_STATES else None)


def task_page(ctx: Context, task_id: int, username: str) -> TaskPage:
    """Everything the task page shows, for a user who may see the task."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        task = _task(session, task_id)
        policy.check_may_see_task(user, task)
        case = task.case
        policy.check_may_see_case(user, case)
        run = _read(ctx, task)
        instance = latest_instance(session, case)
        shown = run if instance.id == task.instance_id else _read_instance(ctx, instance)
        states = shown.element_states() if shown is not None else {}
        return TaskPage(
            detail=_detail(ctx, session, task, run),
            case=case_view(ctx, session, case),
            diagram=diagram_view(case, instance, states, task.process_id),
            villages=villages_of(session, user),
            colleagues=colleagues_of(session, user, task.role),
            attachments=attachment_views(session, Attachment.case_id == case.id),
            process_titles=process_titles(ctx, session),
            baselines=_baselines(ctx, task, run),
        )


def _baselines(ctx: Context, task: HumanTask, run: WorkflowRun | None) -> dict[str, Baseline]:
    """The masked baselines of the task's household-copy fields, while it can still be worked."""
    form = ctx.process(task.instance.definition).forms.get(task.form_key or "")
    if form is None or run is None or task.state not in OPEN_STATES:
        return {}
    return masked_baselines(form.schema, run.task_data(task.spiff_task_id))


def task_form(ctx: Context, task_id: int, username: str) -> dict[str, Any] | None:
    """The task's form schema alone, for reading a submission (no restore: the data is not needed)."""
    with ctx.db.read() as session:
        task = _task(session, task_id)
        policy.check_may_see_task(get_user(session, username), task)
        form = ctx.process(task.instance.definition).forms.get(task.form_key or "")
        return dict(form.schema) if form else None
