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
from engine.queries import objections
from engine.queries.attachments import attachment_views
from engine.queries.case_view import case_view
from engine.queries.countersign import CountersignProgress, countersign_progress
from engine.queries.deployed import process_titles
from engine.queries.diagrams import DiagramView, diagram_view, latest_instance
from engine.queries.household_copy import Baseline, masked_baselines
from engine.queries.step_records import StepRecord, completed_steps, step_records
from engine.queries.task_context import task_context
from engine.queries.task_summaries import summaries, summary_of
from engine.queries.villages import colleagues_of, villages_of
from engine.results import AttachmentView, CaseView, ContextPanel, OrgUnitRef, Person, TaskDetail
from engine.workflow.runtime import WorkflowRun
from forms.rules import field_hints

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
    context: list[ContextPanel]  # what the step decides on, as its BPMN declares (engine.queries.task_context)
    steps: list[StepRecord] = field(default_factory=list)  # 办理记录 of the case, read-only beside the form
    pending_objections: int = 0  # 公示 objections to the case not yet dealt with (engine.queries.objections)
    # Help text by field path that the form's check derives from the workflow (e.g. the 渐退 months this
    # household may get): worked out here, because the form opens with its draft or prefill only.
    hints: dict[str, str] = field(default_factory=dict)
    # Household-copy fields' baselines, 身份证号 masked (docs/household-copy.md); {} for most forms.
    baselines: dict[str, Baseline] = field(default_factory=dict)
    countersign: CountersignProgress | None = None  # 会签: who signed, what, who is pending


@dataclass(frozen=True)
class TaskInContext:
    """The API's task detail: the task as show_task gives it, and its decision-context panels."""

    detail: TaskDetail
    context: list[ContextPanel]
    countersign: CountersignProgress | None = None  # 会签 (docs/countersign.md)


def _task(session: Session, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id, options=_WITH_INSTANCE)
    if task is None:
        raise NotFound(f"任务 {task_id} 不存在")
    return task


def _detail(ctx: Context, session: Session, task: HumanTask, run: WorkflowRun | None) -> TaskDetail:
    form = ctx.process(task.instance.definition).forms.get(task.form_key or "")
    # The task's own 暂存 draft, else only what its BPMN declares (docs/step-data.md): never the
    # workflow's variables of the same names, which are earlier steps' decisions and opinions.
    data: dict[str, Any] = {}
    if task.state in OPEN_STATES and task.draft is not None:
        data = dict(task.draft)
    elif task.state in OPEN_STATES and run is not None:
        data = run.task_prefill(task.spiff_task_id)
    earlier = summaries(
        session,
        HumanTask.case_id == task.case_id,
        HumanTask.state == "completed",
        HumanTask.opinion.is_not(None),
        order_by=HumanTask.completed_at,
    )
    saved_at = task.draft_saved_at if task.state in OPEN_STATES and task.draft is not None else None
    schema = dict(form.schema) if form else None
    return TaskDetail(summary_of(task), task.form_key, schema, data, earlier, saved_at)


def _variables(task: HumanTask, run: WorkflowRun | None) -> dict[str, Any]:
    """The open task's workflow variables, for its decision context only (its form opens with _detail's)."""
    return run.task_data(task.spiff_task_id) if task.state in OPEN_STATES and run is not None else {}


def _read(ctx: Context, task: HumanTask) -> WorkflowRun | None:
    return _read_instance(ctx, task.instance)


def _read_instance(ctx: Context, instance: ProcessInstance) -> WorkflowRun | None:
    return ctx.process(instance.definition).read(instance.state) if instance.state else None


def show_task(ctx: Context, task_id: int, username: str | None = None) -> TaskDetail:
    """The task, its form schema, the data its form opens with and the case's earlier opinions."""
    return show_task_in_context(ctx, task_id, username, with_context=False).detail


def show_task_in_context(
    ctx: Context, task_id: int, username: str | None = None, *, with_context: bool = True
) -> TaskInContext:
    """show_task and the task's decision-context panels, from the same read and the same restore."""
    with ctx.db.read() as session:
        task = _task(session, task_id)
        if username is not None:
            policy.check_may_see_task(get_user(session, username), task)
        run = _read(ctx, task) if task.state in OPEN_STATES else None
        detail = _detail(ctx, session, task, run)
        context = task_context(ctx, session, task, _variables(task, run)) if with_context else []
        return TaskInContext(detail, context, countersign_progress(session, task, detail.form))


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
        detail, variables = _detail(ctx, session, task, run), _variables(task, run)
        done = completed_steps(session, case.id)
        return TaskPage(
            detail=detail,
            case=case_view(ctx, session, case),
            diagram=diagram_view(case, instance, states, task.process_id),
            villages=villages_of(session, user),
            colleagues=colleagues_of(session, user, task.role),
            attachments=attachment_views(session, Attachment.case_id == case.id),
            process_titles=process_titles(ctx, session),
            steps=step_records(ctx, done),
            context=task_context(ctx, session, task, variables, done),
            hints=field_hints(detail.form or {}, variables),
            pending_objections=objections.pending_count(session, case.id),
            baselines=masked_baselines(detail.form, variables),
            countersign=countersign_progress(session, task, detail.form),
        )


def task_form(ctx: Context, task_id: int, username: str) -> dict[str, Any] | None:
    """The task's form schema alone, for reading a submission (no restore: the data is not needed)."""
    with ctx.db.read() as session:
        task = _task(session, task_id)
        policy.check_may_see_task(get_user(session, username), task)
        form = ctx.process(task.instance.definition).forms.get(task.form_key or "")
        return dict(form.schema) if form else None
